package dev.loupe.dimension.cost;

import dev.loupe.model.Checks;
import dev.loupe.model.RangeSeries;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What GPUs cost over a range: each GPU's hours (from its utilization readings: a reading counts
 * until the next one, at most {@link #MAX_GAP_MILLIS}, as Prometheus stops carrying a sample
 * forward after 5 minutes) times the hourly price of its model ({@code modelName}) in force at
 * that time, and the part of it spent while utilization was under {@code idleBelow}: the waste.
 * A GPU whose model has no price has hours but no spend ({@code hourly} null), never $0 silently.
 * Pure: the caller passes the utilization series ({@code loupe_gpu_utilization_ratio}, 0 to 1,
 * with the labels {@code Hostname}, {@code gpu}, {@code UUID}, {@code modelName}, {@code workload}
 * and, when scraped with one, {@code cluster}).
 *
 * <pre>{@code
 * List<GpuSpend.Gpu> gpus = GpuSpend.of(utilization, catalog, from, to, GpuSpend.IDLE_BELOW);
 * List<GpuSpend.Total> byCluster = GpuSpend.totals(gpus, List.of("cluster"));
 * }</pre>
 */
public final class GpuSpend {
  /** A reading counts until the next one, at most this long (Prometheus' staleness). */
  public static final long MAX_GAP_MILLIS = 5 * 60_000;
  /** Utilization under which a GPU's time is waste, unless configured otherwise. */
  public static final double IDLE_BELOW = 0.10;
  private static final double HOUR = 3_600_000.0;
  /** The labels totals can be grouped by, as the API names them. */
  public static final List<String> GROUPS = List.of("node", "gpu_model", "workload", "cluster");

  private GpuSpend() {}

  /** One GPU's time and spend over the range; {@code hourly} is its price at the range's end, null when unpriced. */
  public record Gpu(
      String node, String gpu, String uuid, String gpuModel, String workload, String cluster, double hours,
      double idleHours, Double hourly, double spend, double waste) {
    /** The value of a grouping label of {@link #GROUPS}. */
    public String label(String name) {
      return switch (name) {
        case "node" -> node;
        case "gpu_model" -> gpuModel;
        case "workload" -> workload;
        case "cluster" -> cluster;
        default -> throw new IllegalArgumentException("cannot group GPU spend by '" + name + "'; one of " + GROUPS);
      };
    }

    public boolean priced() {
      return hourly != null;
    }
  }

  /** The sum over a group of GPUs; {@code unpricedGpus} counts those without a price. */
  public record Total(
      Map<String, String> group, int gpus, int unpricedGpus, double hours, double idleHours, double spend,
      double waste) {
    /** The share of spend that is waste; NaN without spend. */
    public double wasteShare() {
      return spend > 0 ? waste / spend : Double.NaN;
    }
  }

  /** Every GPU's spend over {@code [fromMillis, toMillis)}, the most spent first. */
  public static List<Gpu> of(
      List<RangeSeries> utilization, PriceCatalog catalog, long fromMillis, long toMillis, double idleBelow) {
    // Series naming one GPU alike (two scrape jobs, another pod) merge: a GPU is paid once.
    Map<String, TreeMap<Long, Double>> readings = new LinkedHashMap<>();
    Map<String, Map<String, String>> labelsOf = new HashMap<>();
    for (RangeSeries s : utilization) {
      Map<String, String> l = s.labels();
      String id = l.getOrDefault("Hostname", "") + "/" + l.getOrDefault("gpu", "") + "/" + l.getOrDefault("UUID", "")
          + "/" + l.getOrDefault("GPU_I_ID", "");
      labelsOf.putIfAbsent(id, l);
      TreeMap<Long, Double> byTime = readings.computeIfAbsent(id, k -> new TreeMap<>());
      for (RangeSeries.Point p : s.points()) {
        if (!Double.isNaN(p.value())) byTime.put(p.timeMillis(), p.value());
      }
    }
    Map<String, HourlyPrice> priceByDay = new HashMap<>();
    List<Gpu> out = new ArrayList<>();
    readings.forEach((id, byTime) -> {
      if (byTime.isEmpty()) return;
      Map<String, String> l = labelsOf.get(id);
      String model = l.getOrDefault("modelName", Checks.UNKNOWN);
      double hours = 0;
      double idle = 0;
      double spend = 0;
      double waste = 0;
      boolean priced = true;
      Map.Entry<Long, Double> e = byTime.firstEntry();
      while (e != null) {
        Map.Entry<Long, Double> next = byTime.higherEntry(e.getKey());
        long until = Math.min(next == null ? toMillis : next.getKey(), e.getKey() + MAX_GAP_MILLIS);
        long from = Math.max(e.getKey(), fromMillis);
        long to = Math.min(until, toMillis);
        if (to > from) {
          double h = (to - from) / HOUR;
          boolean isIdle = e.getValue() < idleBelow;
          hours += h;
          if (isIdle) idle += h;
          HourlyPrice price = priceAt(catalog, model, from, priceByDay);
          if (price == null) {
            priced = false;
          } else {
            spend += price.cost(h);
            if (isIdle) waste += price.cost(h);
          }
        }
        e = next;
      }
      if (hours == 0) return;
      HourlyPrice last = priceAt(catalog, model, toMillis - 1, priceByDay);
      out.add(new Gpu(l.getOrDefault("Hostname", Checks.UNKNOWN), l.getOrDefault("gpu", Checks.UNKNOWN),
          l.getOrDefault("UUID", Checks.UNKNOWN), model, l.getOrDefault("workload", Checks.UNKNOWN),
          l.getOrDefault("cluster", Checks.UNKNOWN), hours, idle,
          priced && last != null ? last.hourly() : null, spend, waste));
    });
    out.sort(Comparator.comparingDouble(Gpu::spend).reversed().thenComparing(Gpu::node).thenComparing(Gpu::gpu));
    return out;
  }

  /** The GPUs summed per group of {@code groupBy} labels (of {@link #GROUPS}), the most spent first. */
  public static List<Total> totals(List<Gpu> gpus, List<String> groupBy) {
    for (String g : groupBy) {
      if (!GROUPS.contains(g)) throw new IllegalArgumentException("cannot group GPU spend by '" + g + "'; one of " + GROUPS);
    }
    Map<Map<String, String>, double[]> sums = new LinkedHashMap<>();
    for (Gpu g : gpus) {
      Map<String, String> key = new TreeMap<>();
      for (String name : groupBy) key.put(name, g.label(name));
      double[] s = sums.computeIfAbsent(key, k -> new double[6]);
      s[0]++;
      if (!g.priced()) s[1]++;
      s[2] += g.hours();
      s[3] += g.idleHours();
      s[4] += g.spend();
      s[5] += g.waste();
    }
    List<Total> out = new ArrayList<>();
    sums.forEach((k, s) -> out.add(new Total(k, (int) s[0], (int) s[1], s[2], s[3], s[4], s[5])));
    out.sort(Comparator.comparingDouble(Total::spend).reversed());
    return out;
  }

  /** The price in force on the UTC day of {@code t}, looked up once per model and day. */
  private static HourlyPrice priceAt(PriceCatalog catalog, String model, long t, Map<String, HourlyPrice> cache) {
    String key = model + '\u0000' + Math.floorDiv(t, 86_400_000L);
    if (cache.containsKey(key)) return cache.get(key);
    HourlyPrice p = catalog.gpuPrice(model, t).orElse(null);
    cache.put(key, p);
    return p;
  }
}
