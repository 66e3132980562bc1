package dev.loupe.dimension.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.loupe.model.LabelMatcher;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.Sample;
import dev.loupe.model.SeriesSelector;
import dev.loupe.rule.Aggregation;
import dev.loupe.rule.SampleSignals;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The loupe_gpu_* signals the compute rules read, derived from raw dcgm-exporter samples. */
class GpuRuleSignalsTest {
  static final long T0 = 1_764_000_000_000L;
  static final String UUID = "GPU-c2f76b33-7953-256e-8f33-1343419b1a1c";

  final List<Sample> samples = new ArrayList<>();
  final WorkloadClassifier classifier = new WorkloadClassifier(
      List.of(new WorkloadClassRule("namespace", "ml-train.*", WorkloadClass.TRAINING)), WorkloadClass.INFERENCE);

  static Map<String, String> gpu(String... extra) {
    Map<String, String> l = new TreeMap<>(Map.of("Hostname", "gpu-node-1", "gpu", "0", "UUID", UUID,
        "modelName", "NVIDIA H100 80GB HBM3", "device", "nvidia0", "pci_bus_id", "00000000:31:00.0"));
    for (int i = 0; i < extra.length; i += 2) l.put(extra[i], extra[i + 1]);
    return l;
  }

  void add(String metric, Map<String, String> labels, long atSeconds, double value) {
    samples.add(new Sample(metric, labels, T0 + atSeconds * 1000, value));
  }

  void addMillis(String metric, Map<String, String> labels, long atMillis, double value) {
    samples.add(new Sample(metric, labels, T0 + atMillis, value));
  }

  List<RangeSeries> read(String selector, long fromSeconds, long toSeconds) {
    return new GpuRuleSignals(new SampleSignals(samples), classifier)
        .range(SeriesSelector.parse(selector), T0 + fromSeconds * 1000, T0 + toSeconds * 1000);
  }

  static List<Double> values(RangeSeries s) {
    return s.points().stream().map(RangeSeries.Point::value).toList();
  }

  @Test
  void utilizationIsARatioUnderMetricsLabelsWithItsWorkloadClass() {
    // An older exporter: hostname and uuid in lower case; Prometheus renamed the pod labels.
    Map<String, String> old = new TreeMap<>(Map.of("hostname", "gpu-node-1", "gpu", "0", "uuid", UUID,
        "modelName", "NVIDIA H100 80GB HBM3", "namespace", "gpu-operator", "pod", "nvidia-dcgm-exporter-x",
        "exported_namespace", "ml-train-a", "exported_pod", "trainer-0"));
    add("DCGM_FI_DEV_GPU_UTIL", old, 0, 25);
    add("DCGM_FI_DEV_GPU_UTIL", old, 15, 40);
    add("DCGM_FI_DEV_GPU_UTIL", gpu("Hostname", "gpu-node-2", "namespace", "serving"), 15, 5);

    List<RangeSeries> all = read("loupe_gpu_utilization_ratio", -1, 60);
    assertThat(all).hasSize(2);
    RangeSeries trainer = all.stream().filter(s -> s.labels().get("Hostname").equals("gpu-node-1")).findFirst().orElseThrow();
    assertThat(trainer.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("__name__", "loupe_gpu_utilization_ratio",
        "Hostname", "gpu-node-1", "gpu", "0", "UUID", UUID, "modelName", "NVIDIA H100 80GB HBM3",
        "namespace", "ml-train-a", "pod", "trainer-0", "workload", "training"));
    assertThat(values(trainer)).containsExactly(0.25, 0.40);

    // The rule's matchers apply to the derived labels.
    assertThat(read("loupe_gpu_utilization_ratio{workload=\"training\"}", -1, 60)).singleElement()
        .satisfies(s -> assertThat(s.labels()).containsEntry("pod", "trainer-0"));
    assertThat(read("loupe_gpu_utilization_ratio{workload=\"inference\", namespace=\"serving\"}", -1, 60))
        .singleElement().satisfies(s -> assertThat(values(s)).containsExactly(0.05));
    assertThat(read("loupe_gpu_utilization_ratio{hostname=\"gpu-node-1\"}", -1, 60))
        .as("the raw label names are not the signal's").isEmpty();
    assertThat(read("loupe_gpu_utilization_ratio", 0, 60)).as("(from, to]: the point at 0 is out")
        .filteredOn(s -> s.labels().get("Hostname").equals("gpu-node-1"))
        .singleElement().satisfies(s -> assertThat(values(s)).containsExactly(0.40));
  }

  @Test
  void otherNamesGoToTheWrappedSourceUnchanged() {
    add("DCGM_FI_DEV_GPU_TEMP", gpu(), 15, 61);
    add("node_load1", Map.of("instance", "n1"), 15, 3);
    assertThat(read("DCGM_FI_DEV_GPU_TEMP{hostname=\"\"}", 0, 60)).singleElement()
        .satisfies(s -> assertThat(s.labels()).containsEntry("pci_bus_id", "00000000:31:00.0"));
    assertThat(read("node_load1", 0, 60)).singleElement().satisfies(s -> assertThat(values(s)).containsExactly(3.0));
    assertThat(GpuRuleSignals.rawInputs("node_load1")).containsExactly("node_load1");
    assertThat(GpuRuleSignals.rawInputs(GpuRuleSignals.FRAMEBUFFER))
        .containsExactly("DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_FB_RESERVED");
    assertThat(GpuRuleSignals.rawInputs(GpuRuleSignals.XID))
        .containsExactly("DCGM_EXP_XID_ERRORS_TOTAL", "DCGM_EXP_XID_ERRORS_COUNT", "DCGM_FI_DEV_XID_ERRORS");
  }

  @Test
  void dcgmBlankSentinelsAndNaNAreNoReadings() {
    add("DCGM_FI_DEV_GPU_TEMP", gpu(), 15, 9223372036854775794.0);
    add("DCGM_FI_DEV_GPU_TEMP", gpu(), 30, 84);
    add("DCGM_FI_DEV_GPU_UTIL", gpu(), 15, Double.NaN);
    add("DCGM_FI_DEV_GPU_UTIL", gpu(), 30, 2147483632);
    add("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", gpu(), 15, 140737488355330.0);
    assertThat(read("loupe_gpu_temperature_celsius", 0, 60)).singleElement()
        .satisfies(s -> assertThat(values(s)).containsExactly(84.0));
    assertThat(read("loupe_gpu_utilization_ratio", 0, 60)).as("only blanks: no series").isEmpty();
    assertThat(read("loupe_gpu_ecc_dbe_errors_total", 0, 60)).isEmpty();
  }

  @Test
  void framebufferIsUsedOverUsedFreeAndReservedOfOneScrape() {
    Map<String, String> g = gpu();
    addMillis("DCGM_FI_DEV_FB_USED", g, 15_000, 72_000);
    addMillis("DCGM_FI_DEV_FB_FREE", g, 15_300, 7_500); // a receiver that jitters
    addMillis("DCGM_FI_DEV_FB_RESERVED", g, 15_000, 500);
    addMillis("DCGM_FI_DEV_FB_USED", g, 30_000, 40_000);
    addMillis("DCGM_FI_DEV_FB_FREE", g, 30_000, 40_000); // no reserved: it counts 0
    addMillis("DCGM_FI_DEV_FB_USED", g, 45_000, 40_000); // no free of this scrape: no point
    addMillis("DCGM_FI_DEV_FB_FREE", g, 47_000, 40_000);
    addMillis("DCGM_FI_DEV_FB_USED", g, 60_000, 2147483632); // blank
    addMillis("DCGM_FI_DEV_FB_FREE", g, 60_000, 40_000);
    assertThat(read("loupe_gpu_framebuffer_used_ratio", 0, 60)).singleElement().satisfies(s -> {
      assertThat(s.points()).extracting(RangeSeries.Point::timeMillis).containsExactly(T0 + 15_000, T0 + 30_000);
      assertThat(s.points().get(0).value()).isCloseTo(0.9, within(1e-12));
      assertThat(s.points().get(1).value()).isCloseTo(0.5, within(1e-12));
      assertThat(s.labels()).containsEntry("__name__", "loupe_gpu_framebuffer_used_ratio").containsEntry("workload", "inference");
    });
  }

  @Test
  void eccIsTheVolatileCounterOrTheAggregateOneWhereNoVolatileIsExported() {
    Map<String, String> both = gpu();
    Map<String, String> aggregateOnly = gpu("Hostname", "gpu-node-2");
    for (int s = 15; s <= 60; s += 15) {
      add("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", both, s, s < 45 ? 0 : 1);
      add("DCGM_FI_DEV_ECC_DBE_AGG_TOTAL", both, s, s < 45 ? 10 : 11);
      add("DCGM_FI_DEV_ECC_DBE_AGG_TOTAL", aggregateOnly, s, 3);
    }
    List<RangeSeries> ecc = read("loupe_gpu_ecc_dbe_errors_total", 0, 60);
    assertThat(ecc).extracting(s -> s.labels().get("Hostname") + "=" + values(s))
        .containsExactlyInAnyOrder("gpu-node-1=[0.0, 0.0, 1.0, 1.0]", "gpu-node-2=[3.0, 3.0, 3.0, 3.0]");
  }

  @Test
  void theLastXidCodeBecomesACounterPerCode() {
    double[] codes = {0, 0, 79, 79, 79, 48, 0, 79};
    for (int i = 0; i < codes.length; i++) add("DCGM_FI_DEV_XID_ERRORS", gpu(), 15L * (i + 1), codes[i]);
    List<RangeSeries> xid = read("loupe_gpu_xid_errors_total", 0, 120);
    assertThat(xid).extracting(s -> s.labels().get("xid") + "=" + values(s)).containsExactlyInAnyOrder(
        "79=[0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0]",
        "48=[0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0]");
    assertThat(xid.get(0).labels()).containsEntry("Hostname", "gpu-node-1").containsEntry("UUID", UUID);

    assertThat(read("loupe_gpu_xid_errors_total{xid=\"48\"}", 0, 120)).hasSize(1);
    // A code already there at the first point of the range: when it happened is unknown.
    assertThat(read("loupe_gpu_xid_errors_total{xid=\"79\"}", 45, 120)).singleElement()
        .satisfies(s -> assertThat(values(s)).containsExactly(0.0, 0.0, 0.0, 0.0, 1.0));
  }

  @Test
  void aWindowReadAloneRisesAsTheSameWindowCutOutOfALongerRead() {
    double[] codes = {0, 13, 13, 0, 0, 31, 13, 13, 13, 31, 31, 0};
    for (int i = 0; i < codes.length; i++) add("DCGM_FI_DEV_XID_ERRORS", gpu(), 15L * i, codes[i]);
    GpuRuleSignals signals = new GpuRuleSignals(new SampleSignals(samples), classifier);
    SeriesSelector all = new SeriesSelector(GpuRuleSignals.XID, List.of());
    List<Sample> longRead = new ArrayList<>();
    for (RangeSeries s : signals.range(all, T0 - 1, T0 + 15 * codes.length * 1000L)) {
      Map<String, String> l = new TreeMap<>(s.labels());
      l.remove("__name__");
      for (RangeSeries.Point p : s.points()) longRead.add(new Sample(GpuRuleSignals.XID, l, p.timeMillis(), p.value()));
    }
    SampleSignals preloaded = new SampleSignals(longRead);
    Aggregation increase = Aggregation.of(Aggregation.Kind.INCREASE);
    List<String> rising = new ArrayList<>();
    for (long end = 30; end <= 15 * codes.length; end += 15) {
      for (String code : List.of("13", "31")) {
        SeriesSelector one = new SeriesSelector(GpuRuleSignals.XID, List.of(LabelMatcher.eq("xid", code)));
        long to = T0 + end * 1000;
        long from = to - 60_000;
        // The longer read has a series of each code all along: a window without that code then has
        // an increase of 0 where the window read alone has no series; neither breaches "> 0".
        assertThat(orZero(increase.apply(preloaded.range(one, from, to))))
            .as("XID %s in the minute to %d s", code, end)
            .isEqualTo(orZero(increase.apply(signals.range(one, from, to))));
        if (orZero(increase.apply(signals.range(one, from, to))) > 0) rising.add(code + "@" + end);
      }
    }
    // 13 comes at 15 s and 90 s, 31 at 75 s and 135 s: each rises in the minutes that hold it and
    // the point before it.
    assertThat(rising).containsExactly("13@30", "13@45", "31@75", "13@90", "31@90", "13@105", "31@105", "13@120",
        "31@135", "31@150", "31@165");
  }

  static double orZero(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  @Test
  void theExportersOwnXidCountsWinOverTheLastCode() {
    add("DCGM_EXP_XID_ERRORS_TOTAL", gpu("xid", "13"), 15, 1);
    add("DCGM_EXP_XID_ERRORS_TOTAL", gpu("xid", "13"), 30, 3);
    add("DCGM_EXP_XID_ERRORS_TOTAL", gpu("err_code", "94"), 30, 2);
    add("DCGM_EXP_XID_ERRORS_TOTAL", gpu("xid", "0"), 30, 5); // code 0 is no XID
    add("DCGM_FI_DEV_XID_ERRORS", gpu(), 15, 0);
    add("DCGM_FI_DEV_XID_ERRORS", gpu(), 30, 13);
    // Another GPU has only the exporter's sliding-window count: rises are new XIDs, falls are not.
    Map<String, String> windowed = gpu("Hostname", "gpu-node-2", "xid", "94");
    double[] counts = {1, 2, 2, 0, 1};
    for (int i = 0; i < counts.length; i++) add("DCGM_EXP_XID_ERRORS_COUNT", windowed, 15L * (i + 1), counts[i]);
    add("DCGM_FI_DEV_XID_ERRORS", gpu("Hostname", "gpu-node-2"), 75, 94);

    List<RangeSeries> xid = read("loupe_gpu_xid_errors_total", 0, 120);
    assertThat(xid).extracting(s -> s.labels().get("Hostname") + " xid " + s.labels().get("xid") + "=" + values(s))
        .containsExactlyInAnyOrder(
            "gpu-node-1 xid 13=[1.0, 3.0]",
            "gpu-node-1 xid 94=[2.0]",
            "gpu-node-2 xid 94=[0.0, 1.0, 1.0, 1.0, 2.0]");
    assertThat(xid).allSatisfy(s -> assertThat(s.labels()).doesNotContainKey("err_code"));
  }
}
