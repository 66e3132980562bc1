package dev.loupe.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SeriesSelectorTest {
  @Test
  void validForms() {
    assertThat(SeriesSelector.parse("loupe_x").matchers()).isEmpty();
    assertThat(SeriesSelector.parse(" loupe_x { } ").metricName()).isEqualTo("loupe_x");
    SeriesSelector s = SeriesSelector.parse("m{a=\"1\", b!='2',c=~\"x.*\",d!~\"y|z\",}");
    assertThat(s.matchers()).containsExactly(
        new LabelMatcher("a", LabelMatcher.Op.EQ, "1"), new LabelMatcher("b", LabelMatcher.Op.NEQ, "2"),
        new LabelMatcher("c", LabelMatcher.Op.RE, "x.*"), new LabelMatcher("d", LabelMatcher.Op.NRE, "y|z"));
    SeriesSelector byName = SeriesSelector.parse("{__name__=\"m\",a=\"say \\\"hi\\\"\"}");
    assertThat(byName.metricName()).isEqualTo("m");
    assertThat(byName.matchers().get(0).value()).isEqualTo("say \"hi\"");
  }

  @Test
  void errorsNameTheColumn() {
    assertThatThrownBy(() -> SeriesSelector.parse("m{a=b}")).hasMessageStartingWith("column 5:");
    assertThatThrownBy(() -> SeriesSelector.parse("m{a=\"b\"")).hasMessageContaining("column 8");
    assertThatThrownBy(() -> SeriesSelector.parse("m{a==\"b\"}")).hasMessageStartingWith("column 5:");
    assertThatThrownBy(() -> SeriesSelector.parse("rate(m[5m])")).hasMessageContaining("only selectors");
    assertThatThrownBy(() -> SeriesSelector.parse("{a=\"b\"}")).hasMessageContaining("metric name is required");
    assertThatThrownBy(() -> SeriesSelector.parse("m{a=~\"(\"}")).hasMessageContaining("invalid matcher");
    assertThatThrownBy(() -> SeriesSelector.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void renderedRandomSelectorsParseBack() {
    Random r = new Random(42);
    String alphabet = "abcXYZ019 _-.,{}=!~\"'\\\u00e9\u4e2d|*";
    for (int round = 0; round < 3000; round++) {
      List<LabelMatcher> matchers = new ArrayList<>();
      StringBuilder text = new StringBuilder("metric_" + r.nextInt(100) + "{");
      int n = r.nextInt(4);
      for (int i = 0; i < n; i++) {
        StringBuilder value = new StringBuilder();
        for (int c = r.nextInt(8); c > 0; c--) value.append(alphabet.charAt(r.nextInt(alphabet.length())));
        LabelMatcher.Op op = r.nextBoolean() ? LabelMatcher.Op.EQ : LabelMatcher.Op.NEQ;
        String name = "l" + i + (r.nextBoolean() ? "_x" : "");
        matchers.add(new LabelMatcher(name, op, value.toString()));
        String escaped = value.toString().replace("\\", "\\\\").replace("\"", "\\\"");
        text.append(i > 0 ? ", " : "").append(name).append(op.symbol()).append('"').append(escaped).append('"');
      }
      text.append('}');
      SeriesSelector parsed = SeriesSelector.parse(text.toString());
      assertThat(parsed.matchers()).as(text.toString()).isEqualTo(matchers);
    }
  }

  @Test
  void garbageOnlyEverFailsWithIllegalArgument() {
    Random r = new Random(7);
    String alphabet = "m{}=!~\"',a_ \\(";
    for (int round = 0; round < 5000; round++) {
      StringBuilder s = new StringBuilder();
      for (int c = r.nextInt(14); c > 0; c--) s.append(alphabet.charAt(r.nextInt(alphabet.length())));
      try {
        SeriesSelector.parse(s.toString());
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }

  @Test
  void matchersFollowPromQlSemantics() {
    assertThat(new LabelMatcher("a", LabelMatcher.Op.RE, "x|y").matches("x")).isTrue();
    assertThat(new LabelMatcher("a", LabelMatcher.Op.RE, "x").matches("xx")).as("anchored").isFalse();
    assertThat(new LabelMatcher("a", LabelMatcher.Op.EQ, "").matches((String) null)).isTrue();
    assertThat(new LabelMatcher("a", LabelMatcher.Op.NRE, "v.*").matches("w1")).isTrue();
  }
}
