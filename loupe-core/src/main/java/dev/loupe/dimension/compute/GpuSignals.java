package dev.loupe.dimension.compute;

import java.util.Map;

/**
 * The latest value of each signal of one GPU; null when the GPU has not reported it (or only
 * blanks). {@code framebufferUsedPercent} is used / (used + free + reserved). {@code profiling}
 * holds the {@code DCGM_FI_PROF_*} ratios by metric name.
 */
public record GpuSignals(
    Double utilizationPercent,
    Double framebufferUsedPercent,
    Double framebufferUsedMib,
    Double framebufferFreeMib,
    Double framebufferReservedMib,
    Double temperatureCelsius,
    Double powerWatts,
    Double smClockMhz,
    Double eccDoubleBitTotal,
    Integer lastXid,
    Map<String, Double> profiling,
    long lastSampleMillis) {
  public GpuSignals {
    profiling = Map.copyOf(profiling);
  }
}
