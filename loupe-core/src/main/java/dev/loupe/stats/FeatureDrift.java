package dev.loupe.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Compares one feature's current window with its reference window and says whether it drifted,
 * from mergeable summaries only ({@link NumericSummary}, {@link CategoryCounts}), so the windows
 * may hold any number of observations. Each call runs one test, chosen by the caller's {@link
 * DriftCriterion} or by Evidently's default for the feature's type and reference size. Both
 * windows must hold at least one observation. See {@code RATIONALE.md} beside this class for how
 * sketch error enters the KS p-value.
 *
 * <pre>{@code
 * DriftResult r = FeatureDrift.numeric("latency_ms",
 *     new TimeWindow(weekAgoStart, weekAgoEnd), referenceSummary,
 *     new TimeWindow(start, end), currentSummary);
 * if (r.drifted()) ... r.test(), r.statistic(), r.pValue(), r.severity()
 * DriftResult f = FeatureDrift.categorical("finish_reason", refWindow, refCounts, curWindow, curCounts,
 *     DriftCriterion.of(DriftTest.PSI));
 * }</pre>
 */
public final class FeatureDrift {
  /** Stands in for an empty bin's share in PSI, as Evidently does, so the log stays finite. */
  static final double PSI_EMPTY_BIN = 0.0001;
  /** Numeric features with many values are binned at the reference's deciles. */
  static final int QUANTILE_BINS = 10;

  private FeatureDrift() {}

  /** {@link #numeric(String, TimeWindow, NumericSummary, TimeWindow, NumericSummary, DriftCriterion)} with the default criterion. */
  public static DriftResult numeric(
      String feature, TimeWindow referenceWindow, NumericSummary reference, TimeWindow currentWindow, NumericSummary current) {
    Objects.requireNonNull(reference, "reference");
    return numeric(feature, referenceWindow, reference, currentWindow, current, DriftCriterion.defaultNumeric(reference));
  }

  public static DriftResult numeric(
      String feature,
      TimeWindow referenceWindow,
      NumericSummary reference,
      TimeWindow currentWindow,
      NumericSummary current,
      DriftCriterion criterion) {
    requireData(feature, reference.count(), current.count());
    double statistic;
    double pValue = Double.NaN;
    int dof = 0;
    switch (criterion.test()) {
      case KOLMOGOROV_SMIRNOV -> {
        StepDistribution r = StepDistribution.of(reference);
        StepDistribution c = StepDistribution.of(current);
        statistic = StepDistribution.kolmogorovSmirnov(r, c);
        // The sketches' CDFs are each within their rank error of the exact ones, so the exact D is
        // at least D − εr − εc: testing that lower bound keeps the p-value an upper bound.
        double bound = Math.max(0, statistic - r.rankError - c.rankError);
        pValue = KolmogorovDistribution.twoSamplePValue(bound, r.total, c.total);
      }
      case WASSERSTEIN -> {
        double w = StepDistribution.wasserstein(StepDistribution.of(reference), StepDistribution.of(current));
        statistic = w / Math.max(reference.standardDeviation(), 0.001); // Evidently's floor
      }
      default -> {
        Binned b = Binned.of(reference, current);
        ChiSquare chi = null;
        if (criterion.test() == DriftTest.CHI_SQUARE) chi = ChiSquare.homogeneity(b);
        statistic = binnedStatistic(criterion.test(), b, chi);
        if (chi != null) {
          pValue = chi.pValue;
          dof = chi.degreesOfFreedom;
        }
      }
    }
    return result(feature, criterion, statistic, pValue, dof, referenceWindow, currentWindow, reference.count(), current.count());
  }

  /** {@link #categorical(String, TimeWindow, CategoryCounts, TimeWindow, CategoryCounts, DriftCriterion)} with the default criterion. */
  public static DriftResult categorical(
      String feature, TimeWindow referenceWindow, CategoryCounts reference, TimeWindow currentWindow, CategoryCounts current) {
    Objects.requireNonNull(reference, "reference");
    return categorical(feature, referenceWindow, reference, currentWindow, current, DriftCriterion.defaultCategorical(reference));
  }

  /** @throws IllegalArgumentException for a numeric-only test (KS, Wasserstein) or an empty window */
  public static DriftResult categorical(
      String feature,
      TimeWindow referenceWindow,
      CategoryCounts reference,
      TimeWindow currentWindow,
      CategoryCounts current,
      DriftCriterion criterion) {
    if (criterion.test().numericOnly()) {
      throw new IllegalArgumentException("drift test " + criterion.test().wireName() + " needs a numeric feature; "
          + feature + " is categorical (use chisquare, jensenshannon or psi)");
    }
    requireData(feature, reference.count(), current.count());
    Binned b = Binned.of(reference, current);
    ChiSquare chi = criterion.test() == DriftTest.CHI_SQUARE ? ChiSquare.homogeneity(b) : null;
    double statistic = binnedStatistic(criterion.test(), b, chi);
    return result(feature, criterion, statistic, chi == null ? Double.NaN : chi.pValue, chi == null ? 0 : chi.degreesOfFreedom,
        referenceWindow, currentWindow, reference.count(), current.count());
  }

  private static void requireData(String feature, long referenceCount, long currentCount) {
    Objects.requireNonNull(feature, "feature");
    if (referenceCount == 0) throw new IllegalArgumentException("feature " + feature + ": the reference window holds no observation");
    if (currentCount == 0) throw new IllegalArgumentException("feature " + feature + ": the current window holds no observation");
  }

  private static double binnedStatistic(DriftTest test, Binned b, ChiSquare chi) {
    return switch (test) {
      case PSI -> psi(b.reference, b.current);
      case JENSEN_SHANNON -> jensenShannon(b.reference, b.current);
      case CHI_SQUARE -> chi.statistic;
      default -> throw new IllegalStateException("not a binned test: " + test);
    };
  }

  private static DriftResult result(
      String feature, DriftCriterion criterion, double statistic, double pValue, int dof,
      TimeWindow referenceWindow, TimeWindow currentWindow, long referenceCount, long currentCount) {
    DriftSeverity severity = criterion.judge(statistic, pValue);
    return new DriftResult(feature, criterion.test(), statistic, pValue, dof, criterion.warning(), criterion.critical(),
        severity != DriftSeverity.NONE, severity, referenceWindow, currentWindow, referenceCount, currentCount);
  }

  /** Σ (c − r)·ln(c / r) over shares, an empty share counted as {@link #PSI_EMPTY_BIN}. */
  static double psi(double[] reference, double[] current) {
    double rt = sum(reference);
    double ct = sum(current);
    double psi = 0;
    for (int i = 0; i < reference.length; i++) {
      double r = reference[i] > 0 ? reference[i] / rt : PSI_EMPTY_BIN;
      double c = current[i] > 0 ? current[i] / ct : PSI_EMPTY_BIN;
      psi += (c - r) * Math.log(c / r);
    }
    return psi;
  }

  /** √(½ KL(r‖m) + ½ KL(c‖m)) with m the mixture, natural log (scipy's {@code jensenshannon}). */
  static double jensenShannon(double[] reference, double[] current) {
    double rt = sum(reference);
    double ct = sum(current);
    double divergence = 0;
    for (int i = 0; i < reference.length; i++) {
      double r = reference[i] / rt;
      double c = current[i] / ct;
      double m = (r + c) / 2;
      if (r > 0) divergence += 0.5 * r * Math.log(r / m);
      if (c > 0) divergence += 0.5 * c * Math.log(c / m);
    }
    return Math.sqrt(Math.max(0, divergence));
  }

  private static double sum(double[] a) {
    double s = 0;
    for (double v : a) s += v;
    return s;
  }

  /** Both sides' counts over the same bins (categories, exact values, or reference deciles). */
  static final class Binned {
    final double[] reference;
    final double[] current;

    Binned(double[] reference, double[] current) {
      this.reference = reference;
      this.current = current;
    }

    static Binned of(CategoryCounts reference, CategoryCounts current) {
      return ofCounts(reference.asMap(), current.asMap());
    }

    static Binned of(NumericSummary reference, NumericSummary current) {
      Map<Double, Long> r = reference.exactValues();
      Map<Double, Long> c = current.exactValues();
      if (r != null && c != null) return ofCounts(r, c);
      List<Double> edges = new ArrayList<>();
      for (int i = 1; i < QUANTILE_BINS; i++) {
        double q = reference.quantile((double) i / QUANTILE_BINS);
        if (edges.isEmpty() || q > edges.get(edges.size() - 1)) edges.add(q);
      }
      StepDistribution rs = StepDistribution.of(reference);
      StepDistribution cs = StepDistribution.of(current);
      double[] rb = new double[edges.size() + 1];
      double[] cb = new double[edges.size() + 1];
      double rPrev = 0;
      double cPrev = 0;
      for (int i = 0; i < edges.size(); i++) {
        double rNow = rs.cdf(edges.get(i));
        double cNow = cs.cdf(edges.get(i));
        rb[i] = (rNow - rPrev) * rs.total;
        cb[i] = (cNow - cPrev) * cs.total;
        rPrev = rNow;
        cPrev = cNow;
      }
      rb[edges.size()] = (1 - rPrev) * rs.total;
      cb[edges.size()] = (1 - cPrev) * cs.total;
      return new Binned(rb, cb);
    }

    private static <K extends Comparable<K>> Binned ofCounts(Map<K, Long> reference, Map<K, Long> current) {
      TreeSet<K> keys = new TreeSet<>(reference.keySet());
      keys.addAll(current.keySet());
      double[] r = new double[keys.size()];
      double[] c = new double[keys.size()];
      int i = 0;
      for (K k : keys) {
        r[i] = reference.getOrDefault(k, 0L);
        c[i++] = current.getOrDefault(k, 0L);
      }
      return new Binned(r, c);
    }
  }

  /**
   * Pearson's chi-square test of homogeneity of the 2 × k table (reference, current) × bins,
   * without Yates's correction; bins empty on both sides do not count. Unlike a goodness-of-fit
   * test against the reference's shares, it treats both windows as samples, so a category
   * absent from the reference does not make the statistic infinite.
   */
  static final class ChiSquare {
    final double statistic;
    final int degreesOfFreedom;
    final double pValue;

    private ChiSquare(double statistic, int degreesOfFreedom, double pValue) {
      this.statistic = statistic;
      this.degreesOfFreedom = degreesOfFreedom;
      this.pValue = pValue;
    }

    static ChiSquare homogeneity(Binned b) {
      double rt = sum(b.reference);
      double ct = sum(b.current);
      double n = rt + ct;
      double statistic = 0;
      int columns = 0;
      for (int i = 0; i < b.reference.length; i++) {
        double column = b.reference[i] + b.current[i];
        if (column <= 0) continue;
        columns++;
        double er = rt * column / n;
        double ec = ct * column / n;
        statistic += sq(b.reference[i] - er) / er + sq(b.current[i] - ec) / ec;
      }
      int dof = columns - 1;
      double p = dof == 0 ? 1 : ChiSquareDistribution.survival(statistic, dof);
      return new ChiSquare(statistic, dof, p);
    }

    private static double sq(double x) {
      return x * x;
    }
  }
}
