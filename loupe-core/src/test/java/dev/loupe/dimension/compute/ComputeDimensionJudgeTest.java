package dev.loupe.dimension.compute;

import static dev.loupe.dimension.compute.GpuFeed.T0;
import static dev.loupe.dimension.compute.GpuFeed.at;
import static dev.loupe.dimension.compute.GpuFeed.min;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.dimension.DimensionHealth;
import dev.loupe.dimension.HealthStatus;
import dev.loupe.model.Finding;
import dev.loupe.model.Sample;
import dev.loupe.model.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComputeDimensionJudgeTest {
  static final String UUID_0 = "GPU-c2f76b33-7953-256e-8f33-1343419b1a1c";
  static final String UUID_1 = "GPU-5a1e2b3c-0000-4d4d-9e9e-0123456789ab";

  final WorkloadClassifier classifier =
      new WorkloadClassifier(
          List.of(new WorkloadClassRule("namespace", "ml-train.*", WorkloadClass.TRAINING)), WorkloadClass.INFERENCE);
  final ComputeDimensionJudge judge =
      new ComputeDimensionJudge(ComputeThresholds.DEFAULTS, classifier, at(0));

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
  void trainingUtilizationWarnsAfter15mGoesCriticalBelow10AndRecovers() {
    GpuFeed g = trainer();
    g.every("DCGM_FI_DEV_GPU_UTIL", 0, 14 * 60 + 45, 25);
    DimensionHealth almost = health(min(14) + 59_000);
    assertThat(almost.status()).as("14m59s").isEqualTo(HealthStatus.OK);

    g.one("DCGM_FI_DEV_GPU_UTIL", 15 * 60, 25);
    DimensionHealth warning = health(min(15));
    assertThat(warning.status()).isEqualTo(HealthStatus.WARNING);
    assertThat(warning.sinceMillis()).isEqualTo(at(0));
    assertThat(warning.reasons()).singleElement().isEqualTo(
        "GPU 0 (NVIDIA H100 80GB HBM3, UUID " + UUID_0 + ") on node gpu-node-1, pod ml-train/trainer-0: "
            + "utilization 25 % < 30 % for 15 m (training workload) since 2026-11-29T10:00:00Z");
    Finding f = warning.findings().get(0);
    assertThat(f.kind()).isEqualTo("gpu_low_utilization");
    assertThat(f.evidence()).containsEntry("pod", "trainer-0").containsEntry("workload_class", "training");

    // sinks below 10 % at 15m15s: still a warning until that has lasted 15 m
    g.every("DCGM_FI_DEV_GPU_UTIL", 15 * 60 + 15, 30 * 60, 7);
    assertThat(health(min(30)).status()).as("14m45s below 10 %").isEqualTo(HealthStatus.WARNING);
    g.one("DCGM_FI_DEV_GPU_UTIL", 30 * 60 + 15, 7);
    DimensionHealth critical = health(min(30.25));
    assertThat(critical.status()).isEqualTo(HealthStatus.CRITICAL);
    assertThat(critical.sinceMillis()).isEqualTo(at(15 * 60 + 15));
    assertThat(critical.reasons().get(0))
        .contains("utilization 7 % < 10 % for 15 m (training workload) since 2026-11-29T10:15:15Z");

    // 12 % is above the critical bound but inside its 5-point clearing margin: still critical
    g.one("DCGM_FI_DEV_GPU_UTIL", 30 * 60 + 30, 12);
    assertThat(health(min(30.5)).status()).isEqualTo(HealthStatus.CRITICAL);
    g.one("DCGM_FI_DEV_GPU_UTIL", 30 * 60 + 45, 60);
    DimensionHealth recovered = health(min(30.75));
    assertThat(recovered.status()).isEqualTo(HealthStatus.OK);
    assertThat(recovered.reasons()).isEmpty();
    assertThat(recovered.sinceMillis()).isEqualTo(min(30.75));
  }

  @Test
  void anIdleInferenceGpuStaysOk() {
    GpuFeed g = server();
    g.every("DCGM_FI_DEV_GPU_UTIL", 0, 60 * 60, 5);
    assertThat(health(min(60)).status()).isEqualTo(HealthStatus.OK);
    assertThat(judge.gpus(min(60))).singleElement().satisfies(s -> {
      assertThat(s.workloadClass()).isEqualTo(WorkloadClass.INFERENCE);
      assertThat(s.signals().utilizationPercent()).isEqualTo(5.0);
    });
  }

  @Test
  void aTrainingGpuWithAGapInItsSamplesStartsItsCountAgain() {
    GpuFeed g = trainer();
    g.every("DCGM_FI_DEV_GPU_UTIL", 0, 5 * 60, 5);
    // six minutes without a sample: nothing is known of that time
    g.every("DCGM_FI_DEV_GPU_UTIL", 11 * 60, 16 * 60, 5);
    assertThat(health(min(16)).status()).isEqualTo(HealthStatus.OK);
    g.every("DCGM_FI_DEV_GPU_UTIL", 16 * 60 + 15, 26 * 60, 5);
    assertThat(health(min(26)).findings()).singleElement()
        .satisfies(f -> assertThat(f.sinceMillis()).isEqualTo(min(11)));
  }

  @Test
  void framebufferAbove85For5mIsAWarningAndAbove95Critical() {
    GpuFeed g = server();
    g.framebuffer(0, 4 * 60 + 45, 90);
    assertThat(health(min(4) + 59_000).status()).isEqualTo(HealthStatus.OK);
    g.framebuffer(5 * 60, 5 * 60, 90);
    DimensionHealth warning = health(min(5));
    assertThat(warning.status()).isEqualTo(HealthStatus.WARNING);
    assertThat(warning.reasons().get(0))
        .contains("framebuffer 90 % used (72000 of 80000 MiB) > 85 % for 5 m since 2026-11-29T10:00:00Z");

    g.framebuffer(5 * 60 + 15, 10 * 60, 96);
    assertThat(health(min(10)).status()).as("96 % for 4m45s").isEqualTo(HealthStatus.WARNING);
    g.framebuffer(10 * 60 + 15, 10 * 60 + 15, 96);
    DimensionHealth critical = health(min(10.25));
    assertThat(critical.status()).isEqualTo(HealthStatus.CRITICAL);
    assertThat(critical.reasons().get(0)).contains("framebuffer 96 % used").contains("> 95 % for 5 m since 2026-11-29T10:05:15Z");
    assertThat(judge.gpus(min(10.25)).get(0).signals().framebufferUsedPercent()).isCloseTo(96.0, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void framebufferPairsSurviveBatchesOrderedSeriesBySeries() {
    GpuFeed g = server();
    // as remote_write sends them: four points of FB_USED, then the same four of FB_FREE
    for (long batch = 0; batch <= 300; batch += 60) {
      for (long s = batch; s < batch + 60; s += 15) g.one("DCGM_FI_DEV_FB_USED", s, 78_000);
      for (long s = batch; s < batch + 60; s += 15) g.one("DCGM_FI_DEV_FB_FREE", s, 2_000);
    }
    DimensionHealth h = health(at(345));
    assertThat(h.status()).isEqualTo(HealthStatus.CRITICAL);
    assertThat(h.sinceMillis()).isEqualTo(at(0));
  }

  @Test
  void temperatureAbove78For5mWarnsAndAbove83For2mIsCritical() {
    GpuFeed g = server();
    g.every("DCGM_FI_DEV_GPU_TEMP", 0, 4 * 60 + 45, 80);
    assertThat(health(min(4) + 59_000).status()).isEqualTo(HealthStatus.OK);
    g.one("DCGM_FI_DEV_GPU_TEMP", 5 * 60, 80);
    DimensionHealth warning = health(min(5));
    assertThat(warning.status()).isEqualTo(HealthStatus.WARNING);
    assertThat(warning.reasons().get(0)).endsWith("temperature 80 °C > 78 °C for 5 m since 2026-11-29T10:00:00Z");

    g.every("DCGM_FI_DEV_GPU_TEMP", 5 * 60 + 15, 7 * 60, 84);
    assertThat(health(min(7)).status()).as("1m59s above 83 is not yet critical").isEqualTo(HealthStatus.WARNING);
    assertThat(health(min(7) + 14_000).status()).isEqualTo(HealthStatus.WARNING);
    g.one("DCGM_FI_DEV_GPU_TEMP", 7 * 60 + 15, 84);
    DimensionHealth critical = health(min(7.25));
    assertThat(critical.status()).isEqualTo(HealthStatus.CRITICAL);
    assertThat(critical.reasons().get(0)).endsWith("temperature 84 °C > 83 °C for 2 m since 2026-11-29T10:05:15Z");
    // the warning level still holds underneath but the worst one is reported per GPU
    assertThat(critical.findings()).hasSize(1);
  }

  @Test
  void temperatureCriticalIsNotReachedAt1m59s() {
    GpuFeed g = server();
    g.every("DCGM_FI_DEV_GPU_TEMP", 0, 60, 70);
    g.every("DCGM_FI_DEV_GPU_TEMP", 61, 61 + 119, 85);
    assertThat(health(at(61 + 119)).status()).isEqualTo(HealthStatus.OK);
    g.one("DCGM_FI_DEV_GPU_TEMP", 181, 85);
    assertThat(health(at(181)).status()).isEqualTo(HealthStatus.CRITICAL);
  }

  @Test
  void aDoubleBitEccIncreaseIsCriticalForAnHourAndACounterResetIsNot() {
    GpuFeed g = new GpuFeed(judge, "gpu-node-2", "0", UUID_1).pod("serving", "llm-0");
    g.every("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 15, 60, 3);
    g.every("DCGM_FI_DEV_GPU_TEMP", 0, 60, 40);
    assertThat(health(at(60)).status()).as("a non-zero count at first sight is no increase").isEqualTo(HealthStatus.OK);

    g.one("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 75, 5);
    DimensionHealth bad = health(at(75));
    assertThat(bad.status()).isEqualTo(HealthStatus.CRITICAL);
    assertThat(bad.sinceMillis()).isEqualTo(at(75));
    assertThat(bad.reasons()).singleElement().asString()
        .contains("GPU 0 (NVIDIA H100 80GB HBM3, UUID " + UUID_1 + ") on node gpu-node-2, pod serving/llm-0")
        .contains("2 new double-bit ECC errors since 2026-11-29T10:01:15Z (volatile total 5)")
        .contains("reported until 1 h after the last");

    g.every("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 90, 75 + 3600, 5);
    assertThat(health(at(75 + 3599)).status()).isEqualTo(HealthStatus.CRITICAL);
    assertThat(health(at(75 + 3600)).status()).isEqualTo(HealthStatus.OK);

    // driver reload: the volatile counter starts again at 0; that is no error
    g.one("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 75 + 3615, 0);
    assertThat(health(at(75 + 3615)).status()).isEqualTo(HealthStatus.OK);
    g.one("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 75 + 3630, 1);
    assertThat(health(at(75 + 3630)).reasons().get(0)).contains("1 new double-bit ECC error since");
  }

  @Test
  void aNewXidCodeIsAWarningNamingTheCode() {
    GpuFeed g = server();
    g.every("DCGM_FI_DEV_XID_ERRORS", 0, 60, 0);
    assertThat(health(at(60)).status()).isEqualTo(HealthStatus.OK);
    g.every("DCGM_FI_DEV_XID_ERRORS", 75, 600, 79);
    DimensionHealth h = health(at(600));
    assertThat(h.status()).isEqualTo(HealthStatus.WARNING);
    assertThat(h.reasons()).singleElement().asString()
        .contains("on node gpu-node-2")
        .contains("XID 79 (GPU has fallen off the bus) at 2026-11-29T10:01:15Z");
    assertThat(h.findings().get(0).evidence()).containsEntry("xid", "79");
    // the gauge holds the last code; it staying at 79 is not a new XID
    g.every("DCGM_FI_DEV_XID_ERRORS", 615, 75 + 3600, 79);
    assertThat(health(at(75 + 3600)).status()).isEqualTo(HealthStatus.OK);
    g.one("DCGM_FI_DEV_XID_ERRORS", 75 + 3615, 48);
    assertThat(health(at(75 + 3615)).reasons().get(0)).contains("XID 48 (double-bit ECC error)");
  }

  @Test
  void xidCountsFromTheExporterCountEveryOccurrence() {
    GpuFeed g = server();
    g.every("DCGM_FI_DEV_XID_ERRORS", 0, 30, 0);
    g.one("DCGM_EXP_XID_ERRORS_TOTAL", Map.of("xid", "13"), 30, 1);
    g.one("DCGM_FI_DEV_XID_ERRORS", 45, 13);
    g.one("DCGM_EXP_XID_ERRORS_TOTAL", Map.of("xid", "13"), 45, 3);
    g.one("DCGM_EXP_XID_ERRORS_TOTAL", Map.of("xid", "13"), 60, 3);
    g.one("DCGM_FI_DEV_XID_ERRORS", 60, 13);
    DimensionHealth h = health(at(60));
    assertThat(h.reasons()).singleElement().asString()
        .contains("XID 13 (graphics engine exception) 3 times since 2026-11-29T10:00:30Z, last at 2026-11-29T10:00:45Z");
  }

  @Test
  void theWindowedXidCountRisesOnNewXidsAndFallsWithoutOne() {
    GpuFeed g = server();
    g.one("DCGM_EXP_XID_ERRORS_COUNT", Map.of("xid", "94"), 0, 1);
    g.one("DCGM_EXP_XID_ERRORS_COUNT", Map.of("xid", "94"), 15, 2);
    g.one("DCGM_EXP_XID_ERRORS_COUNT", Map.of("xid", "94"), 300, 0);
    g.one("DCGM_EXP_XID_ERRORS_COUNT", Map.of(), 300, 0);
    assertThat(health(at(300)).reasons()).singleElement().asString()
        .contains("XID 94 (contained ECC error) 2 times since 2026-11-29T10:00:00Z, last at 2026-11-29T10:00:15Z");
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

    // through the judge: the pool label makes an idle GPU a training one; the workload labels that
    // Prometheus renamed to exported_* are the ones the rules and the reasons see
    ComputeDimensionJudge pooled = new ComputeDimensionJudge(ComputeThresholds.DEFAULTS, byPool, at(0));
    GpuFeed g = new GpuFeed(pooled, "gpu-node-9", "3", UUID_0).withEcc();
    g.labels.put("node_pool", "a100-train-1");
    g.labels.put("namespace", "gpu-operator");
    g.labels.put("pod", "nvidia-dcgm-exporter-abcde");
    g.labels.put("exported_namespace", "research");
    g.labels.put("exported_pod", "trainer-7");
    g.every("DCGM_FI_DEV_GPU_UTIL", 0, 900, 3);
    DimensionHealth h = pooled.judge(at(900));
    assertThat(h.status()).isEqualTo(HealthStatus.CRITICAL);
    assertThat(h.reasons().get(0)).contains("GPU 3 (NVIDIA H100 80GB HBM3, UUID " + UUID_0 + ") on node gpu-node-9, pod research/trainer-7")
        .contains("(training workload)");
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
  void severalFindingsAreReportedWorstFirst() {
    GpuFeed g = server();
    g.every("DCGM_FI_DEV_GPU_TEMP", 0, 600, 80);
    g.every("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 15, 585, 0);
    g.one("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", 600, 1);
    DimensionHealth h = health(at(600));
    assertThat(h.status()).isEqualTo(HealthStatus.CRITICAL);
    assertThat(h.findings()).extracting(Finding::severity).containsExactly(Severity.CRITICAL, Severity.WARNING);
    assertThat(h.sinceMillis()).isEqualTo(at(600));
    assertThat(judge.gpus(at(600)).get(0).status()).isEqualTo(HealthStatus.CRITICAL);
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
