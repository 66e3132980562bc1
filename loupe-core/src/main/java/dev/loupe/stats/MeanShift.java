package dev.loupe.stats;

/**
 * Whether two samples' means differ, from counts and moments alone (what SQL aggregates or
 * rollups give, no raw values): Welch's z-test for means, the pooled two-proportion z-test for
 * rates. Both use the normal approximation, sound once each side holds a few dozen observations;
 * callers require at least {@link #MIN_COUNT}. Two-sided p-values.
 *
 * <pre>{@code
 * double p = MeanShift.means(3412, 0.81, 0.12, 5120, 0.66, 0.15);
 * double q = MeanShift.proportions(12, 3412, 80, 5120);
 * }</pre>
 */
public final class MeanShift {
  /** Below this many observations on either side the normal approximation is not trusted. */
  public static final long MIN_COUNT = 30;

  private MeanShift() {}

  /** The p-value of Welch's test that two means differ; 1 when either side lacks data. */
  public static double means(long n1, double mean1, double sd1, long n2, double mean2, double sd2) {
    if (n1 < 2 || n2 < 2 || !Double.isFinite(mean1) || !Double.isFinite(mean2)) return 1;
    double se2 = sd1 * sd1 / n1 + sd2 * sd2 / n2;
    return twoSided(mean2 - mean1, se2);
  }

  /** The p-value of the test that {@code k1/n1} and {@code k2/n2} differ; 1 when either side is empty. */
  public static double proportions(long k1, long n1, long k2, long n2) {
    if (n1 <= 0 || n2 <= 0) return 1;
    double pooled = (double) (k1 + k2) / (n1 + n2);
    double se2 = pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2);
    return twoSided((double) k2 / n2 - (double) k1 / n1, se2);
  }

  private static double twoSided(double difference, double variance) {
    if (difference == 0) return 1;
    if (!(variance > 0)) return 0; // no spread on either side, yet the means differ
    // Z² is chi-square with one degree of freedom: P(|Z| ≥ z) = P(χ²₁ ≥ z²).
    return ChiSquareDistribution.survival(difference * difference / variance, 1);
  }
}
