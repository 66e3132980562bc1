package dev.loupe.dimension.compute;

import java.util.HashMap;
import java.util.Map;

/** The dcgm-exporter metrics the compute dimension reads, by exposition name. */
enum DcgmField {
  GPU_UTIL("DCGM_FI_DEV_GPU_UTIL"),
  FB_USED("DCGM_FI_DEV_FB_USED"),
  FB_FREE("DCGM_FI_DEV_FB_FREE"),
  FB_RESERVED("DCGM_FI_DEV_FB_RESERVED"),
  GPU_TEMP("DCGM_FI_DEV_GPU_TEMP"),
  POWER_USAGE("DCGM_FI_DEV_POWER_USAGE"),
  SM_CLOCK("DCGM_FI_DEV_SM_CLOCK"),
  /** Double-bit ECC errors since the driver loaded: a counter. */
  ECC_DBE_VOLATILE("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL"),
  /** Double-bit ECC errors over the GPU's life: a counter, used when the volatile one is absent. */
  ECC_DBE_AGGREGATE("DCGM_FI_DEV_ECC_DBE_AGG_TOTAL"),
  /** The code of the LAST XID seen: a gauge, not a count. */
  XID_LAST("DCGM_FI_DEV_XID_ERRORS"),
  /** XIDs per code (label {@code xid}) in the exporter's sliding window: a gauge that also falls. */
  XID_WINDOW_COUNT("DCGM_EXP_XID_ERRORS_COUNT"),
  /** XIDs per code (label {@code xid}) since the exporter started: a counter. */
  XID_TOTAL("DCGM_EXP_XID_ERRORS_TOTAL"),
  /** Any {@code DCGM_FI_PROF_*} activity ratio, kept as it comes. */
  PROFILING("DCGM_FI_PROF_");

  private static final Map<String, DcgmField> BY_NAME = new HashMap<>();

  static {
    for (DcgmField f : values()) {
      if (f != PROFILING) BY_NAME.put(f.metricName, f);
    }
  }

  final String metricName;

  DcgmField(String metricName) {
    this.metricName = metricName;
  }

  /** The field a metric name is, or null for a name the compute dimension ignores. */
  static DcgmField of(String name) {
    if (!name.startsWith("DCGM_")) {
      return null;
    }
    DcgmField f = BY_NAME.get(name);
    if (f == null && name.startsWith(PROFILING.metricName)) {
      return PROFILING;
    }
    return f;
  }
}
