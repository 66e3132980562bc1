package dev.loupe.dimension.compute;

import dev.loupe.dimension.HealthStatus;
import dev.loupe.model.Finding;
import java.util.List;

/**
 * One GPU as the UI and {@code /metrics} show it: who it is, its class, its latest signals, its
 * own status and the reasons behind it, and informational notes that do not change it. The status
 * is that of the firing alerts about the GPU ({@link ComputeDimensionJudge#gpus(long, List)}); a
 * stale GPU is a warning at least, with a {@code gpu_stale} finding.
 */
public record GpuState(
    GpuKey key,
    WorkloadClass workloadClass,
    GpuSignals signals,
    HealthStatus status,
    boolean stale,
    List<String> reasons,
    List<String> notes,
    List<Finding> findings) {
  public GpuState {
    reasons = List.copyOf(reasons);
    notes = List.copyOf(notes);
    findings = List.copyOf(findings);
  }
}
