package dev.loupe.dimension.compute;

import java.time.Duration;

/**
 * How long the compute judge trusts a GPU's data. The thresholds a GPU is judged by are rules of
 * the built-in pack ({@code builtin-rules/compute.yml}); these two windows are about data only.
 *
 * <ul>
 *   <li>{@code staleAfter}: a GPU with no sample for longer is shown stale (a warning-looking row:
 *       a data problem), and with every GPU that silent the dimension is {@code no_data}
 *       (default 5 m, Prometheus's lookback).
 *   <li>{@code forgetAfter}: a GPU silent for longer is dropped (default 24 h), so a node taken
 *       out of service does not warn for ever.
 * </ul>
 */
public record GpuFreshness(Duration staleAfter, Duration forgetAfter) {
  public static final GpuFreshness DEFAULTS = new GpuFreshness(Duration.ofMinutes(5), Duration.ofHours(24));

  public GpuFreshness {
    positive("stale-after", staleAfter);
    positive("forget-after", forgetAfter);
    if (forgetAfter.compareTo(staleAfter) < 0) {
      throw new IllegalArgumentException("forget-after must not be shorter than stale-after");
    }
  }

  private static void positive(String what, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(what + " duration must be positive");
    }
  }
}
