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

/**
 * The GPU signals the compute rules read, derived at query time from dcgm-exporter's series, so
 * live evaluation and backtests over stored history see the same values. Each carries the labels
 * Loupe's {@code /metrics} uses for GPUs ({@code Hostname}, {@code gpu}, {@code UUID},
 * {@code modelName}, {@code workload}, and {@code namespace}/{@code pod} when known), whatever
 * the exporter version called them; dcgm's blank sentinels are missing values, not readings.
 * Every other name goes to the wrapped source.
 *
 * <ul>
 *   <li>{@code loupe_gpu_utilization_ratio}: {@code DCGM_FI_DEV_GPU_UTIL} / 100;
 *   <li>{@code loupe_gpu_framebuffer_used_ratio}: used / (used + free + reserved) of one scrape;
 *   <li>{@code loupe_gpu_temperature_celsius}: {@code DCGM_FI_DEV_GPU_TEMP};
 *   <li>{@code loupe_gpu_ecc_dbe_errors_total}: {@code DCGM_FI_DEV_ECC_DBE_VOL_TOTAL};
 *   <li>{@code loupe_gpu_xid_errors_total{xid}}: {@code DCGM_EXP_XID_ERRORS_TOTAL} where the
 *       exporter counts XIDs per code, else a count per code built from
 *       {@code DCGM_FI_DEV_XID_ERRORS} (the last code only): each change to a non-zero code is
 *       one more of it. A code already there at the first point of the range is not counted:
 *       when it happened is unknown.
 * </ul>
 */
public final class GpuRuleSignals implements SignalSource {
  public static final String UTILIZATION = "loupe_gpu_utilization_ratio";
  public static final String FRAMEBUFFER = "loupe_gpu_framebuffer_used_ratio";
  public static final String TEMPERATURE = "loupe_gpu_temperature_celsius";
  public static final String ECC_DBE = "loupe_gpu_ecc_dbe_errors_total";
  public static final String XID = "loupe_gpu_xid_errors_total";

  private static final Map<String, List<String>> RAW = Map.of(
      UTILIZATION, List.of("DCGM_FI_DEV_GPU_UTIL"),
      FRAMEBUFFER, List.of("DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_FB_RESERVED"),
      TEMPERATURE, List.of("DCGM_FI_DEV_GPU_TEMP"),
      ECC_DBE, List.of("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL"),
      XID, List.of("DCGM_EXP_XID_ERRORS_TOTAL", "DCGM_FI_DEV_XID_ERRORS"));

  private final SignalSource inner;
  private final WorkloadClassifier classifier;

  public GpuRuleSignals(SignalSource inner, WorkloadClassifier classifier) {
    this.inner = inner;
    this.classifier = classifier;
  }

  /** The raw metric names a derived name is computed from; the name itself when it is not derived. */
  public static List<String> rawInputs(String name) {
    return RAW.getOrDefault(name, List.of(name));
  }

  @Override
  public List<RangeSeries> range(SeriesSelector selector, long fromMillis, long toMillis) {
    String name = selector.metricName();
    if (!RAW.containsKey(name)) return inner.range(selector, fromMillis, toMillis);
    List<RangeSeries> out = switch (name) {
      case UTILIZATION -> scaled(raw("DCGM_FI_DEV_GPU_UTIL", fromMillis, toMillis), name, 0.01);
      case TEMPERATURE -> scaled(raw("DCGM_FI_DEV_GPU_TEMP", fromMillis, toMillis), name, 1);
      case ECC_DBE -> scaled(raw("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", fromMillis, toMillis), name, 1);
      case FRAMEBUFFER -> framebuffer(fromMillis, toMillis);
      default -> xid(fromMillis, toMillis);
    };
    List<RangeSeries> matching = new ArrayList<>();
    for (RangeSeries s : out) if (selector.matches(s.labels())) matching.add(s);
    return matching;
  }

  private List<RangeSeries> raw(String name, long from, long to) {
    return inner.range(new SeriesSelector(name, List.of()), from, to);
  }

  /** The GPU labels of a raw series, under /metrics' names. */
  private SortedMap<String, String> labels(String name, Map<String, String> raw) {
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
    Map<String, String> view = new HashMap<>(raw);
    putOrRemove(view, "namespace", k.namespace());
    putOrRemove(view, "pod", k.pod());
    putOrRemove(view, "container", k.container());
    out.put("workload", classifier.classify(view).wireName());
    return out;
  }

  private List<RangeSeries> scaled(List<RangeSeries> raw, String name, double factor) {
    Map<SortedMap<String, String>, List<RangeSeries.Point>> out = new LinkedHashMap<>();
    for (RangeSeries s : raw) {
      List<RangeSeries.Point> points = out.computeIfAbsent(labels(name, s.labels()), k -> new ArrayList<>());
      for (RangeSeries.Point p : s.points()) {
        if (!DcgmBlankValues.isBlank(p.value()) && !Double.isNaN(p.value())) {
          points.add(new RangeSeries.Point(p.timeMillis(), p.value() * factor));
        }
      }
    }
    return series(out);
  }

  private List<RangeSeries> framebuffer(long from, long to) {
    // used, free and reserved of one GPU and one scrape share a timestamp.
    Map<SortedMap<String, String>, TreeMap<Long, double[]>> parts = new LinkedHashMap<>();
    String[] names = {"DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_FB_RESERVED"};
    for (int i = 0; i < names.length; i++) {
      for (RangeSeries s : raw(names[i], from, to)) {
        TreeMap<Long, double[]> byTime = parts.computeIfAbsent(labels(FRAMEBUFFER, s.labels()), k -> new TreeMap<>());
        for (RangeSeries.Point p : s.points()) {
          if (DcgmBlankValues.isBlank(p.value()) || Double.isNaN(p.value())) continue;
          byTime.computeIfAbsent(p.timeMillis(), t -> new double[] {Double.NaN, Double.NaN, 0})[i] = p.value();
        }
      }
    }
    Map<SortedMap<String, String>, List<RangeSeries.Point>> out = new LinkedHashMap<>();
    parts.forEach((labels, byTime) -> {
      List<RangeSeries.Point> points = new ArrayList<>();
      byTime.forEach((t, v) -> {
        double total = v[0] + v[1] + v[2];
        if (!Double.isNaN(total) && total > 0) points.add(new RangeSeries.Point(t, v[0] / total));
      });
      out.put(labels, points);
    });
    return series(out);
  }

  private List<RangeSeries> xid(long from, long to) {
    Map<SortedMap<String, String>, List<RangeSeries.Point>> out = new LinkedHashMap<>();
    java.util.Set<String> counted = new java.util.HashSet<>();
    for (RangeSeries s : raw("DCGM_EXP_XID_ERRORS_TOTAL", from, to)) {
      SortedMap<String, String> l = labels(XID, s.labels());
      String code = s.labels().getOrDefault("xid", s.labels().getOrDefault("err_code", "unknown"));
      counted.add(gpuOf(l));
      l.put("xid", code);
      out.computeIfAbsent(l, k -> new ArrayList<>()).addAll(s.points());
    }
    for (RangeSeries s : raw("DCGM_FI_DEV_XID_ERRORS", from, to)) {
      SortedMap<String, String> gpu = labels(XID, s.labels());
      if (counted.contains(gpuOf(gpu))) continue; // the exporter's own counts are better
      Map<String, Double> counts = new HashMap<>();
      Double last = null;
      for (RangeSeries.Point p : s.points()) {
        double v = p.value();
        if (DcgmBlankValues.isBlank(v) || Double.isNaN(v)) continue;
        if (last == null) {
          last = v;
          if (v != 0) point(out, gpu, code(v), p.timeMillis(), counts.merge(code(v), 0.0, Double::sum));
          continue;
        }
        if (v != last && v != 0) {
          // A point just before, at the old count, so that the series' increase shows this one.
          double before = counts.getOrDefault(code(v), 0.0);
          point(out, gpu, code(v), p.timeMillis() - 1, before);
          point(out, gpu, code(v), p.timeMillis(), counts.merge(code(v), 1.0, Double::sum));
        }
        else if (v != 0) point(out, gpu, code(v), p.timeMillis(), counts.getOrDefault(code(v), 0.0));
        last = v;
      }
    }
    return series(out);
  }

  private static String code(double v) {
    return String.valueOf((long) v);
  }

  private static void point(Map<SortedMap<String, String>, List<RangeSeries.Point>> out, SortedMap<String, String> gpu,
      String code, long t, double v) {
    SortedMap<String, String> l = new TreeMap<>(gpu);
    l.put("xid", code);
    out.computeIfAbsent(l, k -> new ArrayList<>()).add(new RangeSeries.Point(t, v));
  }

  private static String gpuOf(Map<String, String> l) {
    return l.get("Hostname") + "/" + l.get("gpu") + "/" + l.get("UUID");
  }

  private static List<RangeSeries> series(Map<SortedMap<String, String>, List<RangeSeries.Point>> byLabels) {
    List<RangeSeries> out = new ArrayList<>();
    byLabels.forEach((labels, points) -> {
      if (points.isEmpty()) return;
      points.sort((a, b) -> Long.compare(a.timeMillis(), b.timeMillis()));
      out.add(new RangeSeries(labels, points));
    });
    return out;
  }

  private static void putOrRemove(Map<String, String> map, String name, String value) {
    if (value == null) map.remove(name);
    else map.put(name, value);
  }
}
