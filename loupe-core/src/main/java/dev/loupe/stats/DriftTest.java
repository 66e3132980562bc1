package dev.loupe.stats;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The drift tests Loupe runs, named as Evidently names them in configs ({@code ks},
 * {@code wasserstein}, {@code psi}, {@code jensenshannon}, {@code chisquare}). The p-value tests
 * report drift when p falls below the threshold; the distance tests when the statistic reaches it.
 */
public enum DriftTest {
  /** Two-sample Kolmogorov–Smirnov: statistic D = sup |F_ref − F_cur|, and its p-value. Numeric only. */
  KOLMOGOROV_SMIRNOV("ks", true, true),
  /** First Wasserstein distance divided by the reference's standard deviation. Numeric only. */
  WASSERSTEIN("wasserstein", false, true),
  /** Population stability index over the reference's decile bins, or per category / value. */
  PSI("psi", false, false),
  /** Jensen–Shannon distance (natural log, 0..√ln 2) over the same bins or categories. */
  JENSEN_SHANNON("jensenshannon", false, false),
  /** Pearson's chi-square test of homogeneity over categories (or bins): statistic, dof, p-value. */
  CHI_SQUARE("chisquare", true, false);

  private final String wireName;
  private final boolean pValueTest;
  private final boolean numericOnly;

  DriftTest(String wireName, boolean pValueTest, boolean numericOnly) {
    this.wireName = wireName;
    this.pValueTest = pValueTest;
    this.numericOnly = numericOnly;
  }

  /** The name used in configs and the API. */
  public String wireName() {
    return wireName;
  }

  /** True when the test decides on a p-value (drift when p < threshold). */
  public boolean usesPValue() {
    return pValueTest;
  }

  /** True when the test only applies to numeric features. */
  public boolean numericOnly() {
    return numericOnly;
  }

  /** The test named {@code name} (case-insensitive); the error lists the known names. */
  public static DriftTest fromName(String name) {
    for (DriftTest t : values()) {
      if (t.wireName.equals(name == null ? null : name.toLowerCase(Locale.ROOT))) return t;
    }
    throw new IllegalArgumentException("unknown drift test '" + name + "'; known: "
        + Arrays.stream(values()).map(DriftTest::wireName).collect(Collectors.joining(", ")));
  }
}
