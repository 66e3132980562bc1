package dev.loupe.dimension.network;

import static dev.loupe.dimension.ReasonFormat.duration;
import static dev.loupe.dimension.ReasonFormat.instant;
import static dev.loupe.dimension.ReasonFormat.number;

import dev.loupe.dimension.CounterSeries;
import dev.loupe.dimension.HealthStatus;
import dev.loupe.dimension.SamplePairs;
import dev.loupe.dimension.SustainedCondition;
import dev.loupe.model.Dimension;
import dev.loupe.model.Finding;
import dev.loupe.model.Severity;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Everything known about one InfiniBand port. Thread-safe: every method locks the track. */
final class InfinibandPortTrack {
  private static final long NONE = Long.MIN_VALUE;
  /** Counters of one scrape share a timestamp; allow for receivers that jitter. */
  private static final long PAIR_TOLERANCE_MILLIS = 1_000;

  private final InfinibandPortKey key;
  private final NetworkThresholds thresholds;
  private final long firstSeenMillis;
  private long lastSeenMillis;

  private Integer stateId;
  private Integer physicalStateId;
  private long stateMillis = NONE;
  private long physicalStateMillis = NONE;
  private boolean seenActive;
  private long notUpSince = NONE;
  private double rateBytesPerSecond = Double.NaN;

  private final Map<InfinibandCounter, CounterSeries> counters = new EnumMap<>(InfinibandCounter.class);
  private final Map<InfinibandCounter, IncreaseLog> increases = new EnumMap<>(InfinibandCounter.class);
  private double receiveBytesPerSecond = Double.NaN;
  private double transmitBytesPerSecond = Double.NaN;
  private final SamplePairs waitAndTransmit = new SamplePairs(PAIR_TOLERANCE_MILLIS);
  private double transmitWaitRatio = Double.NaN;
  private final SustainedCondition waitRatio;

  InfinibandPortTrack(InfinibandPortKey key, NetworkThresholds thresholds, long firstSeenMillis) {
    this.key = key;
    this.thresholds = thresholds;
    this.firstSeenMillis = firstSeenMillis;
    this.lastSeenMillis = firstSeenMillis;
    Map<InfinibandCounter, Long> longestWindow = new EnumMap<>(InfinibandCounter.class);
    for (CounterRateRule r : thresholds.counterRules()) {
      longestWindow.merge(r.counter(), r.window().toMillis(), Math::max);
    }
    longestWindow.forEach((counter, keep) -> increases.put(counter, new IncreaseLog(keep)));
    waitRatio = new SustainedCondition(thresholds.transmitWaitRatio(), thresholds.staleAfter());
  }

  synchronized void observeCounter(InfinibandCounter counter, long t, double value) {
    lastSeenMillis = Math.max(lastSeenMillis, t);
    CounterSeries series = counters.computeIfAbsent(counter, c -> new CounterSeries());
    double increase = series.advance(t, value);
    if (Double.isNaN(increase)) return;
    IncreaseLog log = increases.get(counter);
    if (log != null && increase > 0) log.add(t, increase);
    double seconds = series.lastIntervalMillis() / 1000.0;
    switch (counter) {
      case DATA_RECEIVED_BYTES -> receiveBytesPerSecond = seconds > 0 ? increase / seconds : Double.NaN;
      case DATA_TRANSMITTED_BYTES -> {
        transmitBytesPerSecond = seconds > 0 ? increase / seconds : Double.NaN;
        transmitWait(t, waitAndTransmit.right(t, increase), increase);
      }
      case TRANSMIT_WAIT -> {
        transmitWait(t, increase, waitAndTransmit.left(t, increase));
      }
      default -> {}
    }
  }

  /**
   * PortXmitData counts 4-byte words (node_exporter multiplies by 4), so the ratio sets the ticks
   * spent waiting against the words sent in the same interval. NaN: the other half is not here yet.
   */
  private void transmitWait(long t, double waitIncrease, double transmitIncrease) {
    if (Double.isNaN(waitIncrease) || Double.isNaN(transmitIncrease)) return;
    double opportunities = waitIncrease + transmitIncrease / 4;
    transmitWaitRatio = opportunities > 0 ? waitIncrease / opportunities : 0;
    waitRatio.observe(t, transmitWaitRatio);
  }

  synchronized void observeState(long t, double value) {
    lastSeenMillis = Math.max(lastSeenMillis, t);
    if (Double.isNaN(value) || t < stateMillis) return;
    stateId = (int) value;
    stateMillis = t;
    linkChange(t);
  }

  synchronized void observePhysicalState(long t, double value) {
    lastSeenMillis = Math.max(lastSeenMillis, t);
    if (Double.isNaN(value) || t < physicalStateMillis) return;
    physicalStateId = (int) value;
    physicalStateMillis = t;
    linkChange(t);
  }

  synchronized void observeRate(long t, double value) {
    lastSeenMillis = Math.max(lastSeenMillis, t);
    if (!Double.isNaN(value)) rateBytesPerSecond = value;
  }

  private void linkChange(long t) {
    if (stateId != null && stateId == PortStates.ACTIVE) seenActive = true;
    if (linkUp()) {
      notUpSince = NONE;
    } else if (notUpSince == NONE) {
      notUpSince = t;
    }
  }

  private boolean linkUp() {
    return (stateId == null || stateId == PortStates.ACTIVE)
        && (physicalStateId == null || physicalStateId == PortStates.LINK_UP);
  }

  synchronized long lastSeenMillis() {
    return lastSeenMillis;
  }

  synchronized InfinibandPortState state(long nowMillis) {
    InfinibandPortSignals signals = signals();
    if (nowMillis - lastSeenMillis > thresholds.staleAfter().toMillis()) {
      Finding stale = finding("infiniband_port_stale", Severity.WARNING,
          "no samples from " + key.describe() + " since " + instant(lastSeenMillis), lastSeenMillis, Map.of());
      return new InfinibandPortState(key, signals, HealthStatus.WARNING, true, List.of(stale.reason()), List.of(),
          List.of(stale));
    }
    List<Finding> findings = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    linkFinding(nowMillis, notes).ifPresent(findings::add);
    for (CounterRateRule rule : thresholds.counterRules()) {
      IncreaseLog log = increases.get(rule.counter());
      long window = rule.window().toMillis();
      double sum = log.sumWithin(nowMillis, window);
      if (sum > rule.allowedIncrease() && sum > 0) {
        findings.add(counterFinding(rule, sum, log.firstWithin(nowMillis, window)));
      }
    }
    waitRatio.breach(nowMillis).ifPresent(b -> findings.add(finding("infiniband_congestion", b.severity(),
        key.describe() + ": transmit wait " + number(100 * b.value(), 1) + " % of transmit opportunities > "
            + number(100 * b.level().bound(), 1) + " % for " + duration(b.level().holdsFor())
            + " (congestion) since " + instant(b.sinceMillis()),
        b.sinceMillis(), Map.of("transmit_wait_ratio", number(b.value(), 4)))));
    for (Map.Entry<InfinibandCounter, CounterSeries> e : counters.entrySet()) {
      long max = e.getKey().saturatesAt();
      if (max > 0 && e.getValue().value() >= max) {
        notes.add("InfiniBand counter " + e.getKey().metricName() + " of " + key.describe() + " is stuck at its maximum "
            + max + ": later " + e.getKey().noun() + " cannot be seen until the port counters are cleared (perfquery -R)");
      }
    }
    HealthStatus status = HealthStatus.OK;
    for (Finding f : findings) status = status.worst(HealthStatus.of(f.severity()));
    findings.sort((a, b) -> b.severity().compareTo(a.severity()));
    return new InfinibandPortState(key, signals, status, false, findings.stream().map(Finding::reason).toList(), notes,
        findings);
  }

  private Optional<Finding> linkFinding(long nowMillis, List<String> notes) {
    if (notUpSince == NONE || nowMillis - notUpSince < thresholds.linkStateFor().toMillis()) {
      return Optional.empty();
    }
    String states = "state " + PortStates.state(stateId) + ", physical state " + PortStates.physical(physicalStateId);
    if (!seenActive && !thresholds.judgePortsNeverActive()) {
      notes.add(key.describe() + " is " + states + " and has not been ACTIVE since first seen at "
          + instant(firstSeenMillis) + ": not judged, as unused ports stay down");
      return Optional.empty();
    }
    Map<String, String> evidence = new LinkedHashMap<>();
    if (stateId != null) evidence.put("state_id", Integer.toString(stateId));
    if (physicalStateId != null) evidence.put("physical_state_id", Integer.toString(physicalStateId));
    return Optional.of(finding("infiniband_link_down", Severity.CRITICAL,
        key.describe() + ": link not up (" + states + ", expected ACTIVE and LinkUp) since " + instant(notUpSince),
        notUpSince, evidence));
  }

  private Finding counterFinding(CounterRateRule rule, double sum, long since) {
    String limit = rule.maxPerMinute() == 0
        ? ""
        : " (" + number(sum / (rule.window().toMillis() / 60_000.0), 1) + "/min > " + number(rule.maxPerMinute(), 1) + "/min)";
    String reason = key.describe() + ": " + number(sum, 0) + " " + rule.counter().noun() + " in the last "
        + duration(rule.window()) + limit + " since " + instant(since);
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("counter", rule.counter().metricName());
    evidence.put("increase", number(sum, 0));
    evidence.put("window_seconds", Long.toString(rule.window().toSeconds()));
    evidence.put("max_per_minute", number(rule.maxPerMinute(), 3));
    return finding("infiniband_" + rule.counter().name().toLowerCase(Locale.ROOT), rule.severity(), reason,
        since, evidence);
  }

  private Finding finding(String kind, Severity severity, String reason, long since, Map<String, String> extra) {
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("node", key.host());
    evidence.put("device", key.device());
    evidence.put("port", key.port());
    evidence.putAll(extra);
    return new Finding(Dimension.NETWORK, kind, severity, key.subject(), reason, since, evidence);
  }

  private InfinibandPortSignals signals() {
    Map<InfinibandCounter, Double> values = new EnumMap<>(InfinibandCounter.class);
    counters.forEach((c, s) -> {
      if (s.hasValue()) values.put(c, s.value());
    });
    return new InfinibandPortSignals(stateId, physicalStateId, boxed(rateBytesPerSecond), boxed(receiveBytesPerSecond),
        boxed(transmitBytesPerSecond), boxed(transmitWaitRatio), values, lastSeenMillis);
  }

  private static Double boxed(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
