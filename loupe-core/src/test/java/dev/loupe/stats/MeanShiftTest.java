package dev.loupe.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MeanShiftTest {
  @Test
  void welchMatchesTheNormalApproximationWorkedByHand() {
    // se = sqrt(0.2²/100 + 0.2²/100) = 0.028284; z = 0.05 / se = 1.76777; p = 2(1 − Φ(1.76777)) = 0.077100
    assertThat(MeanShift.means(100, 0.80, 0.2, 100, 0.75, 0.2)).isCloseTo(0.077100, within(1e-5));
    // z = 3.5355 → p = 4.0695e-4
    assertThat(MeanShift.means(400, 0.80, 0.2, 400, 0.75, 0.2)).isCloseTo(4.0695e-4, within(1e-7));
  }

  @Test
  void proportionsMatchThePooledZTestWorkedByHand() {
    // p1 = 0.02, p2 = 0.04, pooled 0.03, se = sqrt(0.03 × 0.97 × 2/1000) = 0.0076289; z = 2.62158; p = 0.0087510
    assertThat(MeanShift.proportions(20, 1000, 40, 1000)).isCloseTo(0.0087510, within(1e-6));
  }

  @Test
  void equalSamplesNeverDifferAndMissingDataSaysNothing() {
    assertThat(MeanShift.means(50, 0.7, 0.1, 80, 0.7, 0.3)).isEqualTo(1.0);
    assertThat(MeanShift.means(1, 0.7, 0, 80, 0.1, 0.3)).isEqualTo(1.0);
    assertThat(MeanShift.proportions(0, 0, 5, 10)).isEqualTo(1.0);
    assertThat(MeanShift.means(50, 1, 0, 50, 0, 0)).isZero();
    assertThat(MeanShift.means(50, 0.5, 0.1, 50, 0.6, 0.1)).isEqualTo(MeanShift.means(50, 0.6, 0.1, 50, 0.5, 0.1));
  }
}
