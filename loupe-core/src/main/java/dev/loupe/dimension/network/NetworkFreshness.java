package dev.loupe.dimension.network;

import java.time.Duration;

/**
 * How long the network judge trusts a port's or probe path's data. The thresholds they are judged
 * by are rules of the built-in pack ({@code builtin-rules/network.yml}); these two windows are
 * about data only.
 *
 * <ul>
 *   <li>{@code staleAfter}: a port or probe path with no sample for longer is shown stale (a
 *       warning-looking row: a data problem), and with all of them that silent the dimension is
 *       {@code no_data} (default 5 m, Prometheus's lookback).
 *   <li>{@code forgetAfter}: one silent for longer is dropped (default 24 h), so a node taken out
 *       of service does not warn for ever.
 * </ul>
 */
public record NetworkFreshness(Duration staleAfter, Duration forgetAfter) {
  public static final NetworkFreshness DEFAULTS = new NetworkFreshness(Duration.ofMinutes(5), Duration.ofHours(24));

  public NetworkFreshness {
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
