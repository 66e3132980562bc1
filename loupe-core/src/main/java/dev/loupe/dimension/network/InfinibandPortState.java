package dev.loupe.dimension.network;

import dev.loupe.dimension.HealthStatus;
import dev.loupe.model.Finding;
import java.util.List;

/** One port as the UI and {@code /metrics} show it: its signals, status, reasons and notes. */
public record InfinibandPortState(
    InfinibandPortKey key,
    InfinibandPortSignals signals,
    HealthStatus status,
    boolean stale,
    List<String> reasons,
    List<String> notes,
    List<Finding> findings) {
  public InfinibandPortState {
    reasons = List.copyOf(reasons);
    notes = List.copyOf(notes);
    findings = List.copyOf(findings);
  }
}
