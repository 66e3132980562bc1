package dev.loupe.stats;

import java.util.Objects;

/**
 * The outcome of one drift test on one feature. {@code pValue} is NaN for the distance tests;
 * {@code degreesOfFreedom} is set for chi-square only (0 otherwise). {@code threshold} and
 * {@code criticalThreshold} are the criterion's lines, in p-value or statistic units as the test
 * decides ({@link DriftTest#usesPValue()}). {@code drifted} is {@code severity != NONE}.
 */
public record DriftResult(
    String feature,
    DriftTest test,
    double statistic,
    double pValue,
    int degreesOfFreedom,
    double threshold,
    double criticalThreshold,
    boolean drifted,
    DriftSeverity severity,
    TimeWindow reference,
    TimeWindow current,
    long referenceCount,
    long currentCount) {
  public DriftResult {
    Objects.requireNonNull(feature, "feature");
    Objects.requireNonNull(test, "test");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(current, "current");
    if (drifted != (severity != DriftSeverity.NONE)) {
      throw new IllegalArgumentException("drifted is " + drifted + " but severity is " + severity);
    }
  }
}
