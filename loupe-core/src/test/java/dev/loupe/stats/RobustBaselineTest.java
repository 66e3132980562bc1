package dev.loupe.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RobustBaselineTest {
  @Test
  void medianAndMadByHandAndOneOutlierBarelyMovesThem() {
    // sorted 90 95 100 105 400: median 100; deviations 10 5 0 5 300 → sorted 0 5 5 10 300: MAD 5.
    RobustBaseline b = RobustBaseline.of(new double[] {100, 400, 95, 105, 90});
    assertThat(b.median()).isEqualTo(100);
    assertThat(b.mad()).isEqualTo(5);
    assertThat(b.count()).isEqualTo(5);
    assertThat(b.scale(0)).isCloseTo(7.413, within(1e-9));
    assertThat(b.deviation(70, 0)).isCloseTo(-30 / 7.413, within(1e-9));
    // An even count: the mean of the two middle values.
    assertThat(RobustBaseline.of(new double[] {1, 2, 3, 10}).median()).isEqualTo(2.5);
  }

  @Test
  void identicalValuesAreMeasuredAgainstTheRelativeFloorAndNeverDivideByZero() {
    RobustBaseline b = RobustBaseline.of(new double[] {1_000_000, 1_000_000, 1_000_000, 1_000_000});
    assertThat(b.mad()).isZero();
    assertThat(b.deviation(950_000, 0.02)).isCloseTo(-2.5, within(1e-9));
    assertThat(RobustBaseline.of(new double[] {0, 0, 0}).deviation(3, 0.02)).isEqualTo(3);
  }
}
