package dev.loupe.stats;

/**
 * A signal's level as a function of the time of day: a constant plus two daily harmonics (24 h and
 * 12 h), fitted by least squares over a warm-up. Five coefficients describe any smooth daily
 * cycle (traffic-driven latency, a quality score that differs between office hours and night)
 * without learning each hour's noise, which a 24-bin profile fitted on one day would do. The fit
 * is accumulated as the normal equations (XᵀX, Xᵀy), so it needs no stored observations.
 */
final class DailyCycle {
  private static final long DAY_MILLIS = 86_400_000L;

  private DailyCycle() {}

  /** Coefficients: 5 when {@code seasonal} (constant, cos/sin of 24 h, cos/sin of 12 h), else 1. */
  static int columns(boolean seasonal) {
    return seasonal ? 5 : 1;
  }

  /** Length of the accumulator: XᵀX's upper triangle, then Xᵀy. */
  static int sumsLength(int columns) {
    return columns * (columns + 1) / 2 + columns;
  }

  static void accumulate(double[] sums, int columns, long timestampMillis, double y) {
    double[] x = features(timestampMillis, columns);
    int k = 0;
    for (int i = 0; i < columns; i++) {
      for (int j = i; j < columns; j++) sums[k++] += x[i] * x[j];
    }
    for (int i = 0; i < columns; i++) sums[k++] += x[i] * y;
  }

  /**
   * Solves the normal equations; the harmonic terms get a small ridge so a warm-up that did not
   * cover the day (traffic only in office hours) shrinks them towards 0 instead of failing.
   */
  static double[] solve(double[] sums, int columns) {
    double[][] a = new double[columns][columns + 1];
    int k = 0;
    for (int i = 0; i < columns; i++) {
      for (int j = i; j < columns; j++) {
        a[i][j] = sums[k];
        a[j][i] = sums[k++];
      }
    }
    for (int i = 0; i < columns; i++) a[i][columns] = sums[k++];
    double n = a[0][0];
    for (int i = 1; i < columns; i++) a[i][i] += 1e-6 * n;
    // Gaussian elimination with partial pivoting on a 5 × 5 system
    for (int c = 0; c < columns; c++) {
      int pivot = c;
      for (int r = c + 1; r < columns; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
      double[] t = a[c];
      a[c] = a[pivot];
      a[pivot] = t;
      if (a[c][c] == 0) continue;
      for (int r = c + 1; r < columns; r++) {
        double f = a[r][c] / a[c][c];
        for (int j = c; j <= columns; j++) a[r][j] -= f * a[c][j];
      }
    }
    double[] beta = new double[columns];
    for (int r = columns - 1; r >= 0; r--) {
      double s = a[r][columns];
      for (int j = r + 1; j < columns; j++) s -= a[r][j] * beta[j];
      beta[r] = a[r][r] == 0 ? 0 : s / a[r][r];
    }
    return beta;
  }

  static double level(double[] coefficients, long timestampMillis) {
    double[] x = features(timestampMillis, coefficients.length);
    double y = 0;
    for (int i = 0; i < coefficients.length; i++) y += coefficients[i] * x[i];
    return y;
  }

  private static double[] features(long timestampMillis, int columns) {
    double[] x = new double[columns];
    x[0] = 1;
    if (columns > 1) {
      double theta = 2 * Math.PI * Math.floorMod(timestampMillis, DAY_MILLIS) / DAY_MILLIS;
      x[1] = Math.cos(theta);
      x[2] = Math.sin(theta);
      x[3] = Math.cos(2 * theta);
      x[4] = Math.sin(2 * theta);
    }
    return x;
  }
}
