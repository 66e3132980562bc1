package dev.loupe.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SortedLabelsTest {
  @Test
  void behavesExactlyLikeASortedMapOfTheSameLabels() {
    Random r = new Random(3);
    for (int round = 0; round < 2_000; round++) {
      Map<String, String> m = new HashMap<>();
      int n = r.nextInt(12);
      for (int i = 0; i < n; i++) m.put("l" + r.nextInt(20), "v" + r.nextInt(5));
      SortedLabels s = SortedLabels.copyOf(m);
      TreeMap<String, String> t = new TreeMap<>(m);
      assertThat(s).isEqualTo(t);
      assertThat(t).isEqualTo(s);
      assertThat(s.hashCode()).isEqualTo(t.hashCode()).isEqualTo(m.hashCode());
      assertThat(new ArrayList<>(s.keySet())).isEqualTo(new ArrayList<>(t.keySet()));
      assertThat(s.toString()).isEqualTo(t.toString());
      for (int i = 0; i < 20; i++) {
        assertThat(s.get("l" + i)).isEqualTo(t.get("l" + i));
        assertThat(s.containsKey("l" + i)).isEqualTo(t.containsKey("l" + i));
      }
      assertThat(SortedLabels.copyOf(s)).isSameAs(s);
    }
  }

  @Test
  void isImmutableAndRejectsNulls() {
    SortedLabels s = SortedLabels.copyOf(Map.of("a", "1"));
    assertThatThrownBy(() -> s.put("b", "2")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> s.entrySet().iterator().next().setValue("x")).isInstanceOf(UnsupportedOperationException.class);
    Map<String, String> withNull = new HashMap<>();
    withNull.put("a", null);
    assertThatThrownBy(() -> SortedLabels.copyOf(withNull)).isInstanceOf(NullPointerException.class).hasMessageContaining("a");
    assertThat(SortedLabels.copyOf(null)).isEmpty();
  }
}
