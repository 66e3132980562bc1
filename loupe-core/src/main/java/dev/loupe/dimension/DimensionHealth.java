package dev.loupe.dimension;

import dev.loupe.model.Finding;
import java.util.Comparator;
import java.util.List;

/**
 * The judged health of one dimension: its status, the sentences a person reads, since when the
 * status holds (null when unknown), and the findings behind it.
 */
public record DimensionHealth(
    HealthStatus status, List<String> reasons, Long sinceMillis, List<Finding> findings) {
  public DimensionHealth {
    reasons = List.copyOf(reasons);
    findings = List.copyOf(findings);
  }

  public static DimensionHealth noData(String reason, long sinceMillis) {
    return new DimensionHealth(HealthStatus.NO_DATA, List.of(reason), sinceMillis, List.of());
  }

  /** Ok when there are no findings, else the worst finding's status, reasons worst first. */
  public static DimensionHealth fromFindings(List<Finding> findings, long okSinceMillis) {
    if (findings.isEmpty()) {
      return new DimensionHealth(HealthStatus.OK, List.of(), okSinceMillis, List.of());
    }
    List<Finding> sorted =
        findings.stream()
            .sorted(
                Comparator.comparing((Finding f) -> f.severity()).reversed()
                    .thenComparingLong(Finding::sinceMillis))
            .toList();
    HealthStatus status = HealthStatus.of(sorted.get(0).severity());
    long since =
        sorted.stream()
            .filter(f -> HealthStatus.of(f.severity()) == status)
            .mapToLong(Finding::sinceMillis)
            .min()
            .orElse(okSinceMillis);
    return new DimensionHealth(status, sorted.stream().map(Finding::reason).toList(), since, sorted);
  }

  /**
   * As {@link #fromFindings(List, long)}, with informational notes appended after the findings'
   * reasons. Notes never change the status: an ok dimension with a note is still ok.
   */
  public static DimensionHealth fromFindings(List<Finding> findings, List<String> notes, long okSinceMillis) {
    DimensionHealth health = fromFindings(findings, okSinceMillis);
    if (notes.isEmpty()) {
      return health;
    }
    List<String> reasons = new java.util.ArrayList<>(health.reasons());
    reasons.addAll(notes);
    return new DimensionHealth(health.status(), reasons, health.sinceMillis(), health.findings());
  }
}
