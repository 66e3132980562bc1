package dev.loupe.stats;

import java.util.Arrays;
import java.util.Map;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.DoublesSortedView;

/**
 * One side of a numeric comparison as a step CDF: distinct values in ascending order with the
 * cumulative weight up to and including each, exact from a summary's value counts or estimated
 * from its KLL sketch, with the sketch's rank error (0 while the sketch is exact).
 */
final class StepDistribution {
  final double[] values;
  final double[] cumulative;
  final double total;
  /** Bound on |estimated CDF − exact CDF| (KLL's 99 % normalized rank error), 0 when exact. */
  final double rankError;

  private StepDistribution(double[] values, double[] cumulative, double total, double rankError) {
    this.values = values;
    this.cumulative = cumulative;
    this.total = total;
    this.rankError = rankError;
  }

  static StepDistribution of(NumericSummary summary) {
    Map<Double, Long> exact = summary.exactValues();
    if (exact != null) {
      double[] v = new double[exact.size()];
      double[] c = new double[exact.size()];
      int i = 0;
      double running = 0;
      for (Map.Entry<Double, Long> e : exact.entrySet()) {
        running += e.getValue();
        v[i] = e.getKey();
        c[i++] = running;
      }
      return new StepDistribution(v, c, running, 0);
    }
    return of(summary.sketch());
  }

  static StepDistribution of(QuantileSketch sketch) {
    KllDoublesSketch kll = sketch.kll();
    if (kll.isEmpty()) return new StepDistribution(new double[0], new double[0], 0, 0);
    DoublesSortedView view = kll.getSortedView();
    double[] q = view.getQuantiles();
    long[] w = view.getCumulativeWeights();
    // the sorted view may repeat a value (retained at several levels): keep its last weight
    double[] v = new double[q.length];
    double[] c = new double[q.length];
    int n = 0;
    for (int i = 0; i < q.length; i++) {
      if (n > 0 && v[n - 1] == q[i]) {
        c[n - 1] = w[i];
      } else {
        v[n] = q[i];
        c[n++] = w[i];
      }
    }
    double error = kll.isEstimationMode() ? kll.getNormalizedRankError(false) : 0;
    return new StepDistribution(Arrays.copyOf(v, n), Arrays.copyOf(c, n), kll.getN(), error);
  }

  /** The fraction of the weight at or below {@code x}. */
  double cdf(double x) {
    int i = Arrays.binarySearch(values, x);
    int last = i >= 0 ? i : -i - 2; // index of the greatest value <= x
    return last < 0 ? 0 : cumulative[last] / total;
  }

  /** sup |F_a − F_b| over all x; both non-empty. */
  static double kolmogorovSmirnov(StepDistribution a, StepDistribution b) {
    double d = 0;
    Walk walk = new Walk(a, b);
    while (walk.next()) d = Math.max(d, Math.abs(walk.fa - walk.fb));
    return d;
  }

  /** ∫ |F_a − F_b| dx, the first Wasserstein (earth mover's) distance; both non-empty. */
  static double wasserstein(StepDistribution a, StepDistribution b) {
    double sum = 0;
    Walk walk = new Walk(a, b);
    walk.next();
    double x = walk.x;
    double gap = Math.abs(walk.fa - walk.fb);
    while (walk.next()) {
      sum += gap * (walk.x - x);
      x = walk.x;
      gap = Math.abs(walk.fa - walk.fb);
    }
    return sum;
  }

  /** Both CDFs at each distinct value of either side, in ascending order. */
  private static final class Walk {
    final StepDistribution a;
    final StepDistribution b;
    int i;
    int j;
    double x;
    double fa;
    double fb;

    Walk(StepDistribution a, StepDistribution b) {
      this.a = a;
      this.b = b;
    }

    boolean next() {
      boolean moreA = i < a.values.length;
      boolean moreB = j < b.values.length;
      if (!moreA && !moreB) return false;
      double va = moreA ? a.values[i] : Double.POSITIVE_INFINITY;
      double vb = moreB ? b.values[j] : Double.POSITIVE_INFINITY;
      x = Math.min(va, vb);
      if (va == x) fa = a.cumulative[i++] / a.total;
      if (vb == x) fb = b.cumulative[j++] / b.total;
      return true;
    }
  }
}
