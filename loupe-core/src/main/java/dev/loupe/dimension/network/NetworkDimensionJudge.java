package dev.loupe.dimension.network;

import static dev.loupe.dimension.ReasonFormat.instant;

import dev.loupe.dimension.AlertHealth;
import dev.loupe.dimension.DimensionHealth;
import dev.loupe.dimension.DimensionJudge;
import dev.loupe.dimension.HealthStatus;
import dev.loupe.dimension.StatusSince;
import dev.loupe.model.Alert;
import dev.loupe.model.Dimension;
import dev.loupe.model.Finding;
import dev.loupe.model.LabelMatcher;
import dev.loupe.model.Sample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The network dimension's word on its data, from node_exporter's infiniband collector and
 * node-to-node probes in blackbox_exporter's shape ({@code probe_success},
 * {@code probe_duration_seconds}), scraped or remote-written: which ports and probed paths report
 * (with their latest values, for the UI and {@code /metrics}), which have gone stale, whether any
 * network telemetry arrives at all ({@code no_data} otherwise), and notes (a port never ACTIVE is
 * not judged; a counter stuck at its maximum hides later errors). It holds no threshold: error
 * counters, link state, congestion and probes are rules of the built-in pack over
 * {@link NetworkRuleSignals}, and a port's or path's status is its firing alerts'
 * ({@link #ports(long, List)}, {@link #probes(long, List)}).
 *
 * <p>{@code probeSelector} chooses which probes are network probes, as label matchers that must
 * all match (e.g. {@code job="node-mesh"}); empty takes every probe. Where blackbox_exporter also
 * checks web endpoints, set it, or a site being down reads as the fabric failing.
 *
 * <p>Thread-safe: {@link #observe} from ingest threads, {@link #judge}, {@link #ports} and
 * {@link #probes} from request threads. Other metrics are dropped after a prefix test.
 *
 * <pre>{@code
 * NetworkDimensionJudge network = new NetworkDimensionJudge(NetworkFreshness.DEFAULTS, selector, clock.millis());
 * network.observe(samples);
 * SignalSource source = new NetworkRuleSignals(store, selector, network::firstActiveMillis);
 * List<InfinibandPortState> rows = network.ports(clock.millis(), engine.alerts());
 * }</pre>
 */
public final class NetworkDimensionJudge implements DimensionJudge {
  private static final long NONE = Long.MIN_VALUE;
  static final String PROBE_SUCCESS = "probe_success";
  static final String PROBE_DURATION = "probe_duration_seconds";

  private final NetworkFreshness freshness;
  private final List<LabelMatcher> probeSelector;
  private final long startedMillis;
  private final ConcurrentHashMap<InfinibandPortKey, InfinibandPortTrack> ports = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<ProbeKey, ProbeTrack> probes = new ConcurrentHashMap<>();
  private final Set<ProbeKey> ignoredProbes = ConcurrentHashMap.newKeySet();
  private final AtomicLong lastSampleMillis = new AtomicLong(NONE);
  private final StatusSince statusSince = new StatusSince();

  public NetworkDimensionJudge(NetworkFreshness freshness, List<LabelMatcher> probeSelector, long startedMillis) {
    if (freshness == null) throw new IllegalArgumentException("freshness is required");
    this.freshness = freshness;
    this.probeSelector = List.copyOf(probeSelector);
    this.startedMillis = startedMillis;
  }

  @Override
  public Dimension dimension() {
    return Dimension.NETWORK;
  }

  /** Whether samples of this metric name can feed the network dimension. */
  public static boolean watches(String metricName) {
    if (metricName.startsWith(InfinibandCounter.PREFIX)) {
      return InfinibandCounter.of(metricName) != null || portGauge(metricName) != null;
    }
    return metricName.equals(PROBE_SUCCESS) || metricName.equals(PROBE_DURATION);
  }

  public void observe(Sample sample) {
    String name = sample.name();
    long t = sample.timestampMillis();
    double v = sample.value();
    if (name.startsWith(InfinibandCounter.PREFIX)) {
      InfinibandCounter counter = InfinibandCounter.of(name);
      String gauge = counter == null ? portGauge(name) : null;
      if (counter == null && gauge == null) return;
      InfinibandPortKey key = InfinibandPortKey.from(sample.labels());
      InfinibandPortTrack track = ports.computeIfAbsent(key, k -> new InfinibandPortTrack(k, freshness, t));
      if (counter != null) track.observeCounter(counter, t, v);
      else if (gauge.equals("state_id")) track.observeState(t, v);
      else if (gauge.equals("physical_state_id")) track.observePhysicalState(t, v);
      else track.observeRate(t, v);
    } else if (name.equals(PROBE_SUCCESS) || name.equals(PROBE_DURATION)) {
      ProbeKey key = ProbeKey.from(sample.labels());
      ProbeTrack track = probeTrack(key, sample.labels(), t);
      if (track == null) return;
      if (name.equals(PROBE_SUCCESS)) track.observeSuccess(t, v);
      else track.observeDuration(t, v);
    } else {
      return;
    }
    lastSampleMillis.accumulateAndGet(t, Math::max);
  }

  public void observe(List<Sample> samples) {
    for (Sample s : samples) observe(s);
  }

  private ProbeTrack probeTrack(ProbeKey key, Map<String, String> labels, long firstMillis) {
    ProbeTrack track = probes.get(key);
    if (track != null || ignoredProbes.contains(key)) return track;
    for (LabelMatcher m : probeSelector) {
      if (!m.matches(labels.get(m.name()))) {
        ignoredProbes.add(key);
        return null;
      }
    }
    return probes.computeIfAbsent(key, k -> new ProbeTrack(k, freshness, firstMillis));
  }

  /** The per-port gauges, by their name without the prefix, or null. */
  private static String portGauge(String name) {
    String base = name.substring(InfinibandCounter.PREFIX.length());
    return switch (base) {
      case "state_id", "physical_state_id", "rate_bytes_per_second" -> base;
      default -> null;
    };
  }

  @Override
  public synchronized DimensionHealth judge(long nowMillis) {
    long last = lastSampleMillis.get();
    if (last == NONE) {
      return statusSince.stamp(DimensionHealth.noData(
          "no network telemetry received for network since " + instant(startedMillis), startedMillis), nowMillis);
    }
    if (nowMillis - last > freshness.staleAfter().toMillis()) {
      return statusSince.stamp(DimensionHealth.noData(
          "no network telemetry received for network since " + instant(last), last), nowMillis);
    }
    List<Finding> findings = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (InfinibandPortState p : ports(nowMillis)) {
      findings.addAll(p.findings());
      notes.addAll(p.notes());
    }
    for (ProbeState p : probes(nowMillis)) findings.addAll(p.findings());
    return statusSince.stamp(DimensionHealth.fromFindings(findings, notes, nowMillis), nowMillis);
  }

  /** Every port seen within the forget window, by node, device and port. */
  public List<InfinibandPortState> ports(long nowMillis) {
    long forget = freshness.forgetAfter().toMillis();
    ports.values().removeIf(t -> nowMillis - t.lastSeenMillis() > forget);
    return ports.values().stream()
        .map(t -> t.state(nowMillis))
        .sorted(Comparator.comparing((InfinibandPortState s) -> s.key().host())
            .thenComparing(s -> s.key().device())
            .thenComparing(s -> s.key().port()))
        .toList();
  }

  /**
   * As {@link #ports(long)}, each port's status and reasons being those of the firing alerts about
   * it: those labelled with its host, device and port. A stale port is a warning at least (its data
   * stopped: no threshold says so), its stale reason first.
   */
  public List<InfinibandPortState> ports(long nowMillis, List<Alert> alerts) {
    List<InfinibandPortState> out = new ArrayList<>();
    for (InfinibandPortState p : ports(nowMillis)) {
      Map<String, String> subject = Map.of("host", p.key().host(), "device", p.key().device(), "port", p.key().port());
      List<String> reasons = new ArrayList<>(p.reasons());
      reasons.addAll(AlertHealth.reasonsOfSubject(alerts, subject));
      HealthStatus status = AlertHealth.ofSubject(alerts, subject);
      if (p.stale()) status = status.worst(p.status());
      out.add(new InfinibandPortState(p.key(), p.signals(), status, p.stale(), reasons, p.notes(), p.findings()));
    }
    return out;
  }

  /**
   * When a sample first said the port is ACTIVE, or {@code Long.MAX_VALUE} (never, or the port is
   * not known): the link rule judges a port from then on ({@link NetworkRuleSignals.ActivePorts}).
   */
  public long firstActiveMillis(InfinibandPortKey port) {
    InfinibandPortTrack track = ports.get(port);
    return track == null ? Long.MAX_VALUE : track.firstActiveMillis();
  }

  /** The matchers that choose network probes among all probes. */
  public List<LabelMatcher> probeSelector() {
    return probeSelector;
  }

  /** Every probed path seen within the forget window, by source and target. */
  public List<ProbeState> probes(long nowMillis) {
    long forget = freshness.forgetAfter().toMillis();
    probes.values().removeIf(t -> nowMillis - t.lastSeenMillis() > forget);
    return probes.values().stream()
        .map(t -> t.state(nowMillis))
        .sorted(Comparator.comparing((ProbeState s) -> s.key().subject()))
        .toList();
  }

  /**
   * As {@link #probes(long)}, each path's status and reasons being those of the firing alerts
   * about it: those labelled with its target, and its source and module where it has them. A stale
   * path is a warning at least.
   */
  public List<ProbeState> probes(long nowMillis, List<Alert> alerts) {
    List<ProbeState> out = new ArrayList<>();
    for (ProbeState p : probes(nowMillis)) {
      Map<String, String> subject = new HashMap<>();
      subject.put("target", p.key().target());
      if (p.key().source() != null) subject.put("source", p.key().source());
      if (p.key().module() != null) subject.put("module", p.key().module());
      List<String> reasons = new ArrayList<>(p.reasons());
      reasons.addAll(AlertHealth.reasonsOfSubject(alerts, subject));
      HealthStatus status = AlertHealth.ofSubject(alerts, subject);
      if (p.stale()) status = status.worst(p.status());
      out.add(new ProbeState(p.key(), p.signals(), status, p.stale(), reasons, p.findings()));
    }
    return out;
  }
}
