package dev.loupe.dimension.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.loupe.model.RangeSeries;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class GpuSpendTest {
  static final long T = 1_795_860_000_000L; // 2026-11-28T10:00:00Z
  static final long MIN = 60_000;
  static final PriceCatalog CATALOG = new PriceCatalog(List.of(), List.of(
      HourlyPrice.of("NVIDIA H100 80GB HBM3", 4.0),
      new HourlyPrice("NVIDIA H100 80GB HBM3", null, LocalDate.parse("2026-11-29"), 2.0, null, false, null)),
      List.of());

  static RangeSeries gpu(String host, String gpu, String model, String workload, String cluster, long... timeAndPercent) {
    TreeMap<String, String> l = new TreeMap<>(Map.of("Hostname", host, "gpu", gpu, "UUID", "GPU-" + host + gpu,
        "modelName", model, "workload", workload));
    if (cluster != null) l.put("cluster", cluster);
    List<RangeSeries.Point> points = new ArrayList<>();
    for (int i = 0; i < timeAndPercent.length; i += 2) {
      points.add(new RangeSeries.Point(timeAndPercent[i], timeAndPercent[i + 1] / 100.0));
    }
    return new RangeSeries(l, points);
  }

  @Test
  void aReadingCountsUntilTheNextOneAtMostFiveMinutesAndIdleTimeIsWaste() {
    // Busy for 10 minutes, idle for 20, then silent for 30 (a gap longer than 5 minutes is not paid).
    RangeSeries s = gpu("n1", "0", "NVIDIA H100 80GB HBM3", "training", "a",
        T, 90, T + 5 * MIN, 90, T + 10 * MIN, 5, T + 15 * MIN, 2, T + 20 * MIN, 4, T + 25 * MIN, 3, T + 60 * MIN, 80);
    GpuSpend.Gpu g = GpuSpend.of(List.of(s), CATALOG, T, T + 60 * MIN, GpuSpend.IDLE_BELOW).get(0);
    assertThat(g.hours()).isCloseTo(30 / 60.0, within(1e-12));
    assertThat(g.idleHours()).isCloseTo(20 / 60.0, within(1e-12));
    assertThat(g.spend()).isCloseTo(2.0, within(1e-12));
    assertThat(g.waste()).isCloseTo(4.0 * 20 / 60, within(1e-12));
    assertThat(g.cluster()).isEqualTo("a");
    assertThat(g.hourly()).isEqualTo(4.0);
  }

  @Test
  void timeIsClippedToTheRangeAndTheReadingBeforeItCounts() {
    RangeSeries s = gpu("n1", "0", "NVIDIA H100 80GB HBM3", "inference", null, T - 2 * MIN, 50, T + MIN, 50);
    GpuSpend.Gpu g = GpuSpend.of(List.of(s), CATALOG, T, T + 2 * MIN, 0.1).get(0);
    assertThat(g.hours()).as("from the start to the end, not before").isCloseTo(2 / 60.0, within(1e-12));
    assertThat(g.cluster()).isEqualTo("unknown");
  }

  @Test
  void thePriceInForceAtEachMomentPricesItAndAnUnpricedModelIsNotFree() {
    long midnight = T + 14 * 60 * MIN; // 2026-11-29T00:00Z, when the price halves
    List<Long> points = new ArrayList<>();
    for (long t = midnight - 60 * MIN; t < midnight + 60 * MIN; t += MIN) {
      points.add(t);
      points.add(50L);
    }
    long[] arr = points.stream().mapToLong(Long::longValue).toArray();
    List<GpuSpend.Gpu> gpus = GpuSpend.of(List.of(gpu("n1", "0", "NVIDIA H100 80GB HBM3", "inference", "a", arr),
        gpu("n2", "0", "Future GPU", "inference", "b", arr)), CATALOG, midnight - 60 * MIN, midnight + 60 * MIN, 0.1);
    assertThat(gpus.get(0).spend()).isCloseTo(4.0 + 2.0, within(1e-9));
    assertThat(gpus.get(1).hourly()).isNull();
    assertThat(gpus.get(1).spend()).isEqualTo(0.0);
    GpuSpend.Total b = GpuSpend.totals(gpus, List.of("cluster")).get(1);
    assertThat(b.unpricedGpus()).isEqualTo(1);
    assertThat(b.wasteShare()).isNaN();
  }

  @Test
  void seriesOfOneGpuFromTwoJobsArePaidOnce() {
    RangeSeries a = gpu("n1", "0", "NVIDIA H100 80GB HBM3", "inference", "a", T, 5, T + 15_000, 5);
    RangeSeries b = gpu("n1", "0", "NVIDIA H100 80GB HBM3", "inference", "a", T, 5, T + 30_000, 5);
    List<GpuSpend.Gpu> gpus = GpuSpend.of(List.of(a, b), CATALOG, T, T + 45_000, 0.1);
    assertThat(gpus).hasSize(1);
    assertThat(gpus.get(0).hours()).isCloseTo(45 / 3600.0, within(1e-12));
    GpuSpend.Total all = GpuSpend.totals(gpus, List.of()).get(0);
    assertThat(all.wasteShare()).isEqualTo(1.0);
  }
}
