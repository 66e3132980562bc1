package dev.loupe.dimension.network;

import static dev.loupe.dimension.ReasonFormat.instant;

import dev.loupe.dimension.CounterSeries;
import dev.loupe.dimension.HealthStatus;
import dev.loupe.dimension.SamplePairs;
import dev.loupe.model.Dimension;
import dev.loupe.model.Finding;
import dev.loupe.model.Severity;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest of everything known about one InfiniBand port, for the UI and {@code /metrics}, and
 * whether it still reports. It judges no threshold: those are the pack's rules over
 * {@link NetworkRuleSignals}. It remembers when the port was first seen ACTIVE, since a port never
 * ACTIVE is an unused one, which the rules leave alone and the row notes. Thread-safe: every method
 * locks the track.
 */
final class InfinibandPortTrack {
  private static final long NONE = Long.MIN_VALUE;
  /** Counters of one scrape share a timestamp; allow for receivers that jitter. */
  private static final long PAIR_TOLERANCE_MILLIS = 1_000;

  private final InfinibandPortKey key;
  private final long staleAfterMillis;
  private final long firstSeenMillis;
  private long lastSeenMillis;

  private Integer stateId;
  private Integer physicalStateId;
  private long stateMillis = NONE;
  private long physicalStateMillis = NONE;
  private long firstActiveMillis = Long.MAX_VALUE;
  private double rateBytesPerSecond = Double.NaN;

  private final Map<InfinibandCounter, CounterSeries> counters = new EnumMap<>(InfinibandCounter.class);
  private double receiveBytesPerSecond = Double.NaN;
  private double transmitBytesPerSecond = Double.NaN;
  private final SamplePairs waitAndTransmit = new SamplePairs(PAIR_TOLERANCE_MILLIS);
  private double transmitWaitRatio = Double.NaN;

  InfinibandPortTrack(InfinibandPortKey key, NetworkFreshness freshness, long firstSeenMillis) {
    this.key = key;
    this.staleAfterMillis = freshness.staleAfter().toMillis();
    this.firstSeenMillis = firstSeenMillis;
    this.lastSeenMillis = firstSeenMillis;
  }

  synchronized void observeCounter(InfinibandCounter counter, long t, double value) {
    lastSeenMillis = Math.max(lastSeenMillis, t);
    CounterSeries series = counters.computeIfAbsent(counter, c -> new CounterSeries());
    double increase = series.advance(t, value);
    if (Double.isNaN(increase)) return;
    double seconds = series.lastIntervalMillis() / 1000.0;
    switch (counter) {
      case DATA_RECEIVED_BYTES -> receiveBytesPerSecond = seconds > 0 ? increase / seconds : Double.NaN;
      case DATA_TRANSMITTED_BYTES -> {
        transmitBytesPerSecond = seconds > 0 ? increase / seconds : Double.NaN;
        transmitWait(waitAndTransmit.right(t, increase), increase);
      }
      case TRANSMIT_WAIT -> transmitWait(increase, waitAndTransmit.left(t, increase));
      default -> {}
    }
  }

  /**
   * PortXmitData counts 4-byte words (node_exporter multiplies by 4), so the ratio sets the ticks
   * spent waiting against the words sent in the same interval. NaN: the other half is not here yet.
   */
  private void transmitWait(double waitIncrease, double transmitIncrease) {
    if (Double.isNaN(waitIncrease) || Double.isNaN(transmitIncrease)) return;
    double opportunities = waitIncrease + transmitIncrease / 4;
    transmitWaitRatio = opportunities > 0 ? waitIncrease / opportunities : 0;
  }

  synchronized void observeState(long t, double value) {
    lastSeenMillis = Math.max(lastSeenMillis, t);
    if (Double.isNaN(value)) return;
    if (value == PortStates.ACTIVE) firstActiveMillis = Math.min(firstActiveMillis, t);
    if (t < stateMillis) return;
    stateId = (int) value;
    stateMillis = t;
  }

  synchronized void observePhysicalState(long t, double value) {
    lastSeenMillis = Math.max(lastSeenMillis, t);
    if (Double.isNaN(value) || t < physicalStateMillis) return;
    physicalStateId = (int) value;
    physicalStateMillis = t;
  }

  synchronized void observeRate(long t, double value) {
    lastSeenMillis = Math.max(lastSeenMillis, t);
    if (!Double.isNaN(value)) rateBytesPerSecond = value;
  }

  private boolean linkUp() {
    return (stateId == null || stateId == PortStates.ACTIVE)
        && (physicalStateId == null || physicalStateId == PortStates.LINK_UP);
  }

  synchronized long lastSeenMillis() {
    return lastSeenMillis;
  }

  /** When a sample first said ACTIVE, or {@code Long.MAX_VALUE}. */
  synchronized long firstActiveMillis() {
    return firstActiveMillis;
  }

  /**
   * The port as shown: ok unless it is stale (no sample within the stale window), which is a
   * warning-looking row with its reason. The status of a fresh port is its firing alerts', which
   * {@link NetworkDimensionJudge#ports(long, List)} puts in.
   */
  synchronized InfinibandPortState state(long nowMillis) {
    InfinibandPortSignals signals = signals();
    if (nowMillis - lastSeenMillis > staleAfterMillis) {
      Finding stale = finding("infiniband_port_stale", Severity.WARNING,
          "no samples from " + key.describe() + " since " + instant(lastSeenMillis), lastSeenMillis);
      return new InfinibandPortState(key, signals, HealthStatus.WARNING, true, List.of(stale.reason()), List.of(),
          List.of(stale));
    }
    List<String> notes = new ArrayList<>();
    if (!linkUp() && firstActiveMillis == Long.MAX_VALUE) {
      notes.add(key.describe() + " is state " + PortStates.state(stateId) + ", physical state "
          + PortStates.physical(physicalStateId) + " and has not been ACTIVE since first seen at "
          + instant(firstSeenMillis) + ": not judged, as unused ports stay down");
    }
    for (Map.Entry<InfinibandCounter, CounterSeries> e : counters.entrySet()) {
      long max = e.getKey().saturatesAt();
      if (max > 0 && e.getValue().value() >= max) {
        notes.add("InfiniBand counter " + e.getKey().metricName() + " of " + key.describe() + " is stuck at its maximum "
            + max + ": later " + e.getKey().noun() + " cannot be seen until the port counters are cleared (perfquery -R)");
      }
    }
    return new InfinibandPortState(key, signals, HealthStatus.OK, false, List.of(), notes, List.of());
  }

  private Finding finding(String kind, Severity severity, String reason, long since) {
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("node", key.host());
    evidence.put("device", key.device());
    evidence.put("port", key.port());
    evidence.put("last_sample", instant(lastSeenMillis));
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
