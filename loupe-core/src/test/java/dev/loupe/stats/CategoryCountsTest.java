package dev.loupe.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CategoryCountsTest {
  @Test
  void countsMergeAndRoundTripThroughTheirMap() {
    CategoryCounts a = new CategoryCounts();
    a.add("stop");
    a.add("stop");
    a.add("length");
    a.add(null);
    CategoryCounts b = CategoryCounts.of(Map.of("stop", 5L, "tool_calls", 2L));
    a.merge(b);
    assertThat(a.asMap()).containsExactly(Map.entry("", 1L), Map.entry("length", 1L), Map.entry("stop", 7L),
        Map.entry("tool_calls", 2L));
    assertThat(a.count()).isEqualTo(11);
    assertThat(CategoryCounts.of(a.asMap()).asMap()).isEqualTo(a.asMap());
    assertThatThrownBy(() -> CategoryCounts.of(Map.of("stop", -1L))).hasMessageContaining("stop");
  }

  @Test
  void categoriesPastTheCapAreCountedTogether() {
    CategoryCounts c = new CategoryCounts();
    for (int i = 0; i < CategoryCounts.MAX_CATEGORIES + 50; i++) c.add("user-" + i);
    c.add("user-1");
    assertThat(c.asMap()).hasSize(CategoryCounts.MAX_CATEGORIES + 1);
    assertThat(c.count(CategoryCounts.OTHER)).isEqualTo(50);
    assertThat(c.count("user-1")).isEqualTo(2);
    assertThat(c.count()).isEqualTo(CategoryCounts.MAX_CATEGORIES + 51);
  }
}
