package dev.loupe.dimension.network;

import dev.loupe.dimension.HealthStatus;
import dev.loupe.model.Finding;
import java.util.List;

/** One probed path as the UI shows it: its latest result, status and reasons. */
public record ProbeState(
    ProbeKey key, ProbeSignals signals, HealthStatus status, boolean stale, List<String> reasons, List<Finding> findings) {
  public ProbeState {
    reasons = List.copyOf(reasons);
    findings = List.copyOf(findings);
  }
}
