package dev.loupe.dimension.compute;

import dev.loupe.model.RangeSeries;
import dev.loupe.model.SeriesSelector;
import dev.loupe.rule.SignalSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The GPU signals the compute rules of the built-in pack read, derived at query time from the raw
 * dcgm-exporter series of the wrapped source, so live evaluation and backtests over stored history
 * see the same values. Every other name goes to the wrapped source unchanged.
 *
 * <p>Each derived series carries the labels Loupe's {@code /metrics} uses for GPUs, whatever the
 * exporter version called them ({@link GpuKey}): {@code Hostname}, {@code gpu}, {@code UUID},
 * {@code modelName}, {@code workload} (training or inference, by the {@link WorkloadClassifier}),
 * and {@code GPU_I_ID}, {@code namespace}, {@code pod} and {@code cluster} when known. A rule's label matchers apply
 * to these labels. DCGM's blank sentinels and NaN are missing values, not readings.
 *
 * <ul>
 *   <li>{@code loupe_gpu_utilization_ratio}: {@code DCGM_FI_DEV_GPU_UTIL} / 100.
 *   <li>{@code loupe_gpu_framebuffer_used_ratio}: used / (used + free + reserved), the three of one
 *       scrape (timestamps within a second of each other); reserved counts 0 when not exported.
 *   <li>{@code loupe_gpu_temperature_celsius}: {@code DCGM_FI_DEV_GPU_TEMP}.
 *   <li>{@code loupe_gpu_ecc_dbe_errors_total}: {@code DCGM_FI_DEV_ECC_DBE_VOL_TOTAL}; for a GPU
 *       that does not export the volatile counter, the lifetime one ({@code …_AGG_TOTAL}), so that
 *       one error is not counted twice.
 *   <li>{@code loupe_gpu_xid_errors_total{xid}}: a counter per XID code, from the best source the
 *       GPU has in the range: the exporter's own counter {@code DCGM_EXP_XID_ERRORS_TOTAL{xid}};
 *       else its sliding-window count {@code DCGM_EXP_XID_ERRORS_COUNT{xid}}, whose rises are new
 *       XIDs (a fall is the window moving on); else {@code DCGM_FI_DEV_XID_ERRORS}, the code of
 *       the last XID only, where each change to a non-zero code is one more of that code. The
 *       built counts start at 0 at the first point of the range, so a code already there then is
 *       not counted (when it happened is unknown): a window read alone and the same window cut
 *       out of a longer read rise alike.
 * </ul>
 *
 * <pre>{@code
 * SignalSource source = new GpuRuleSignals(new StoreSignalSource(store, recent), config.classifier());
 * }</pre>
 */
public final class GpuRuleSignals implements SignalSource {
  public static final String UTILIZATION = "loupe_gpu_utilization_ratio";
  public static final String FRAMEBUFFER = "loupe_gpu_framebuffer_used_ratio";
  public static final String TEMPERATURE = "loupe_gpu_temperature_celsius";
  public static final String ECC_DBE = "loupe_gpu_ecc_dbe_errors_total";
  public static final String XID = "loupe_gpu_xid_errors_total";

  /** Framebuffer samples of one scrape carry one timestamp; allow for receivers that jitter. */
  static final long SAME_SCRAPE_MILLIS = 1_000;

  private static final Map<String, List<DcgmField>> RAW = Map.of(
      UTILIZATION, List.of(DcgmField.GPU_UTIL),
      FRAMEBUFFER, List.of(DcgmField.FB_USED, DcgmField.FB_FREE, DcgmField.FB_RESERVED),
      TEMPERATURE, List.of(DcgmField.GPU_TEMP),
      ECC_DBE, List.of(DcgmField.ECC_DBE_VOLATILE, DcgmField.ECC_DBE_AGGREGATE),
      XID, List.of(DcgmField.XID_TOTAL, DcgmField.XID_WINDOW_COUNT, DcgmField.XID_LAST));

  private final SignalSource inner;
  private final WorkloadClassifier classifier;

  public GpuRuleSignals(SignalSource inner, WorkloadClassifier classifier) {
    if (inner == null || classifier == null) throw new IllegalArgumentException("source and classifier are required");
    this.inner = inner;
    this.classifier = classifier;
  }

  /** Whether the name is one this source derives. */
  public static boolean derives(String name) {
    return RAW.containsKey(name);
  }

  /** The raw metric names a derived name is computed from; the name itself when it is not derived. */
  public static List<String> rawInputs(String name) {
    List<DcgmField> fields = RAW.get(name);
    return fields == null ? List.of(name) : fields.stream().map(f -> f.metricName).toList();
  }

  @Override
  public List<RangeSeries> range(SeriesSelector selector, long fromMillis, long toMillis) {
    String name = selector.metricName();
    if (!derives(name)) return inner.range(selector, fromMillis, toMillis);
    Derived out = new Derived(name);
    switch (name) {
      case UTILIZATION -> gauge(out, raw(DcgmField.GPU_UTIL, fromMillis, toMillis), 0.01);
      case TEMPERATURE -> gauge(out, raw(DcgmField.GPU_TEMP, fromMillis, toMillis), 1);
      case FRAMEBUFFER -> framebuffer(out, fromMillis, toMillis);
      case ECC_DBE -> ecc(out, fromMillis, toMillis);
      default -> xid(out, fromMillis, toMillis);
    }
    return out.series(selector);
  }

  private List<RangeSeries> raw(DcgmField field, long from, long to) {
    return inner.range(new SeriesSelector(field.metricName, List.of()), from, to);
  }

  /** The derived series of one query, by their labels. */
  private final class Derived {
    final String name;
    final Map<SortedMap<String, String>, List<RangeSeries.Point>> byLabels = new LinkedHashMap<>();

    Derived(String name) {
      this.name = name;
    }

    /** The GPU labels of a raw series, under {@code /metrics}' names. */
    SortedMap<String, String> labels(Map<String, String> raw) {
      GpuKey k = GpuKey.from(raw);
      SortedMap<String, String> out = new TreeMap<>();
      out.put("__name__", name);
      out.put("Hostname", k.host());
      out.put("gpu", k.gpu());
      out.put("UUID", k.uuid());
      out.put("modelName", k.modelName());
      if (k.migInstance() != null) out.put("GPU_I_ID", k.migInstance());
      if (k.namespace() != null) out.put("namespace", k.namespace());
      if (k.pod() != null) out.put("pod", k.pod());
      // A scrape config's cluster label, which GPU spend and waste are shared out by.
      String cluster = raw.get("cluster");
      if (cluster != null && !cluster.isEmpty()) out.put("cluster", cluster);
      out.put("workload", classifier.classify(GpuTrack.workloadLabels(k, raw)).wireName());
      return out;
    }

    void add(SortedMap<String, String> labels, long t, double v) {
      byLabels.computeIfAbsent(labels, l -> new ArrayList<>()).add(new RangeSeries.Point(t, v));
    }

    /**
     * The series matching the selector, points in time order. Raw series that name one GPU alike
     * (an exporter upgrade renaming {@code hostname}, two scrape jobs) merge into one; of two points
     * at one time the later read is kept.
     */
    List<RangeSeries> series(SeriesSelector selector) {
      List<RangeSeries> out = new ArrayList<>();
      byLabels.forEach((labels, points) -> {
        if (points.isEmpty() || !selector.matches(labels)) return;
        TreeMap<Long, Double> byTime = new TreeMap<>();
        for (RangeSeries.Point p : points) byTime.put(p.timeMillis(), p.value());
        List<RangeSeries.Point> sorted = new ArrayList<>(byTime.size());
        byTime.forEach((t, v) -> sorted.add(new RangeSeries.Point(t, v)));
        out.add(new RangeSeries(labels, sorted));
      });
      return out;
    }
  }

  private static boolean reading(double v) {
    return !DcgmBlankValues.isBlank(v);
  }

  private static void gauge(Derived out, List<RangeSeries> raw, double factor) {
    for (RangeSeries s : raw) {
      SortedMap<String, String> labels = out.labels(s.labels());
      for (RangeSeries.Point p : s.points()) {
        if (reading(p.value())) out.add(labels, p.timeMillis(), p.value() * factor);
      }
    }
  }

  private void framebuffer(Derived out, long from, long to) {
    Map<SortedMap<String, String>, TreeMap<Long, Double>> used = readings(out, raw(DcgmField.FB_USED, from, to));
    Map<SortedMap<String, String>, TreeMap<Long, Double>> free = readings(out, raw(DcgmField.FB_FREE, from, to));
    Map<SortedMap<String, String>, TreeMap<Long, Double>> reserved =
        readings(out, raw(DcgmField.FB_RESERVED, from, to));
    used.forEach((labels, usedByTime) -> {
      TreeMap<Long, Double> freeByTime = free.get(labels);
      if (freeByTime == null) return;
      TreeMap<Long, Double> reservedByTime = reserved.getOrDefault(labels, new TreeMap<>());
      usedByTime.forEach((t, u) -> {
        Double f = sameScrape(freeByTime, t);
        if (f == null) return;
        Double r = sameScrape(reservedByTime, t);
        double total = u + f + (r == null ? 0 : r);
        if (total > 0) out.add(labels, t, u / total);
      });
    });
  }

  /** The readings of raw series by derived labels and time. */
  private static Map<SortedMap<String, String>, TreeMap<Long, Double>> readings(Derived out, List<RangeSeries> raw) {
    Map<SortedMap<String, String>, TreeMap<Long, Double>> byLabels = new HashMap<>();
    for (RangeSeries s : raw) {
      TreeMap<Long, Double> byTime = byLabels.computeIfAbsent(out.labels(s.labels()), l -> new TreeMap<>());
      for (RangeSeries.Point p : s.points()) {
        if (reading(p.value())) byTime.put(p.timeMillis(), p.value());
      }
    }
    return byLabels;
  }

  /** The value nearest to {@code t} within {@link #SAME_SCRAPE_MILLIS}, or null. */
  private static Double sameScrape(TreeMap<Long, Double> byTime, long t) {
    Map.Entry<Long, Double> below = byTime.floorEntry(t);
    Map.Entry<Long, Double> above = byTime.ceilingEntry(t);
    Map.Entry<Long, Double> best = below;
    if (best == null || (above != null && above.getKey() - t < t - best.getKey())) best = above;
    return best == null || Math.abs(best.getKey() - t) > SAME_SCRAPE_MILLIS ? null : best.getValue();
  }

  private void ecc(Derived out, long from, long to) {
    Derived volatileCounts = new Derived(ECC_DBE);
    gauge(volatileCounts, raw(DcgmField.ECC_DBE_VOLATILE, from, to), 1);
    TreeSet<String> withVolatile = new TreeSet<>();
    volatileCounts.byLabels.forEach((labels, points) -> {
      if (points.isEmpty()) return;
      withVolatile.add(gpuOf(labels));
      points.forEach(p -> out.add(labels, p.timeMillis(), p.value()));
    });
    Derived aggregate = new Derived(ECC_DBE);
    gauge(aggregate, raw(DcgmField.ECC_DBE_AGGREGATE, from, to), 1);
    aggregate.byLabels.forEach((labels, points) -> {
      if (withVolatile.contains(gpuOf(labels))) return;
      points.forEach(p -> out.add(labels, p.timeMillis(), p.value()));
    });
  }

  private void xid(Derived out, long from, long to) {
    TreeSet<String> covered = new TreeSet<>();
    // The exporter's counter per code: as it is.
    TreeSet<String> counted = new TreeSet<>();
    for (RangeSeries s : raw(DcgmField.XID_TOTAL, from, to)) {
      String code = xidCode(s.labels());
      if (code == null) continue;
      SortedMap<String, String> labels = withXid(out.labels(s.labels()), code);
      for (RangeSeries.Point p : s.points()) {
        if (!reading(p.value())) continue;
        out.add(labels, p.timeMillis(), p.value());
        counted.add(gpuOf(labels));
      }
    }
    covered.addAll(counted);
    // The sliding-window count per code: its rises, summed.
    TreeSet<String> windowed = new TreeSet<>();
    for (RangeSeries s : raw(DcgmField.XID_WINDOW_COUNT, from, to)) {
      String code = xidCode(s.labels());
      if (code == null) continue;
      SortedMap<String, String> labels = withXid(out.labels(s.labels()), code);
      if (covered.contains(gpuOf(labels))) continue;
      double count = 0;
      double previous = Double.NaN;
      for (RangeSeries.Point p : s.points()) {
        if (!reading(p.value())) continue;
        if (!Double.isNaN(previous) && p.value() > previous) count += p.value() - previous;
        previous = p.value();
        out.add(labels, p.timeMillis(), count);
        windowed.add(gpuOf(labels));
      }
    }
    covered.addAll(windowed);
    // The last code: each change to a non-zero code is one more of it.
    for (RangeSeries s : raw(DcgmField.XID_LAST, from, to)) {
      SortedMap<String, String> gpu = out.labels(s.labels());
      if (covered.contains(gpuOf(gpu))) continue;
      lastCodeCounts(out, gpu, s.points());
    }
  }

  /** Counts per code from a last-code gauge; every code seen gets a point at each of the gauge's points. */
  private static void lastCodeCounts(Derived out, SortedMap<String, String> gpu, List<RangeSeries.Point> points) {
    List<RangeSeries.Point> readings = new ArrayList<>();
    TreeSet<Long> codes = new TreeSet<>();
    for (RangeSeries.Point p : points) {
      if (!reading(p.value())) continue;
      readings.add(p);
      if ((long) p.value() != 0) codes.add((long) p.value());
    }
    Map<Long, Double> counts = new HashMap<>();
    Long last = null;
    for (RangeSeries.Point p : readings) {
      long code = (long) p.value();
      if (last != null && code != last && code != 0) counts.merge(code, 1.0, Double::sum);
      last = code;
      for (long c : codes) out.add(withXid(gpu, Long.toString(c)), p.timeMillis(), counts.getOrDefault(c, 0.0));
    }
  }

  /** dcgm-exporter names the code {@code xid}; {@code err_code} is accepted too. Code 0 is no XID. */
  private static String xidCode(Map<String, String> labels) {
    String s = labels.get("xid");
    if (s == null) s = labels.get("err_code");
    if (s == null) return null;
    try {
      long code = Long.parseLong(s.trim());
      return code == 0 ? null : Long.toString(code);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static SortedMap<String, String> withXid(SortedMap<String, String> gpu, String code) {
    SortedMap<String, String> l = new TreeMap<>(gpu);
    l.put("xid", code);
    return l;
  }

  /** The physical GPU (or MIG instance) of derived labels, whatever its pod. */
  private static String gpuOf(Map<String, String> l) {
    return l.get("Hostname") + "/" + l.get("gpu") + "/" + l.get("UUID") + "/" + l.getOrDefault("GPU_I_ID", "");
  }
}
