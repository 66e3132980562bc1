package dev.loupe.dimension.network;

import dev.loupe.model.LabelMatcher;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.SeriesSelector;
import dev.loupe.rule.SignalSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The network signals the network rules of the built-in pack read, derived at query time from the
 * raw node_exporter and blackbox_exporter series of the wrapped source, so live evaluation and
 * backtests over stored history see the same values. Every other name goes to the wrapped source.
 *
 * <p>Port signals carry the labels Loupe's {@code /metrics} uses for ports ({@link InfinibandPortKey}):
 * {@code host}, {@code device}, {@code port}; probe signals {@code source} (when a label names
 * it), {@code target} and {@code module} (when known) ({@link ProbeKey}). A rule's matchers apply
 * to these labels; only probes that {@code network.probe_selector} selects (matched on their raw
 * labels) are network probes.
 *
 * <ul>
 *   <li>{@code loupe_infiniband_port_<counter>_total} ({@link InfinibandCounter#signalName()}):
 *       the counter under whichever name node_exporter exported it (with or without
 *       {@code _total}, old and new names), as one series per port.
 *   <li>{@code loupe_infiniband_port_transmit_wait_ratio}: per scrape interval, the share of
 *       transmit opportunities spent waiting, Δwait / (Δwait + Δtransmitted bytes / 4) (PortXmitData
 *       counts 4-byte words, which node_exporter multiplies by 4), from the two counters' points of
 *       the same two scrapes (timestamps within a second); an interval with a counter reset has none.
 *   <li>{@code loupe_infiniband_port_link_up}: 1 when the port's state is ACTIVE (4) and its physical
 *       state LinkUp (5), else 0, at each point of either (with the other one's latest value in the
 *       range read, when it has one). Only from the port's first
 *       ACTIVE reading on — in the range read or known to {@link ActivePorts} — since unused ports
 *       of dual-port HCAs sit in DOWN/Polling for ever: a port never seen ACTIVE has no series.
 *   <li>{@code loupe_probe_success}: {@code probe_success}.
 *   <li>{@code loupe_probe_duration_seconds}: {@code probe_duration_seconds} of the probes that
 *       succeeded (success of the same probe, within a second, at least 0.5): a failed probe lasts
 *       as long as its timeout, which is the failure's story, not latency.
 * </ul>
 *
 * <pre>{@code
 * SignalSource source = new NetworkRuleSignals(new StoreSignalSource(store, recent),
 *     config.network().matchers(), networkJudge::firstActiveMillis);
 * }</pre>
 */
public final class NetworkRuleSignals implements SignalSource {
  public static final String LINK_UP = InfinibandCounter.SIGNAL_PREFIX + "link_up";
  public static final String TRANSMIT_WAIT_RATIO = InfinibandCounter.SIGNAL_PREFIX + "transmit_wait_ratio";
  public static final String PROBE_SUCCESS = "loupe_probe_success";
  public static final String PROBE_DURATION = "loupe_probe_duration_seconds";

  /** Points of one scrape carry one timestamp; allow for receivers that jitter. */
  static final long SAME_SCRAPE_MILLIS = 1_000;
  private static final String STATE = InfinibandCounter.PREFIX + "state_id";
  private static final String PHYSICAL_STATE = InfinibandCounter.PREFIX + "physical_state_id";

  /** What is known of ports before the range a rule reads. */
  @FunctionalInterface
  public interface ActivePorts {
    /** Nothing known: only the range read tells. */
    ActivePorts NONE = port -> Long.MAX_VALUE;

    /** When the port was first seen ACTIVE, or {@code Long.MAX_VALUE} when it never was. */
    long firstActiveMillis(InfinibandPortKey port);
  }

  private final SignalSource inner;
  private final List<LabelMatcher> probeSelector;
  private final ActivePorts activePorts;

  public NetworkRuleSignals(SignalSource inner, List<LabelMatcher> probeSelector, ActivePorts activePorts) {
    if (inner == null || probeSelector == null || activePorts == null) {
      throw new IllegalArgumentException("source, probe selector and active ports are required");
    }
    this.inner = inner;
    this.probeSelector = List.copyOf(probeSelector);
    this.activePorts = activePorts;
  }

  /** Whether the name is one this source derives. */
  public static boolean derives(String name) {
    return InfinibandCounter.ofSignal(name) != null || name.equals(LINK_UP) || name.equals(TRANSMIT_WAIT_RATIO)
        || name.equals(PROBE_SUCCESS) || name.equals(PROBE_DURATION);
  }

  /** The raw metric names a derived name is computed from; the name itself when it is not derived. */
  public static List<String> rawInputs(String name) {
    InfinibandCounter counter = InfinibandCounter.ofSignal(name);
    if (counter != null) return counter.metricNames();
    return switch (name) {
      case LINK_UP -> List.of(STATE, PHYSICAL_STATE);
      case TRANSMIT_WAIT_RATIO -> {
        List<String> out = new ArrayList<>(InfinibandCounter.TRANSMIT_WAIT.metricNames());
        out.addAll(InfinibandCounter.DATA_TRANSMITTED_BYTES.metricNames());
        yield out;
      }
      case PROBE_SUCCESS, PROBE_DURATION -> List.of(NetworkDimensionJudge.PROBE_SUCCESS,
          NetworkDimensionJudge.PROBE_DURATION);
      default -> List.of(name);
    };
  }

  @Override
  public List<RangeSeries> range(SeriesSelector selector, long fromMillis, long toMillis) {
    String name = selector.metricName();
    if (!derives(name)) return inner.range(selector, fromMillis, toMillis);
    Map<SortedMap<String, String>, TreeMap<Long, Double>> out;
    InfinibandCounter counter = InfinibandCounter.ofSignal(name);
    if (counter != null) {
      out = ports(name, counter.metricNames(), fromMillis, toMillis);
    } else {
      out = switch (name) {
        case LINK_UP -> linkUp(fromMillis, toMillis);
        case TRANSMIT_WAIT_RATIO -> transmitWaitRatio(fromMillis, toMillis);
        default -> probes(name, fromMillis, toMillis);
      };
    }
    List<RangeSeries> series = new ArrayList<>();
    out.forEach((labels, byTime) -> {
      if (byTime.isEmpty() || !selector.matches(labels)) return;
      List<RangeSeries.Point> points = new ArrayList<>(byTime.size());
      byTime.forEach((t, v) -> points.add(new RangeSeries.Point(t, v)));
      series.add(new RangeSeries(labels, points));
    });
    return series;
  }

  /**
   * The raw series of these metric names by derived port labels, their points by time. Series that
   * name one port alike (old and new metric names, two scrape jobs) merge; of two points at one
   * time the later read is kept.
   */
  private Map<SortedMap<String, String>, TreeMap<Long, Double>> ports(String signal, List<String> metricNames,
      long from, long to) {
    Map<SortedMap<String, String>, TreeMap<Long, Double>> out = new LinkedHashMap<>();
    for (String metric : metricNames) {
      for (RangeSeries s : inner.range(new SeriesSelector(metric, List.of()), from, to)) {
        TreeMap<Long, Double> byTime = out.computeIfAbsent(portLabels(signal, InfinibandPortKey.from(s.labels())),
            l -> new TreeMap<>());
        for (RangeSeries.Point p : s.points()) {
          if (!Double.isNaN(p.value())) byTime.put(p.timeMillis(), p.value());
        }
      }
    }
    return out;
  }

  private static SortedMap<String, String> portLabels(String signal, InfinibandPortKey key) {
    SortedMap<String, String> labels = new TreeMap<>();
    labels.put("__name__", signal);
    labels.put("host", key.host());
    labels.put("device", key.device());
    labels.put("port", key.port());
    return labels;
  }

  private static InfinibandPortKey portKey(Map<String, String> labels) {
    return new InfinibandPortKey(labels.get("host"), labels.get("device"), labels.get("port"));
  }

  private Map<SortedMap<String, String>, TreeMap<Long, Double>> transmitWaitRatio(long from, long to) {
    Map<SortedMap<String, String>, TreeMap<Long, Double>> waits =
        ports(TRANSMIT_WAIT_RATIO, InfinibandCounter.TRANSMIT_WAIT.metricNames(), from, to);
    Map<SortedMap<String, String>, TreeMap<Long, Double>> sent =
        ports(TRANSMIT_WAIT_RATIO, InfinibandCounter.DATA_TRANSMITTED_BYTES.metricNames(), from, to);
    Map<SortedMap<String, String>, TreeMap<Long, Double>> out = new LinkedHashMap<>();
    waits.forEach((labels, wait) -> {
      TreeMap<Long, Double> bytes = sent.get(labels);
      if (bytes == null) return;
      TreeMap<Long, Double> ratios = out.computeIfAbsent(labels, l -> new TreeMap<>());
      Map.Entry<Long, Double> previous = null;
      for (Map.Entry<Long, Double> w : wait.entrySet()) {
        if (previous != null) {
          Double b0 = sameScrape(bytes, previous.getKey());
          Double b1 = sameScrape(bytes, w.getKey());
          double waited = w.getValue() - previous.getValue();
          if (b0 != null && b1 != null && waited >= 0 && b1 >= b0) {
            double opportunities = waited + (b1 - b0) / 4;
            ratios.put(w.getKey(), opportunities > 0 ? waited / opportunities : 0);
          }
        }
        previous = w;
      }
    });
    return out;
  }

  private Map<SortedMap<String, String>, TreeMap<Long, Double>> linkUp(long from, long to) {
    Map<SortedMap<String, String>, TreeMap<Long, Double>> states = ports(LINK_UP, List.of(STATE), from, to);
    Map<SortedMap<String, String>, TreeMap<Long, Double>> physical = ports(LINK_UP, List.of(PHYSICAL_STATE), from, to);
    Set<SortedMap<String, String>> all = new LinkedHashSet<>(states.keySet());
    all.addAll(physical.keySet());
    Map<SortedMap<String, String>, TreeMap<Long, Double>> out = new LinkedHashMap<>();
    for (SortedMap<String, String> labels : all) {
      TreeMap<Long, Double> state = states.getOrDefault(labels, new TreeMap<>());
      TreeMap<Long, Double> phys = physical.getOrDefault(labels, new TreeMap<>());
      long firstActive = activePorts.firstActiveMillis(portKey(labels));
      for (Map.Entry<Long, Double> e : state.entrySet()) {
        if (e.getValue() == PortStates.ACTIVE) {
          firstActive = Math.min(firstActive, e.getKey());
          break;
        }
      }
      TreeSet<Long> times = new TreeSet<>(state.keySet());
      times.addAll(phys.keySet());
      TreeMap<Long, Double> up = out.computeIfAbsent(labels, l -> new TreeMap<>());
      for (long t : times) {
        if (t < firstActive) continue;
        Map.Entry<Long, Double> s = state.floorEntry(t);
        Map.Entry<Long, Double> p = phys.floorEntry(t);
        boolean linkUp = (s == null || s.getValue() == PortStates.ACTIVE)
            && (p == null || p.getValue() == PortStates.LINK_UP);
        up.put(t, linkUp ? 1.0 : 0.0);
      }
    }
    return out;
  }

  private Map<SortedMap<String, String>, TreeMap<Long, Double>> probes(String signal, long from, long to) {
    Map<SortedMap<String, String>, TreeMap<Long, Double>> success = probeSeries(signal,
        NetworkDimensionJudge.PROBE_SUCCESS, from, to);
    if (signal.equals(PROBE_SUCCESS)) return success;
    Map<SortedMap<String, String>, TreeMap<Long, Double>> out = new LinkedHashMap<>();
    probeSeries(signal, NetworkDimensionJudge.PROBE_DURATION, from, to).forEach((labels, durations) -> {
      TreeMap<Long, Double> ok = success.getOrDefault(labels, new TreeMap<>());
      TreeMap<Long, Double> kept = out.computeIfAbsent(labels, l -> new TreeMap<>());
      durations.forEach((t, seconds) -> {
        Double s = sameScrape(ok, t);
        if (s != null && s >= 0.5) kept.put(t, seconds);
      });
    });
    return out;
  }

  private Map<SortedMap<String, String>, TreeMap<Long, Double>> probeSeries(String signal, String metric, long from,
      long to) {
    Map<SortedMap<String, String>, TreeMap<Long, Double>> out = new LinkedHashMap<>();
    for (RangeSeries s : inner.range(new SeriesSelector(metric, probeSelector), from, to)) {
      ProbeKey key = ProbeKey.from(s.labels());
      SortedMap<String, String> labels = new TreeMap<>();
      labels.put("__name__", signal);
      if (key.source() != null) labels.put("source", key.source());
      labels.put("target", key.target());
      if (key.module() != null) labels.put("module", key.module());
      TreeMap<Long, Double> byTime = out.computeIfAbsent(labels, l -> new TreeMap<>());
      for (RangeSeries.Point p : s.points()) {
        if (!Double.isNaN(p.value())) byTime.put(p.timeMillis(), p.value());
      }
    }
    return out;
  }

  /** The value nearest to {@code t} within {@link #SAME_SCRAPE_MILLIS}, or null. */
  private static Double sameScrape(TreeMap<Long, Double> byTime, long t) {
    Map.Entry<Long, Double> below = byTime.floorEntry(t);
    Map.Entry<Long, Double> above = byTime.ceilingEntry(t);
    Map.Entry<Long, Double> best = below;
    if (best == null || (above != null && above.getKey() - t < t - best.getKey())) best = above;
    return best == null || Math.abs(best.getKey() - t) > SAME_SCRAPE_MILLIS ? null : best.getValue();
  }
}
