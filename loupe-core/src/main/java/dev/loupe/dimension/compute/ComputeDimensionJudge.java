package dev.loupe.dimension.compute;

import static dev.loupe.dimension.ReasonFormat.instant;

import dev.loupe.dimension.AlertHealth;
import dev.loupe.dimension.DimensionHealth;
import dev.loupe.dimension.DimensionJudge;
import dev.loupe.dimension.HealthStatus;
import dev.loupe.dimension.StatusSince;
import dev.loupe.model.Alert;
import dev.loupe.model.Checks;
import dev.loupe.model.Dimension;
import dev.loupe.model.Finding;
import dev.loupe.model.Sample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The compute dimension's word on its data, from dcgm-exporter samples, scraped or remote-written:
 * which GPUs report (with their latest values, for the UI and {@code /metrics}), which have gone
 * stale, whether any GPU telemetry arrives at all ({@code no_data} otherwise) and what is missing
 * (ECC counters not exported or blank). It holds no threshold: utilization, framebuffer,
 * temperature, ECC and XID are rules of the built-in pack over {@link GpuRuleSignals}, and a GPU's
 * status is its firing alerts' ({@link #gpus(long, List)}).
 *
 * <p>Thread-safe: {@link #observe} from ingest threads, {@link #judge} and {@link #gpus} from
 * request threads. Samples of other metrics are dropped after one prefix test and one lookup.
 *
 * <pre>{@code
 * ComputeDimensionJudge compute = new ComputeDimensionJudge(
 *     GpuFreshness.DEFAULTS, WorkloadClassifier.defaults(), clock.millis());
 * compute.observe(samples);
 * DimensionHealth health = compute.judge(clock.millis());
 * List<GpuState> rows = compute.gpus(clock.millis(), engine.alerts());
 * }</pre>
 */
public final class ComputeDimensionJudge implements DimensionJudge {
  private static final long NONE = Long.MIN_VALUE;
  static final String COUNTERS_FILE = "deploy/dcgm-exporter/counters.csv";

  private final GpuFreshness freshness;
  private final WorkloadClassifier classifier;
  private final long startedMillis;
  private final ConcurrentHashMap<String, GpuTrack> tracks = new ConcurrentHashMap<>();
  private final AtomicLong lastSampleMillis = new AtomicLong(NONE);
  private final StatusSince statusSince = new StatusSince();

  public ComputeDimensionJudge(GpuFreshness freshness, WorkloadClassifier classifier, long startedMillis) {
    if (freshness == null || classifier == null) {
      throw new IllegalArgumentException("freshness and classifier are required");
    }
    this.freshness = freshness;
    this.classifier = classifier;
    this.startedMillis = startedMillis;
  }

  @Override
  public Dimension dimension() {
    return Dimension.COMPUTE;
  }

  /** Whether samples of this metric name feed the compute dimension. */
  public static boolean watches(String metricName) {
    return DcgmField.of(metricName) != null;
  }

  public void observe(Sample sample) {
    DcgmField field = DcgmField.of(sample.name());
    if (field == null) {
      return;
    }
    GpuKey key = GpuKey.from(sample.labels());
    tracks.computeIfAbsent(key.physicalId(),
            id -> new GpuTrack(freshness, key, sample.labels(), sample.timestampMillis(), classifier))
        .observe(field, key, sample.name(), sample.labels(), sample.timestampMillis(), sample.value(), classifier);
    lastSampleMillis.accumulateAndGet(sample.timestampMillis(), Math::max);
  }

  public void observe(List<Sample> samples) {
    for (Sample s : samples) observe(s);
  }

  @Override
  public synchronized DimensionHealth judge(long nowMillis) {
    long last = lastSampleMillis.get();
    if (last == NONE) {
      return statusSince.stamp(DimensionHealth.noData(
          "no GPU telemetry received for compute since " + instant(startedMillis), startedMillis), nowMillis);
    }
    if (nowMillis - last > freshness.staleAfter().toMillis()) {
      return statusSince.stamp(DimensionHealth.noData(
          "no GPU telemetry received for compute since " + instant(last), last), nowMillis);
    }
    List<Finding> findings = new ArrayList<>();
    Set<String> eccMissing = new TreeSet<>();
    Set<String> eccBlank = new TreeSet<>();
    for (GpuTrack track : current(nowMillis)) {
      GpuState state = track.state(nowMillis);
      findings.addAll(state.findings());
      if (state.stale()) continue;
      if (track.eccMissing()) eccMissing.add(state.key().host());
      if (track.eccOnlyBlank()) eccBlank.add(state.key().host());
    }
    List<String> notes = new ArrayList<>();
    if (!eccMissing.isEmpty()) {
      notes.add("ECC errors not exported by dcgm-exporter on " + nodes(eccMissing) + ": use the counters file "
          + COUNTERS_FILE);
    }
    if (!eccBlank.isEmpty()) {
      notes.add("ECC error counts are blank on " + nodes(eccBlank)
          + ": ECC is disabled or not supported, so double-bit errors cannot be judged there");
    }
    return statusSince.stamp(DimensionHealth.fromFindings(findings, notes, nowMillis), nowMillis);
  }

  /** Every GPU seen within the forget window, by node then GPU index, as the UI shows them. */
  public List<GpuState> gpus(long nowMillis) {
    return current(nowMillis).stream()
        .map(t -> t.state(nowMillis))
        .sorted(Comparator.comparing((GpuState s) -> s.key().host())
            .thenComparing(s -> s.key().gpu(), ComputeDimensionJudge::compareIndex)
            .thenComparing(s -> s.key().physicalId()))
        .toList();
  }

  /**
   * As {@link #gpus(long)}, each GPU's status and reasons being those of the firing alerts about
   * it: those labelled with its UUID, or with its Hostname and gpu when the exporter gives no UUID.
   * A stale GPU is a warning at least (its data stopped: no threshold says so), its stale reason
   * first.
   */
  public List<GpuState> gpus(long nowMillis, List<Alert> alerts) {
    List<GpuState> out = new ArrayList<>();
    for (GpuState g : gpus(nowMillis)) {
      Map<String, String> subject = Checks.UNKNOWN.equals(g.key().uuid())
          ? Map.of("Hostname", g.key().host(), "gpu", g.key().gpu())
          : Map.of("UUID", g.key().uuid());
      List<String> reasons = new ArrayList<>(g.reasons());
      reasons.addAll(AlertHealth.reasonsOfSubject(alerts, subject));
      HealthStatus status = AlertHealth.ofSubject(alerts, subject);
      if (g.stale()) status = status.worst(g.status());
      out.add(new GpuState(g.key(), g.workloadClass(), g.signals(), status, g.stale(), reasons, g.notes(),
          g.findings()));
    }
    return out;
  }

  /** The live tracks; GPUs silent past the forget window are dropped on the way. */
  private List<GpuTrack> current(long nowMillis) {
    long forget = freshness.forgetAfter().toMillis();
    tracks.values().removeIf(t -> nowMillis - t.lastSeenMillis() > forget);
    return new ArrayList<>(tracks.values());
  }

  private static String nodes(Set<String> hosts) {
    List<String> list = new ArrayList<>(hosts);
    String shown = String.join(", ", list.subList(0, Math.min(5, list.size())));
    String more = list.size() > 5 ? " and " + (list.size() - 5) + " more" : "";
    return (list.size() == 1 ? "node " : "nodes ") + shown + more;
  }

  /** GPU indexes sort as numbers (2 before 10). */
  private static int compareIndex(String a, String b) {
    try {
      return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
    } catch (NumberFormatException e) {
      return a.compareTo(b);
    }
  }
}
