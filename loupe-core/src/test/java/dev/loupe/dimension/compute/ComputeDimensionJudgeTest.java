package dev.loupe.dimension.compute;

import static dev.loupe.dimension.compute.GpuFeed.at;
import static dev.loupe.dimension.compute.GpuFeed.min;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.dimension.DimensionHealth;
import dev.loupe.dimension.HealthStatus;
import dev.loupe.model.Alert;
import dev.loupe.model.AlertState;
import dev.loupe.model.Sample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The compute judge's word on data: presence, staleness, notes, labels, classes, latest values and
 * threads. The thresholds are rules of the built-in pack, tested in loupe-server's
 * ComputeRulePackTest over {@link GpuRuleSignals}.
 */
class ComputeDimensionJudgeTest {
  static final String UUID_0 = "GPU-c2f76b33-7953-256e-8f33-1343419b1a1c";
  static final String UUID_1 = "GPU-5a1e2b3c-0000-4d4d-9e9e-0123456789ab";

  final WorkloadClassifier classifier =
      new WorkloadClassifier(
          List.of(new WorkloadClassRule("namespace", "ml-train.*", WorkloadClass.TRAINING)), WorkloadClass.INFERENCE);
  final ComputeDimensionJudge judge =
      new ComputeDimensionJudge(GpuFreshness.DEFAULTS, classifier, at(0));

  GpuFeed trainer() {
    return new GpuFeed(judge, "gpu-node-1", "0", UUID_0).pod("ml-train", "trainer-0").withEcc();
  }

  GpuFeed server() {
    return new GpuFeed(judge, "gpu-node-2", "0", UUID_1).pod("serving", "llm-0").withEcc();
  }

  DimensionHealth health(long nowMillis) {
    return judge.judge(nowMillis);
  }

  @Test
  void theJudgeHoldsNoThresholdAndShowsEachGpusLatestValues() {
    // An idle training GPU, a hot one, a full framebuffer, ECC errors and an XID: every one of
    // them is a rule of the pack (ComputeRulePackTest); the judge only says the data is there.
    GpuFeed g = trainer();
    g.every("DCGM_FI_DEV_GPU_UTIL", 0, 60 * 60, 5);
    g.every("DCGM_FI_DEV_GPU_TEMP", 0, 60 * 60, 90);
    g.framebuffer(0, 60 * 60, 99);
    g.every("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 15, 60 * 60, 7);
    g.every("DCGM_FI_DEV_XID_ERRORS", 0, 60 * 60, 79);
    GpuFeed idle = server();
    idle.every("DCGM_FI_DEV_GPU_UTIL", 0, 60 * 60, 5);
    DimensionHealth h = health(min(60));
    assertThat(h.status()).isEqualTo(HealthStatus.OK);
    assertThat(h.reasons()).isEmpty();
    assertThat(h.findings()).isEmpty();
    assertThat(judge.gpus(min(60))).hasSize(2).allSatisfy(s -> {
      assertThat(s.status()).isEqualTo(HealthStatus.OK);
      assertThat(s.reasons()).isEmpty();
    });
    GpuState hot = judge.gpus(min(60)).get(0);
    assertThat(hot.workloadClass()).isEqualTo(WorkloadClass.TRAINING);
    assertThat(hot.signals().utilizationPercent()).isEqualTo(5.0);
    assertThat(hot.signals().temperatureCelsius()).isEqualTo(90.0);
    assertThat(hot.signals().framebufferUsedPercent()).isCloseTo(99.0, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(hot.signals().framebufferReservedMib()).isEqualTo(500.0);
    assertThat(hot.signals().eccDoubleBitTotal()).isEqualTo(7.0);
    assertThat(hot.signals().lastXid()).isEqualTo(79);
    assertThat(judge.gpus(min(60)).get(1).workloadClass()).isEqualTo(WorkloadClass.INFERENCE);
  }

  @Test
  void aGpusRowTakesItsStatusAndReasonsFromTheFiringAlertsAboutIt() {
    GpuFeed hot = server();
    hot.every("DCGM_FI_DEV_GPU_TEMP", 0, 600, 85);
    GpuFeed cool = trainer();
    cool.every("DCGM_FI_DEV_GPU_TEMP", 0, 600, 40);
    Map<String, String> noUuid = Map.of("Hostname", "gpu-node-3", "gpu", "2", "modelName", "NVIDIA L4");
    judge.observe(new Sample("DCGM_FI_DEV_GPU_TEMP", noUuid, at(600), 80));
    Map<String, String> onHot = Map.of("Hostname", "gpu-node-2", "gpu", "0", "UUID", UUID_1);
    List<Alert> alerts = List.of(
        alert("GpuTemperatureHigh", "warning", AlertState.FIRING, onHot, 0, "GPU 0 on gpu-node-2 at 85 °C for 5m"),
        alert("GpuTemperatureHigh", "critical", AlertState.FIRING, onHot, 120, "GPU 0 on gpu-node-2 at 85 °C for 2m"),
        alert("GpuXidErrors", "warning", AlertState.PENDING, onHot, 500, "pending: no colour"),
        alert("GpuTemperatureHigh", "warning", AlertState.FIRING,
            Map.of("Hostname", "gpu-node-3", "gpu", "2", "UUID", "unknown"), 300, "GPU 2 on gpu-node-3 at 80 °C"));

    List<GpuState> rows = judge.gpus(at(600), alerts);
    assertThat(rows).extracting(r -> r.key().host() + ":" + r.status().wireName())
        .containsExactly("gpu-node-1:ok", "gpu-node-2:critical", "gpu-node-3:warning");
    assertThat(rows.get(1).reasons()).as("worst first")
        .containsExactly("GPU 0 on gpu-node-2 at 85 °C for 2m", "GPU 0 on gpu-node-2 at 85 °C for 5m");
    assertThat(rows.get(2).reasons()).as("without a UUID, Hostname and gpu name the GPU")
        .containsExactly("GPU 2 on gpu-node-3 at 80 °C");
    assertThat(rows.get(0).reasons()).isEmpty();

    // Silent for longer than 5 m: a stale row (warning) unless an alert about it is worse.
    List<GpuState> later = judge.gpus(at(600 + 301), alerts);
    assertThat(later).extracting(r -> r.key().host() + ":" + r.status().wireName() + ":" + r.stale())
        .containsExactly("gpu-node-1:warning:true", "gpu-node-2:critical:true", "gpu-node-3:warning:true");
    assertThat(later.get(1).reasons().get(0)).startsWith("no samples from GPU 0");
    assertThat(later.get(1).reasons()).hasSize(3);
  }

  static Alert alert(String rule, String severity, AlertState state, Map<String, String> gpu, long atSeconds,
      String summary) {
    Map<String, String> labels = new java.util.TreeMap<>(gpu);
    labels.put("alertname", rule);
    labels.put("severity", severity);
    labels.put("dimension", "compute");
    return new Alert(rule, labels, state, at(atSeconds), state == AlertState.FIRING ? at(atSeconds) : 0, 0, 1,
        Map.of("summary", summary));
  }

  @Test
  void dcgmBlankSentinelsAndNaNAreMissingValuesNotReadings() {
    GpuFeed g = server();
    g.every("DCGM_FI_DEV_GPU_TEMP", 0, 600, 9223372036854775794.0);
    g.every("DCGM_FI_DEV_POWER_USAGE", 0, 600, 140737488355330.0);
    g.every("DCGM_FI_DEV_SM_CLOCK", 0, 600, 2147483647);
    g.every("DCGM_FI_DEV_GPU_UTIL", 0, 600, Double.NaN);
    g.every("DCGM_FI_DEV_FB_USED", 0, 600, 2147483632);
    g.every("DCGM_FI_DEV_FB_FREE", 0, 600, 1000);
    DimensionHealth h = health(at(600));
    assertThat(h.status()).isEqualTo(HealthStatus.OK);
    GpuSignals s = judge.gpus(at(600)).get(0).signals();
    assertThat(s.temperatureCelsius()).isNull();
    assertThat(s.powerWatts()).isNull();
    assertThat(s.smClockMhz()).isNull();
    assertThat(s.utilizationPercent()).isNull();
    assertThat(s.framebufferUsedPercent()).isNull();
    assertThat(s.framebufferFreeMib()).isEqualTo(1000.0);
    assertThat(s.lastSampleMillis()).as("blanks still show the exporter is alive").isEqualTo(at(600));
    assertThat(DcgmBlankValues.isBlank(2147483635)).isTrue();
    assertThat(DcgmBlankValues.isBlank(2147483631)).isFalse();
    assertThat(DcgmBlankValues.isBlank(140737488355328.0)).isTrue();
    assertThat(DcgmBlankValues.isBlank(Double.POSITIVE_INFINITY)).isTrue();
    assertThat(DcgmBlankValues.isBlank(84)).isFalse();
  }

  @Test
  void blankEccCountersSayEccIsOffInsteadOfNotExported() {
    GpuFeed g = new GpuFeed(judge, "gpu-node-3", "0", UUID_1);
    g.every("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 0, 60, 9223372036854775794.0);
    DimensionHealth h = health(at(60));
    assertThat(h.status()).isEqualTo(HealthStatus.OK);
    assertThat(h.reasons()).singleElement().asString()
        .startsWith("ECC error counts are blank on node gpu-node-3: ECC is disabled or not supported");
  }

  @Test
  void hostnameAndHostnameWithACapitalAreTheSameNode() {
    Map<String, String> older = Map.of("Hostname", "gpu-node-1", "gpu", "0", "UUID", UUID_0, "modelName", "NVIDIA L4");
    Map<String, String> newer = Map.of("hostname", "gpu-node-1", "gpu", "0", "UUID", UUID_0, "modelName", "NVIDIA L4");
    judge.observe(new Sample("DCGM_FI_DEV_GPU_TEMP", older, at(0), 50));
    judge.observe(new Sample("DCGM_FI_DEV_GPU_TEMP", newer, at(15), 51));
    assertThat(judge.gpus(at(15))).singleElement().satisfies(s -> {
      assertThat(s.key().host()).isEqualTo("gpu-node-1");
      assertThat(s.signals().temperatureCelsius()).isEqualTo(51.0);
    });
    assertThat(GpuKey.from(Map.of("hostname", "n", "uuid", "GPU-x", "gpu", "1")).physicalId()).isEqualTo("n/GPU-x");
  }

  @Test
  void workloadClassRulesApplyInOrderOverAnyLabelWithADefault() {
    WorkloadClassifier byPool = new WorkloadClassifier(List.of(
        WorkloadClassRule.equalTo("namespace", "batch-inference", WorkloadClass.INFERENCE),
        new WorkloadClassRule("node_pool", "a100-train-.*", WorkloadClass.TRAINING),
        new WorkloadClassRule("namespace", "batch-.*", WorkloadClass.TRAINING)), WorkloadClass.INFERENCE);
    assertThat(byPool.classify(Map.of("node_pool", "a100-train-3"))).isEqualTo(WorkloadClass.TRAINING);
    assertThat(byPool.classify(Map.of("node_pool", "a100-train-3", "namespace", "batch-inference")))
        .as("first match wins").isEqualTo(WorkloadClass.INFERENCE);
    assertThat(byPool.classify(Map.of("namespace", "batch-etl"))).isEqualTo(WorkloadClass.TRAINING);
    assertThat(byPool.classify(Map.of("namespace", "web"))).as("default").isEqualTo(WorkloadClass.INFERENCE);
    assertThat(WorkloadClassifier.defaults().classify(Map.of("pod", "llama-finetune-0"))).isEqualTo(WorkloadClass.TRAINING);
    assertThat(WorkloadClassifier.defaults().classify(Map.of("pod", "vllm-0"))).isEqualTo(WorkloadClass.INFERENCE);
    assertThat(WorkloadClass.fromWireName("Training")).isEqualTo(WorkloadClass.TRAINING);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new WorkloadClassRule("pod", "(", WorkloadClass.TRAINING))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid regex");

    // through the judge: the pool label makes the GPU a training one; the workload labels that
    // Prometheus renamed to exported_* are the ones the classifier and the GPU's name see
    ComputeDimensionJudge pooled = new ComputeDimensionJudge(GpuFreshness.DEFAULTS, byPool, at(0));
    GpuFeed g = new GpuFeed(pooled, "gpu-node-9", "3", UUID_0).withEcc();
    g.labels.put("node_pool", "a100-train-1");
    g.labels.put("namespace", "gpu-operator");
    g.labels.put("pod", "nvidia-dcgm-exporter-abcde");
    g.labels.put("exported_namespace", "research");
    g.labels.put("exported_pod", "trainer-7");
    g.every("DCGM_FI_DEV_GPU_UTIL", 0, 900, 3);
    assertThat(pooled.gpus(at(900))).singleElement().satisfies(s -> {
      assertThat(s.workloadClass()).isEqualTo(WorkloadClass.TRAINING);
      assertThat(s.key().describe())
          .isEqualTo("GPU 3 (NVIDIA H100 80GB HBM3, UUID " + UUID_0 + ") on node gpu-node-9, pod research/trainer-7");
    });
  }

  @Test
  void aGpuWithoutEccMetricsGetsANoteThatDoesNotWorsenTheStatus() {
    GpuFeed g = new GpuFeed(judge, "gpu-node-1", "0", UUID_0);
    GpuFeed h = new GpuFeed(judge, "gpu-node-2", "1", UUID_1);
    g.every("DCGM_FI_DEV_GPU_TEMP", 0, 60, 40);
    h.every("DCGM_FI_DEV_GPU_TEMP", 0, 60, 40);
    DimensionHealth health = health(at(60));
    assertThat(health.status()).isEqualTo(HealthStatus.OK);
    assertThat(health.findings()).isEmpty();
    assertThat(health.reasons()).containsExactly(
        "ECC errors not exported by dcgm-exporter on nodes gpu-node-1, gpu-node-2: use the counters file "
            + "deploy/dcgm-exporter/counters.csv");
    assertThat(judge.gpus(at(60)).get(0).notes()).singleElement().asString()
        .contains("deploy/dcgm-exporter/counters.csv");
    g.every("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 75, 75, 0);
    assertThat(health(at(75)).reasons()).singleElement().asString().contains("on node gpu-node-2:");
  }

  @Test
  void aGpuThatStopsReportingIsStaleNotJudgedOnOldData() {
    GpuFeed g = trainer();
    GpuFeed other = server();
    g.every("DCGM_FI_DEV_GPU_UTIL", 0, 120, 5);
    other.every("DCGM_FI_DEV_GPU_UTIL", 0, 20 * 60, 50);
    assertThat(health(at(120 + 300)).status()).as("5 m of silence is still fresh").isEqualTo(HealthStatus.OK);
    DimensionHealth h = health(min(20));
    assertThat(h.status()).isEqualTo(HealthStatus.WARNING);
    assertThat(h.reasons()).singleElement().isEqualTo(
        "no samples from GPU 0 (NVIDIA H100 80GB HBM3, UUID " + UUID_0 + ") on node gpu-node-1, pod ml-train/trainer-0 "
            + "since 2026-11-29T10:02:00Z");
    assertThat(h.findings().get(0).kind()).isEqualTo("gpu_stale");
    assertThat(judge.gpus(min(20))).filteredOn(GpuState::stale).hasSize(1);
  }

  @Test
  void aGpuMovingToAnotherPodIsOneGpuNotAStaleOne() {
    GpuFeed a = new GpuFeed(judge, "gpu-node-1", "0", UUID_0).pod("ml-train", "trainer-0").withEcc();
    a.every("DCGM_FI_DEV_GPU_TEMP", 0, 300, 40);
    GpuFeed b = new GpuFeed(judge, "gpu-node-1", "0", UUID_0).pod("ml-train", "trainer-1");
    b.every("DCGM_FI_DEV_GPU_TEMP", 315, 1200, 40);
    assertThat(health(at(1200)).status()).isEqualTo(HealthStatus.OK);
    assertThat(judge.gpus(at(1200))).singleElement()
        .satisfies(s -> assertThat(s.key().pod()).isEqualTo("trainer-1"));
  }

  @Test
  void noDataBeforeTheFirstGpuSampleAndAfterAllGoSilent() {
    DimensionHealth none = health(at(600));
    assertThat(none.status()).isEqualTo(HealthStatus.NO_DATA);
    assertThat(none.reasons()).containsExactly("no GPU telemetry received for compute since 2026-11-29T10:00:00Z");

    judge.observe(new Sample("node_cpu_seconds_total", Map.of("cpu", "0"), at(600), 1));
    assertThat(health(at(600)).status()).as("other metrics are not GPU telemetry").isEqualTo(HealthStatus.NO_DATA);
    assertThat(ComputeDimensionJudge.watches("node_cpu_seconds_total")).isFalse();
    assertThat(ComputeDimensionJudge.watches("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE")).isTrue();

    server().every("DCGM_FI_DEV_GPU_TEMP", 600, 900, 40);
    assertThat(health(at(900)).status()).isEqualTo(HealthStatus.OK);
    DimensionHealth silent = health(at(900 + 301));
    assertThat(silent.status()).isEqualTo(HealthStatus.NO_DATA);
    assertThat(silent.reasons()).containsExactly("no GPU telemetry received for compute since 2026-11-29T10:15:00Z");
    assertThat(silent.sinceMillis()).isEqualTo(at(900));
  }

  @Test
  void aGpuSilentForADayIsForgotten() {
    server().every("DCGM_FI_DEV_GPU_TEMP", 0, 60, 40);
    trainer().every("DCGM_FI_DEV_GPU_TEMP", 0, 25 * 3600, 40);
    assertThat(judge.gpus(at(24 * 3600))).hasSize(2);
    assertThat(judge.gpus(at(24 * 3600 + 61))).singleElement()
        .satisfies(s -> assertThat(s.key().host()).isEqualTo("gpu-node-1"));
  }

  @Test
  void observingAndJudgingFromSeveralThreadsLosesNothing() throws Exception {
    int threads = 4;
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      GpuFeed g = new GpuFeed(judge, "gpu-node-" + t, "0", "GPU-" + t).withEcc();
      workers[t] = new Thread(() -> g.every("DCGM_FI_DEV_GPU_TEMP", 15, 15 * 2000, 40));
    }
    for (Thread w : workers) w.start();
    for (int i = 0; i < 200; i++) judge.judge(at(15 * 2000));
    for (Thread w : workers) w.join();
    assertThat(judge.gpus(at(15 * 2000))).hasSize(threads)
        .allSatisfy(s -> assertThat(s.signals().lastSampleMillis()).isEqualTo(at(15 * 2000)));
  }
}
