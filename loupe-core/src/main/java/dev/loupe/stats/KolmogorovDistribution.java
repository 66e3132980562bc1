package dev.loupe.stats;

/**
 * The Kolmogorov distribution's survival function Q(λ) = P(K > λ), the limit law of √n·D for the
 * Kolmogorov–Smirnov statistic, from its two classic series: the theta-function form for small λ
 * and the alternating form 2 Σ (−1)^(j−1) e^(−2 j² λ²) above 1.18, where each converges in a few
 * terms (Numerical Recipes, §14.3.3).
 */
final class KolmogorovDistribution {
  private KolmogorovDistribution() {}

  static double survival(double lambda) {
    if (Double.isNaN(lambda)) return Double.NaN;
    if (lambda <= 0) return 1;
    if (lambda < 1.18) {
      double y = Math.exp(-Math.PI * Math.PI / (8 * lambda * lambda));
      // Σ y^((2j-1)^2) for j = 1..: y, y^9, y^25, y^49, ...
      double sum = 0;
      for (int j = 1; j <= 12; j++) {
        int odd = 2 * j - 1;
        double term = Math.pow(y, (double) odd * odd);
        sum += term;
        if (term < 1e-17 * sum) break;
      }
      return Math.max(0, Math.min(1, 1 - Math.sqrt(2 * Math.PI) / lambda * sum));
    }
    double sum = 0;
    double sign = 1;
    for (int j = 1; j <= 100; j++) {
      double term = Math.exp(-2.0 * j * j * lambda * lambda);
      sum += sign * term;
      if (term < 1e-17) break;
      sign = -sign;
    }
    return Math.max(0, Math.min(1, 2 * sum));
  }

  /**
   * The asymptotic two-sample p-value of statistic {@code d} for sample sizes {@code n1} and
   * {@code n2}, with Stephens's small-sample correction of the effective size (n1·n2/(n1+n2)).
   */
  static double twoSamplePValue(double d, double n1, double n2) {
    double ne = n1 * n2 / (n1 + n2);
    double root = Math.sqrt(ne);
    return survival((root + 0.12 + 0.11 / root) * d);
  }
}
