package dev.loupe.dimension.network;

import static dev.loupe.dimension.ReasonFormat.instant;

import dev.loupe.dimension.HealthStatus;
import dev.loupe.model.Dimension;
import dev.loupe.model.Finding;
import dev.loupe.model.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest result of one probed path, for the UI and {@code /metrics}, and whether it still
 * reports. It judges no threshold: failures and latency are the pack's rules over
 * {@link NetworkRuleSignals}. Thread-safe: methods lock.
 */
final class ProbeTrack {
  private static final long NONE = Long.MIN_VALUE;

  private final ProbeKey key;
  private final long staleAfterMillis;
  private long lastSeenMillis;
  private double success = Double.NaN;
  private long successMillis = NONE;
  private double durationSeconds = Double.NaN;
  private long durationMillis = NONE;

  ProbeTrack(ProbeKey key, NetworkFreshness freshness, long firstSeenMillis) {
    this.key = key;
    this.lastSeenMillis = firstSeenMillis;
    this.staleAfterMillis = freshness.staleAfter().toMillis();
  }

  synchronized void observeSuccess(long t, double value) {
    lastSeenMillis = Math.max(lastSeenMillis, t);
    if (Double.isNaN(value) || t <= successMillis) return;
    success = value;
    successMillis = t;
  }

  synchronized void observeDuration(long t, double value) {
    lastSeenMillis = Math.max(lastSeenMillis, t);
    if (Double.isNaN(value) || t <= durationMillis) return;
    durationSeconds = value;
    durationMillis = t;
  }

  synchronized long lastSeenMillis() {
    return lastSeenMillis;
  }

  /**
   * The path as shown: ok unless it is stale, which is a warning-looking row with its reason. The
   * status of a fresh path is its firing alerts', which {@link NetworkDimensionJudge#probes(long, List)}
   * puts in.
   */
  synchronized ProbeState state(long nowMillis) {
    ProbeSignals signals = new ProbeSignals(boxed(success), boxed(durationSeconds), lastSeenMillis);
    if (nowMillis - lastSeenMillis > staleAfterMillis) {
      Map<String, String> evidence = new LinkedHashMap<>();
      if (key.source() != null) evidence.put("source", key.source());
      evidence.put("target", key.target());
      if (key.module() != null) evidence.put("module", key.module());
      evidence.put("last_sample", instant(lastSeenMillis));
      Finding stale = new Finding(Dimension.NETWORK, "probe_stale", Severity.WARNING, key.subject(),
          "no probe results from " + key.from() + " to " + key.to() + " since " + instant(lastSeenMillis),
          lastSeenMillis, evidence);
      return new ProbeState(key, signals, HealthStatus.WARNING, true, List.of(stale.reason()), List.of(stale));
    }
    return new ProbeState(key, signals, HealthStatus.OK, false, List.of(), List.of());
  }

  private static Double boxed(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
