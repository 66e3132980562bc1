package dev.loupe.dimension.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompletionLengthBaselineTest {
  final CompletionLengthBaseline.Settings settings = CompletionLengthBaseline.Settings.DEFAULTS;

  /** A support bot's answers: about 250 tokens, log-normal, most between 120 and 500. */
  static long ordinary(Random r) {
    return Math.round(Math.exp(Math.log(250) + 0.35 * r.nextGaussian()));
  }

  static CompletionLengthBaseline fed(int n, long seed) {
    CompletionLengthBaseline b = CompletionLengthBaseline.create(CompletionLengthBaseline.Settings.DEFAULTS);
    Random r = new Random(seed);
    for (int k = 0; k < n; k++) assertThat(b.observe(ordinary(r))).as("ordinary length %d", k).isEmpty();
    return b;
  }

  @Test
  void aCompletionManyTimesTheUsualLengthIsAWarning() {
    CompletionLengthBaseline b = fed(400, 1);
    assertThat(b.medianLength()).isBetween(220.0, 280.0);
    Optional<SecurityFinding> dump = b.observe(6_000);
    assertThat(dump).isPresent();
    SecurityFinding f = dump.get();
    assertThat(f.kind()).isEqualTo("long_completion");
    assertThat(f.severity()).isEqualTo(dev.loupe.model.Severity.WARNING);
    assertThat(f.reason()).contains("6,000 tokens").contains("median of 2");
    assertThat(f.evidence()).containsEntry("length", "6000").containsEntry("unit", "tokens").containsKey("limit");
    assertThat(Double.parseDouble(f.evidence().get("ratio"))).isGreaterThan(20);
    // A long but plausible answer is not: three times the usual, under the floor of 1,000 tokens.
    assertThat(b.observe(750)).isEmpty();
    assertThat(b.limitLength()).isGreaterThanOrEqualTo(1_000);
  }

  @Test
  void nothingIsJudgedBeforeEnoughHistory() {
    CompletionLengthBaseline b = fed(50, 2);
    assertThat(b.observe(50_000)).isEmpty();
    assertThat(b.seen()).isEqualTo(51);
  }

  @Test
  void aBurstOfDumpsStaysFlaggedAndALastingChangeIsLearnt() {
    CompletionLengthBaseline b = fed(400, 3);
    int flagged = 0;
    for (int k = 0; k < 30; k++) flagged += b.observe(8_000).isPresent() ? 1 : 0;
    assertThat(flagged).as("a burst is learnt clipped, so it stays far above the median").isEqualTo(30);
    // The deployment now writes reports: once they fill more than half the window they are its norm.
    for (int k = 0; k < 1_000; k++) b.observe(8_000);
    assertThat(b.medianLength()).isGreaterThan(5_000);
    assertThat(b.observe(9_000)).isEmpty();
  }

  @Test
  void aDeploymentOfVaryingLengthsHasAWiderLimit() {
    CompletionLengthBaseline narrow = fed(400, 4);
    CompletionLengthBaseline wide = CompletionLengthBaseline.create(settings);
    Random r = new Random(4);
    for (int k = 0; k < 400; k++) wide.observe(Math.round(Math.exp(Math.log(250) + 1.0 * r.nextGaussian())));
    assertThat(wide.limitLength()).isGreaterThan(3 * narrow.limitLength());
    assertThat(wide.observe(6_000)).isEmpty();
  }

  @Test
  void stateRoundTripsAndKeepsTheDecision() {
    CompletionLengthBaseline b = fed(1_300, 5);
    CompletionLengthState s = b.state();
    CompletionLengthBaseline back = CompletionLengthBaseline.restore(settings, s);
    assertThat(back.medianLength()).isEqualTo(b.medianLength());
    assertThat(back.limitLength()).isEqualTo(b.limitLength());
    assertThat(back.seen()).isEqualTo(1_300);
    assertThat(back.observe(6_000)).isPresent();
    // A smaller window keeps the most recent lengths.
    CompletionLengthBaseline small = CompletionLengthBaseline.restore(
        new CompletionLengthBaseline.Settings(200, 100, 5, 4, 1_000, "tokens"), s);
    assertThat(small.state().filled()).isEqualTo(200);
    assertThat(small.medianLength()).isBetween(200.0, 300.0);
  }

  @Test
  void badSettingsAndStatesNameTheField() {
    assertThatThrownBy(() -> new CompletionLengthBaseline.Settings(5, 5, 5, 4, 1_000, "tokens"))
        .hasMessageContaining("window");
    assertThatThrownBy(() -> new CompletionLengthBaseline.Settings(100, 500, 5, 4, 1_000, "tokens"))
        .hasMessageContaining("min_observations");
    assertThatThrownBy(() -> new CompletionLengthBaseline.Settings(100, 50, 5, 0.5, 1_000, "tokens"))
        .hasMessageContaining("min_ratio");
    assertThatThrownBy(() -> new CompletionLengthState(new float[10], 11, 0, 11, 5, 0.2)).hasMessageContaining("filled");
    assertThatThrownBy(() -> CompletionLengthBaseline.create(settings).observe(-1)).hasMessageContaining("length");
  }
}
