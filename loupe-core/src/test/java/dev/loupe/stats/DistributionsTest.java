package dev.loupe.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The two survival functions against table values and closed forms. */
class DistributionsTest {
  @Test
  void chiSquareSurvivalMatchesCriticalValueTables() {
    // upper critical values from any chi-square table (scipy.stats.chi2.isf)
    assertThat(ChiSquareDistribution.survival(3.841458820694124, 1)).isCloseTo(0.05, within(1e-12));
    assertThat(ChiSquareDistribution.survival(11.070497693516351, 5)).isCloseTo(0.05, within(1e-12));
    assertThat(ChiSquareDistribution.survival(23.209251158954356, 10)).isCloseTo(0.01, within(1e-12));
    assertThat(ChiSquareDistribution.survival(124.342, 100)).isCloseTo(0.05, within(1e-4));
  }

  @Test
  void chiSquareSurvivalMatchesClosedForms() {
    // dof 2: e^(-x/2); dof 4: e^(-x/2)(1 + x/2); dof 1: erfc(√(x/2)), erfc(1/√2) = 0.3173105078629141
    for (double x : new double[] {0.01, 0.5, 2, 7.3, 30, 120}) {
      assertThat(ChiSquareDistribution.survival(x, 2)).as("dof 2 at %s", x).isCloseTo(Math.exp(-x / 2), within(1e-13));
      assertThat(ChiSquareDistribution.survival(x, 4)).as("dof 4 at %s", x)
          .isCloseTo(Math.exp(-x / 2) * (1 + x / 2), within(1e-13));
    }
    assertThat(ChiSquareDistribution.survival(1, 1)).isCloseTo(0.31731050786291415, within(1e-13));
    assertThat(ChiSquareDistribution.survival(0, 3)).isEqualTo(1);
    assertThat(ChiSquareDistribution.survival(Double.POSITIVE_INFINITY, 3)).isEqualTo(0);
  }

  @Test
  void logGammaOfIntegersIsLogFactorial() {
    assertThat(ChiSquareDistribution.logGamma(1)).isCloseTo(0, within(1e-14));
    assertThat(ChiSquareDistribution.logGamma(0.5)).isCloseTo(Math.log(Math.sqrt(Math.PI)), within(1e-14));
    assertThat(ChiSquareDistribution.logGamma(11)).isCloseTo(Math.log(3_628_800), within(1e-12));
  }

  @Test
  void kolmogorovSurvivalMatchesItsQuantiles() {
    // the Kolmogorov distribution's 90 %, 95 % and 99 % points: 1.2238, 1.3581, 1.6276
    assertThat(KolmogorovDistribution.survival(1.2238)).isCloseTo(0.10, within(1e-4));
    assertThat(KolmogorovDistribution.survival(1.3581)).isCloseTo(0.05, within(1e-4));
    assertThat(KolmogorovDistribution.survival(1.6276)).isCloseTo(0.01, within(1e-4));
    assertThat(KolmogorovDistribution.survival(1.0)).isCloseTo(0.26999967, within(1e-7));
    // K(0.5) = 0.0360547563 (tabulated), on the small-λ branch
    assertThat(KolmogorovDistribution.survival(0.5)).isCloseTo(1 - 0.0360547563, within(1e-8));
    assertThat(KolmogorovDistribution.survival(0)).isEqualTo(1);
    assertThat(KolmogorovDistribution.survival(5)).isLessThan(1e-20);
  }

  @Test
  void kolmogorovBranchesMeetAt118() {
    assertThat(KolmogorovDistribution.survival(1.18 - 1e-9)).isCloseTo(KolmogorovDistribution.survival(1.18), within(1e-9));
  }
}
