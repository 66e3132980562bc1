package dev.loupe.dimension.network;

import static dev.loupe.dimension.ReasonFormat.instant;

import dev.loupe.dimension.DimensionHealth;
import dev.loupe.dimension.DimensionJudge;
import dev.loupe.dimension.StatusSince;
import dev.loupe.model.Dimension;
import dev.loupe.model.Finding;
import dev.loupe.model.LabelMatcher;
import dev.loupe.model.Sample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Judges the network dimension: InfiniBand ports from node_exporter's infiniband collector (error
 * counter rates, link state, congestion) and node-to-node probes in blackbox_exporter's shape
 * ({@code probe_success}, {@code probe_duration_seconds}), against {@link NetworkThresholds}.
 *
 * <p>{@code probeSelector} chooses which probes are network probes, as label matchers that must
 * all match (e.g. {@code job="node-mesh"}); empty takes every probe. Where blackbox_exporter also
 * checks web endpoints, set it, or a site being down reads as the fabric failing.
 *
 * <p>Thread-safe: {@link #observe} from ingest threads, {@link #judge}, {@link #ports} and
 * {@link #probes} from request threads. Other metrics are dropped after a prefix test.
 */
public final class NetworkDimensionJudge implements DimensionJudge {
  private static final long NONE = Long.MIN_VALUE;
  static final String PROBE_SUCCESS = "probe_success";
  static final String PROBE_DURATION = "probe_duration_seconds";

  private final NetworkThresholds thresholds;
  private final List<LabelMatcher> probeSelector;
  private final long startedMillis;
  private final ConcurrentHashMap<InfinibandPortKey, InfinibandPortTrack> ports = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<ProbeKey, ProbeTrack> probes = new ConcurrentHashMap<>();
  private final Set<ProbeKey> ignoredProbes = ConcurrentHashMap.newKeySet();
  private final AtomicLong lastSampleMillis = new AtomicLong(NONE);
  private final StatusSince statusSince = new StatusSince();

  public NetworkDimensionJudge(NetworkThresholds thresholds, List<LabelMatcher> probeSelector, long startedMillis) {
    if (thresholds == null) throw new IllegalArgumentException("thresholds are required");
    this.thresholds = thresholds;
    this.probeSelector = List.copyOf(probeSelector);
    this.startedMillis = startedMillis;
  }

  /** Its thresholds (NetworkThresholds) are not rules of the pack yet: its findings still count. */
  @Override
  public boolean judgesByRules() {
    return false;
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
      InfinibandPortTrack track = ports.computeIfAbsent(key, k -> new InfinibandPortTrack(k, thresholds, t));
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
    return probes.computeIfAbsent(key, k -> new ProbeTrack(k, thresholds, firstMillis));
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
    if (nowMillis - last > thresholds.staleAfter().toMillis()) {
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
    long forget = thresholds.forgetAfter().toMillis();
    ports.values().removeIf(t -> nowMillis - t.lastSeenMillis() > forget);
    return ports.values().stream()
        .map(t -> t.state(nowMillis))
        .sorted(Comparator.comparing((InfinibandPortState s) -> s.key().host())
            .thenComparing(s -> s.key().device())
            .thenComparing(s -> s.key().port()))
        .toList();
  }

  /** Every probed path seen within the forget window, by source and target. */
  public List<ProbeState> probes(long nowMillis) {
    long forget = thresholds.forgetAfter().toMillis();
    probes.values().removeIf(t -> nowMillis - t.lastSeenMillis() > forget);
    return probes.values().stream()
        .map(t -> t.state(nowMillis))
        .sorted(Comparator.comparing((ProbeState s) -> s.key().subject()))
        .toList();
  }
}
