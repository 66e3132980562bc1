package dev.loupe.dimension.compute;

import java.util.Locale;

/** What a GPU is used for, which decides how its utilization is judged. */
public enum WorkloadClass {
  /** Batch work paid by the hour: an idle training GPU is wasted spend. */
  TRAINING,
  /** Serving: low utilization between requests is intended headroom. */
  INFERENCE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code training} or {@code inference}, as written in configuration. */
  public static WorkloadClass fromWireName(String name) {
    for (WorkloadClass c : values()) {
      if (c.wireName().equals(name == null ? null : name.trim().toLowerCase(Locale.ROOT))) {
        return c;
      }
    }
    throw new IllegalArgumentException("workload class must be training or inference, got " + name);
  }
}
