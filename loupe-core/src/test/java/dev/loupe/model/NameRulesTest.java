package dev.loupe.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NameRulesTest {
  @Test
  void labelAndMetricNamesFollowPrometheus() {
    assertThat(Checks.isLabelName("gpu")).isTrue();
    assertThat(Checks.isLabelName("_a9")).isTrue();
    assertThat(Checks.isLabelName("9a")).isFalse();
    assertThat(Checks.isLabelName("a:b")).isFalse();
    assertThat(Checks.isLabelName("")).isFalse();
    assertThat(Checks.isLabelName(null)).isFalse();
    assertThat(Checks.isMetricName("job:rate5m")).isTrue();
    assertThat(Checks.isMetricName(":x")).isTrue();
    assertThat(Checks.isMetricName("bad-name")).isFalse();
    assertThat(Checks.isMetricName("é")).isFalse();
  }
}
