package dev.loupe.stats;

/**
 * The chi-square distribution's survival function, through the regularized upper incomplete
 * gamma function Q(k/2, x/2): its power series below a + 1 and Lentz's continued fraction above
 * (the classic split of Numerical Recipes, §6.2), with Lanczos's log-gamma. Accurate to ~1e-14
 * relative, far beyond what a drift threshold needs.
 */
final class ChiSquareDistribution {
  private static final double EPSILON = 1e-15;
  private static final double TINY = 1e-300;
  private static final int MAX_ITERATIONS = 10_000;
  private static final double[] LANCZOS = {
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7
  };

  private ChiSquareDistribution() {}

  /** P(X ≥ x) for X chi-square with {@code degreesOfFreedom} (> 0). */
  static double survival(double x, double degreesOfFreedom) {
    if (!(degreesOfFreedom > 0)) throw new IllegalArgumentException("degrees of freedom must be > 0: " + degreesOfFreedom);
    if (Double.isNaN(x)) return Double.NaN;
    if (x <= 0) return 1;
    if (x == Double.POSITIVE_INFINITY) return 0;
    return upperRegularizedGamma(degreesOfFreedom / 2, x / 2);
  }

  /** Q(a, x) = Γ(a, x) / Γ(a), for a > 0 and x > 0. */
  static double upperRegularizedGamma(double a, double x) {
    if (x < a + 1) return 1 - lowerBySeries(a, x);
    return upperByContinuedFraction(a, x);
  }

  private static double lowerBySeries(double a, double x) {
    double ap = a;
    double term = 1 / a;
    double sum = term;
    for (int i = 0; i < MAX_ITERATIONS; i++) {
      ap += 1;
      term *= x / ap;
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
    }
    return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
  }

  private static double upperByContinuedFraction(double a, double x) {
    double b = x + 1 - a;
    double c = 1 / TINY;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i < MAX_ITERATIONS; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      if (Math.abs(d) < TINY) d = TINY;
      c = b + an / c;
      if (Math.abs(c) < TINY) c = TINY;
      d = 1 / d;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < EPSILON) break;
    }
    return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
  }

  /** ln Γ(x) for x ≥ 0.5 (Lanczos, g = 7, nine coefficients). */
  static double logGamma(double x) {
    if (x < 0.5) throw new IllegalArgumentException("logGamma is used for x >= 0.5 only: " + x);
    double z = x - 1;
    double sum = LANCZOS[0];
    for (int i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
    double t = z + 7.5;
    return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
  }
}
