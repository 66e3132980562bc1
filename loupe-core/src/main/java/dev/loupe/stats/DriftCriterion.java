package dev.loupe.stats;

import java.util.Objects;

/**
 * Which test decides whether one feature drifted, and where its warning and critical lines are.
 * For p-value tests ({@link DriftTest#usesPValue()}) the lines are p-values: drift when p is
 * below {@code warning}, critical below {@code critical} (so critical ≤ warning). For distance
 * tests they are statistic values: drift at or above {@code warning}, critical at or above
 * {@code critical} (so critical ≥ warning). The defaults follow Evidently's choice by type and
 * reference size; every feature may override them.
 *
 * <pre>{@code
 * DriftCriterion c = DriftCriterion.defaultNumeric(reference);      // KS or Wasserstein, …
 * DriftCriterion psi = DriftCriterion.of(DriftTest.PSI);            // 0.1 warning, 0.25 critical
 * DriftCriterion strict = new DriftCriterion(DriftTest.KOLMOGOROV_SMIRNOV, 0.01, 0.001);
 * }</pre>
 */
public record DriftCriterion(DriftTest test, double warning, double critical) {
  /** References with at most this many observations get the p-value tests (KS, chi-square). */
  public static final long SMALL_REFERENCE = 1000;
  /** Numeric features with at most this many distinct values are compared as categories. */
  public static final int FEW_VALUES = 5;

  public DriftCriterion {
    Objects.requireNonNull(test, "test");
    if (!(warning > 0) || !Double.isFinite(warning) || !(critical > 0) || !Double.isFinite(critical)) {
      throw new IllegalArgumentException("drift thresholds must be finite and > 0: warning " + warning + ", critical " + critical);
    }
    if (test.usesPValue()) {
      if (warning >= 1) throw new IllegalArgumentException(test.wireName() + " warning is a p-value, must be < 1: " + warning);
      if (critical > warning) {
        throw new IllegalArgumentException(test.wireName() + " critical p-value " + critical + " must not exceed the warning one " + warning);
      }
    } else if (critical < warning) {
      throw new IllegalArgumentException(test.wireName() + " critical threshold " + critical + " must not be below the warning one " + warning);
    }
  }

  /**
   * The test with Loupe's default lines: KS and chi-square p &lt; 0.05 (critical 0.001);
   * normalised Wasserstein and Jensen–Shannon 0.1 (critical 0.2, twice the line); PSI 0.1 / 0.25.
   */
  public static DriftCriterion of(DriftTest test) {
    return switch (test) {
      case KOLMOGOROV_SMIRNOV, CHI_SQUARE -> new DriftCriterion(test, 0.05, 0.001);
      case WASSERSTEIN, JENSEN_SHANNON -> new DriftCriterion(test, 0.1, 0.2);
      case PSI -> new DriftCriterion(test, 0.1, 0.25);
    };
  }

  /**
   * Evidently's default for a numeric feature: with at most {@value #SMALL_REFERENCE} reference
   * observations, KS when it has more than {@value #FEW_VALUES} distinct values and chi-square
   * otherwise; with more, normalised Wasserstein, or Jensen–Shannon for few distinct values.
   */
  public static DriftCriterion defaultNumeric(NumericSummary reference) {
    boolean manyValues = reference.distinctValues() > FEW_VALUES;
    if (reference.count() <= SMALL_REFERENCE) return of(manyValues ? DriftTest.KOLMOGOROV_SMIRNOV : DriftTest.CHI_SQUARE);
    return of(manyValues ? DriftTest.WASSERSTEIN : DriftTest.JENSEN_SHANNON);
  }

  /** Evidently's default for a categorical feature: chi-square up to {@value #SMALL_REFERENCE}, then Jensen–Shannon. */
  public static DriftCriterion defaultCategorical(CategoryCounts reference) {
    return of(reference.count() <= SMALL_REFERENCE ? DriftTest.CHI_SQUARE : DriftTest.JENSEN_SHANNON);
  }

  /** The severity of a test outcome: its p-value for p-value tests, else its statistic. */
  DriftSeverity judge(double statistic, double pValue) {
    if (test.usesPValue()) {
      if (pValue < critical) return DriftSeverity.CRITICAL;
      return pValue < warning ? DriftSeverity.WARNING : DriftSeverity.NONE;
    }
    if (statistic >= critical) return DriftSeverity.CRITICAL;
    return statistic >= warning ? DriftSeverity.WARNING : DriftSeverity.NONE;
  }
}
