package dev.loupe.dimension.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.loupe.dimension.model.VersionChange.Sample;
import dev.loupe.dimension.model.VersionChange.Worse;
import org.junit.jupiter.api.Test;

class VersionChangeTest {
  @Test
  void aSignificantDropOfAScoreIsARegressionByItsRelativeSize() {
    VersionChange c = VersionChange.of("groundedness", Worse.LOWER,
        new Sample(3412, 0.80, 0.15, false), new Sample(5120, 0.656, 0.18, false));
    assertThat(c.relativeChange()).isCloseTo(-0.18, within(1e-9));
    assertThat(c.significant()).isTrue();
    assertThat(c.regression()).isTrue();
    assertThat(c.badness()).isCloseTo(0.18, within(1e-9));
  }

  @Test
  void aChangeForTheBetterOrTooSmallASampleIsNoRegression() {
    Sample before = new Sample(500, 0.7, 0.2, false);
    assertThat(VersionChange.of("groundedness", Worse.LOWER, before, new Sample(500, 0.8, 0.2, false)).regression())
        .isFalse();
    assertThat(VersionChange.of("groundedness", Worse.LOWER, before, new Sample(20, 0.2, 0.2, false)).regression())
        .as("20 scores are too few to tell").isFalse();
    assertThat(VersionChange.of("response_length_chars", Worse.NEITHER, before, new Sample(500, 0.1, 0.2, false))
        .regression()).isFalse();
    // Within the noise: 0.70 vs 0.69 with 100 each.
    assertThat(VersionChange.of("groundedness", Worse.LOWER, new Sample(100, 0.70, 0.2, false),
        new Sample(100, 0.69, 0.2, false)).regression()).isFalse();
  }

  @Test
  void ratesCompareAsProportionsAndAZeroRateHasAFloor() {
    VersionChange errors = VersionChange.of("error rate", Worse.HIGHER, Sample.rate(0, 2000), Sample.rate(100, 2000));
    assertThat(errors.relativeChange()).isCloseTo(5.0, within(1e-9));
    assertThat(errors.regression()).isTrue();
    assertThat(VersionChange.of("error rate", Worse.HIGHER, Sample.rate(20, 1000), Sample.rate(22, 1000)).regression())
        .isFalse();
  }

  @Test
  void theBuiltInFlagsOfBadAnswersAreWorseWhenTheyRise() {
    assertThat(VersionChange.worseFor("refusal")).isEqualTo(Worse.HIGHER);
    assertThat(VersionChange.worseFor("groundedness")).isEqualTo(Worse.LOWER);
    assertThat(VersionChange.worseFor("user_feedback")).isEqualTo(Worse.LOWER);
    assertThat(VersionChange.worseFor("response_length_chars")).isEqualTo(Worse.NEITHER);
  }
}
