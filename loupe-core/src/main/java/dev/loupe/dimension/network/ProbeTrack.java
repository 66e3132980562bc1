package dev.loupe.dimension.network;

import static dev.loupe.dimension.ReasonFormat.duration;
import static dev.loupe.dimension.ReasonFormat.instant;
import static dev.loupe.dimension.ReasonFormat.number;

import dev.loupe.dimension.HealthStatus;
import dev.loupe.dimension.SamplePairs;
import dev.loupe.dimension.SustainedCondition;
import dev.loupe.dimension.SustainedCondition.Breach;
import dev.loupe.model.Dimension;
import dev.loupe.model.Finding;
import dev.loupe.model.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One probed path. The duration only counts for probes that succeeded: a failed probe lasts as
 * long as its timeout, which is the failure's story, not latency. Thread-safe: methods lock.
 */
final class ProbeTrack {
  private static final long NONE = Long.MIN_VALUE;
  private static final long PAIR_TOLERANCE_MILLIS = 1_000;

  private final ProbeKey key;
  private final NetworkThresholds thresholds;
  private final SustainedCondition failure;
  private final SustainedCondition latency;
  private long lastSeenMillis;
  private final SamplePairs successAndDuration = new SamplePairs(PAIR_TOLERANCE_MILLIS);
  private double success = Double.NaN;
  private long successMillis = NONE;
  private double durationSeconds = Double.NaN;
  private long durationMillis = NONE;

  ProbeTrack(ProbeKey key, NetworkThresholds thresholds, long firstSeenMillis) {
    this.key = key;
    this.lastSeenMillis = firstSeenMillis;
    this.thresholds = thresholds;
    this.failure = new SustainedCondition(thresholds.probeSuccess(), thresholds.staleAfter());
    this.latency = new SustainedCondition(thresholds.probeLatencySeconds(), thresholds.staleAfter());
  }

  synchronized void observeSuccess(long t, double value) {
    lastSeenMillis = Math.max(lastSeenMillis, t);
    if (Double.isNaN(value) || t <= successMillis) return;
    success = value;
    successMillis = t;
    failure.observe(t, value);
    latency(t, value, successAndDuration.left(t, value));
  }

  synchronized void observeDuration(long t, double value) {
    lastSeenMillis = Math.max(lastSeenMillis, t);
    if (Double.isNaN(value) || t <= durationMillis) return;
    durationSeconds = value;
    durationMillis = t;
    latency(t, successAndDuration.right(t, value), value);
  }

  /** Success and duration of one probe arrive as two samples, in either order. */
  private void latency(long t, double probeSuccess, double seconds) {
    if (probeSuccess >= 0.5 && !Double.isNaN(seconds)) {
      latency.observe(t, seconds);
    }
  }

  synchronized long lastSeenMillis() {
    return lastSeenMillis;
  }

  synchronized ProbeState state(long nowMillis) {
    ProbeSignals signals = new ProbeSignals(boxed(success), boxed(durationSeconds), lastSeenMillis);
    if (nowMillis - lastSeenMillis > thresholds.staleAfter().toMillis()) {
      Finding stale = finding("probe_stale", Severity.WARNING,
          "no probe results from " + key.from() + " to " + key.to() + " since " + instant(lastSeenMillis),
          lastSeenMillis, Map.of());
      return new ProbeState(key, signals, HealthStatus.WARNING, true, List.of(stale.reason()), List.of(stale));
    }
    List<Finding> findings = new ArrayList<>();
    failure.breach(nowMillis).ifPresent(b -> findings.add(failureFinding(b)));
    if (findings.isEmpty()) {
      latency.breach(nowMillis).ifPresent(b -> findings.add(latencyFinding(b)));
    }
    HealthStatus status = findings.isEmpty() ? HealthStatus.OK : HealthStatus.of(findings.get(0).severity());
    return new ProbeState(key, signals, status, false, findings.stream().map(Finding::reason).toList(), findings);
  }

  private Finding failureFinding(Breach b) {
    String who = key.source() == null ? "the prober" : "node " + key.source();
    return finding("probe_failure", b.severity(),
        who + " cannot reach " + key.to() + " since " + instant(b.sinceMillis())
            + " (probe_success 0 for " + duration(b.level().holdsFor()) + ")",
        b.sinceMillis(), Map.of("probe_success", number(b.value(), 0)));
  }

  private Finding latencyFinding(Breach b) {
    return finding("probe_latency", b.severity(),
        "probe from " + key.from() + " to " + key.to() + " takes " + number(b.value() * 1000, 2) + " ms > "
            + number(b.level().bound() * 1000, 2) + " ms for " + duration(b.level().holdsFor()) + " since "
            + instant(b.sinceMillis()),
        b.sinceMillis(), Map.of("duration_seconds", number(b.value(), 6)));
  }

  private Finding finding(String kind, Severity severity, String reason, long since, Map<String, String> extra) {
    Map<String, String> evidence = new LinkedHashMap<>();
    if (key.source() != null) evidence.put("source", key.source());
    evidence.put("target", key.target());
    if (key.module() != null) evidence.put("module", key.module());
    evidence.putAll(extra);
    return new Finding(Dimension.NETWORK, kind, severity, key.subject(), reason, since, evidence);
  }

  private static Double boxed(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
