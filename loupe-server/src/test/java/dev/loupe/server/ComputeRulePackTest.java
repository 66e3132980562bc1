package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.dimension.compute.GpuRuleSignals;
import dev.loupe.dimension.compute.WorkloadClassifier;
import dev.loupe.model.Alert;
import dev.loupe.model.AlertState;
import dev.loupe.model.Dimension;
import dev.loupe.model.Sample;
import dev.loupe.rule.Rule;
import dev.loupe.rule.RuleEngine;
import dev.loupe.rule.SampleSignals;
import dev.loupe.rule.Transition;
import dev.loupe.rule.VersionHistory;
import dev.loupe.dimension.model.DeploymentLog;
import dev.loupe.dimension.model.InferenceWindows;
import dev.loupe.dimension.network.NetworkDimensionJudge;
import dev.loupe.dimension.network.NetworkFreshness;
import dev.loupe.model.Batch;
import dev.loupe.store.duckdb.DuckDbStore;
import dev.loupe.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each compute row of the built-in pack, driven across its threshold by dcgm-exporter samples
 * every 15 s (as scraped), through {@link GpuRuleSignals} and the rule engine evaluated every
 * 15 s: when it goes pending, fires and resolves. Times are seconds after T0.
 */
class ComputeRulePackTest {
  static final long T0 = 1_764_000_000_000L;
  static final Map<String, String> GPU = Map.of("Hostname", "gpu-node-1", "gpu", "0", "UUID", "GPU-aaa",
      "modelName", "NVIDIA H100 80GB HBM3", "pod", "llm-serve-0", "namespace", "serving");
  static final Map<String, String> TRAINING_GPU = Map.of("Hostname", "gpu-node-2", "gpu", "3", "UUID", "GPU-bbb",
      "modelName", "NVIDIA H100 80GB HBM3", "pod", "llama-finetune-7", "namespace", "research");

  final List<Sample> samples = new ArrayList<>();
  final List<Transition> transitions = new ArrayList<>();
  RuleEngine engine;

  /** A dcgm field every 15 s in [fromSec, toSec], value by second. */
  ComputeRulePackTest dcgm(String field, Map<String, String> labels, int fromSec, int toSec, IntToDoubleFunction v) {
    for (int s = fromSec; s <= toSec; s += 15) samples.add(new Sample(field, labels, T0 + s * 1000L, v.applyAsDouble(s)));
    return this;
  }

  ComputeRulePackTest evaluate(String alert, int fromSec, int toSec) {
    List<Integer> times = new ArrayList<>();
    for (int s = fromSec; s <= toSec; s += 15) times.add(s);
    return evaluateAt(alert, times);
  }

  /** The pack's rules of that name, evaluated at these seconds after T0. */
  ComputeRulePackTest evaluateAt(String alert, List<Integer> seconds) {
    List<Rule> rules = COMPUTE_RULES.stream().filter(r -> r.name().equals(alert)).toList();
    assertThat(rules).isNotEmpty();
    engine = new RuleEngine(rules, new GpuRuleSignals(new SampleSignals(samples), WorkloadClassifier.defaults()),
        VersionHistory.none(), a -> { }, RuleEngine.Settings.DEFAULTS);
    for (int s : seconds) engine.evaluate(T0 + s * 1000L);
    transitions.addAll(engine.history());
    return this;
  }

  /** The GPU rows (the compute dimension's silence of sources, ComputeSourceSilent, is SilentSourcesTest's). */
  static final List<Rule> COMPUTE_RULES = BuiltinRules.load(RulesConfig.Builtin.DEFAULTS).stream()
      .filter(r -> r.dimension() == Dimension.COMPUTE && !r.name().equals("ComputeSourceSilent")).toList();

  static Map<String, String> with(Map<String, String> labels, String name, String value) {
    Map<String, String> out = new HashMap<>(labels);
    out.put(name, value);
    return out;
  }

  /** The firing alert of that rule and severity after the last evaluation. */
  Alert firing(String severity) {
    return engine.alerts().stream()
        .filter(a -> a.state() == AlertState.FIRING && severity.equals(a.labels().get("severity")))
        .findFirst().orElseThrow();
  }

  List<String> of(String severity) {
    return transitions.stream().filter(t -> severity.equals(t.labels().get("severity")))
        .map(t -> t.kind() + "@" + (t.atMillis() - T0) / 1000).toList();
  }

  static IntToDoubleFunction steps(double before, int from, double during, int until, double after) {
    return s -> s < from ? before : s < until ? during : after;
  }

  @Test
  void temperatureAbove78For5mWarnsAndAbove83For2mIsCriticalNotAt1m59() {
    dcgm("DCGM_FI_DEV_GPU_TEMP", GPU, -300, 900, steps(60, 0, 86, 600, 60)).evaluate("GpuTemperatureHigh", 0, 900);
    // The 1m average passes 78 at 30 s (60, 86, 86, 86) and 83 at 45 s (all 86); at 600 s it is
    // (86, 86, 86, 60) = 79.5, under 83; at 615 s 73, under 78. A for of 0 goes pending and fires at once.
    assertThat(of("warning")).containsExactly("PENDING@30", "FIRING@330", "RESOLVED@615");
    assertThat(of("critical")).containsExactly("PENDING@45", "FIRING@165", "RESOLVED@600");
    Transition fired = transitions.stream().filter(t -> t.kind() == Transition.Kind.FIRING).findFirst().orElseThrow();
    assertThat(fired.labels()).containsEntry("Hostname", "gpu-node-1").containsEntry("gpu", "0")
        .containsEntry("UUID", "GPU-aaa").containsEntry("dimension", "compute");
  }

  /**
   * The inference row of the table: low utilization alone is not an alert; an inference GPU under
   * 10 % for an hour while its pod's serving queue stayed empty is the cost dimension's idle-capacity
   * finding (GpuIdleCapacity, in cost.yml). Busy queues, or the same GPU classed training, never make it.
   */
  @Test
  void anInferenceGpuIdleForAnHourWithAnEmptyQueueIsAnIdleCapacityFindingAndLowUtilizationAloneIsNot() {
    Map<String, String> queue = Map.of("namespace", "serving", "pod", "llm-serve-0");
    dcgm("DCGM_FI_DEV_GPU_UTIL", GPU, -3600, 7200, steps(40, 0, 5, 5400, 50))
        .dcgm("vllm:num_requests_waiting", queue, -3600, 7200, x -> 0);
    List<Rule> idle = BuiltinRules.load(RulesConfig.Builtin.DEFAULTS).stream()
        .filter(r -> r.name().equals("GpuIdleCapacity")).toList();
    assertThat(idle).singleElement().satisfies(r -> assertThat(r.dimension()).isEqualTo(Dimension.COST));
    List<String> seen = idleTransitions(idle);
    // The last 40 % sample is at -15 s: the hour's window (t - 3600, t] holds only 5 % from 3585 s;
    // the 50 % sample at 5400 s ends it. No `for`: the hour is the window.
    assertThat(seen).containsExactly("PENDING@3585", "FIRING@3585", "RESOLVED@5400");
    assertThat(evaluate("GpuUtilizationLowTraining", 0, 7200).of("warning")).as("not a training GPU").isEmpty();

    samples.removeIf(x -> x.name().equals("vllm:num_requests_waiting"));
    dcgm("vllm:num_requests_waiting", queue, -3600, 7200, x -> x == 1800 ? 3 : 0);
    // A request waited at 1800 s: every hour's window the utilization is low in holds it.
    assertThat(idleTransitions(idle)).as("the GPU was not idle capacity").isEmpty();
  }

  private List<String> idleTransitions(List<Rule> idle) {
    RuleEngine e = new RuleEngine(idle, new GpuRuleSignals(new SampleSignals(samples), WorkloadClassifier.defaults()),
        VersionHistory.none(), a -> { }, RuleEngine.Settings.DEFAULTS);
    for (int s = 0; s <= 7200; s += 15) e.evaluate(T0 + s * 1000L);
    return e.history().stream().map(t -> t.kind() + "@" + (t.atMillis() - T0) / 1000).toList();
  }

  @Test
  void aHotSpellShorterThanTwoMinutesNeverFires() {
    dcgm("DCGM_FI_DEV_GPU_TEMP", GPU, -300, 600, steps(60, 0, 90, 150, 60)).evaluate("GpuTemperatureHigh", 0, 600);
    assertThat(of("critical")).as("pending at 45 s, gone at 150 s (90, 90, 90, 60): before its 2m").containsExactly("PENDING@45", "CANCELLED@150");
  }

  @Test
  void framebufferAbove85PercentFor5mWarnsAbove95Critical() {
    dcgm("DCGM_FI_DEV_FB_USED", GPU, -300, 900, steps(40_000, 0, 72_000, 600, 40_000))
        .dcgm("DCGM_FI_DEV_FB_FREE", GPU, -300, 900, steps(40_000, 0, 8_000, 600, 40_000))
        .dcgm("DCGM_FI_DEV_FB_RESERVED", GPU, -300, 900, s -> 0)
        .evaluate("GpuFramebufferFull", 0, 900);
    // 90 % used: the 1m average passes 85 % at 45 s.
    assertThat(of("warning")).containsExactly("PENDING@45", "FIRING@345", "RESOLVED@600");
    assertThat(of("critical")).isEmpty();

    ComputeRulePackTest full = new ComputeRulePackTest()
        .dcgm("DCGM_FI_DEV_FB_USED", GPU, -300, 600, s -> 79_000)
        .dcgm("DCGM_FI_DEV_FB_FREE", GPU, -300, 600, s -> 500)
        .dcgm("DCGM_FI_DEV_FB_RESERVED", GPU, -300, 600, s -> 500)
        .evaluate("GpuFramebufferFull", 0, 600);
    assertThat(full.of("critical")).containsExactly("PENDING@0", "FIRING@300");
  }

  @Test
  void aTrainingGpuUnder30PercentFor15mWarnsUnder10CriticalAndAnIdleInferenceGpuStaysQuiet() {
    dcgm("DCGM_FI_DEV_GPU_UTIL", TRAINING_GPU, -300, 1500, steps(95, 0, 20, 1200, 95))
        .dcgm("DCGM_FI_DEV_GPU_UTIL", GPU, -300, 1500, s -> 5)
        .evaluate("GpuUtilizationLowTraining", 0, 1500);
    // (95, 20, 20, 20) = 38.75 % at 30 s; under 30 % at 45 s.
    assertThat(of("warning")).containsExactly("PENDING@45", "FIRING@945", "RESOLVED@1200");
    assertThat(of("critical")).isEmpty();
    assertThat(transitions).allSatisfy(t -> assertThat(t.labels()).containsEntry("workload", "training")
        .containsEntry("Hostname", "gpu-node-2"));

    ComputeRulePackTest idle = new ComputeRulePackTest()
        .dcgm("DCGM_FI_DEV_GPU_UTIL", TRAINING_GPU, -300, 1200, s -> 3)
        .evaluate("GpuUtilizationLowTraining", 0, 1200);
    assertThat(idle.of("critical")).containsExactly("PENDING@0", "FIRING@900");
  }

  @Test
  void aDoubleBitEccIncreaseIsCriticalAtOnceForAnHourAndACounterResetIsNot() {
    dcgm("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", GPU, -300, 5400, s -> s < 60 ? 0 : 2)
        .evaluate("GpuEccDoubleBitErrors", 0, 5400);
    // The rise (45 s to 60 s) is in the 10m window until 645 s; kept firing an hour after that.
    assertThat(of("critical")).containsExactly("PENDING@60", "FIRING@60", "RESOLVED@4245");

    ComputeRulePackTest reset = new ComputeRulePackTest()
        .dcgm("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", GPU, -300, 1200, s -> s < 60 ? 5 : 0)
        .evaluate("GpuEccDoubleBitErrors", 0, 1200);
    assertThat(reset.transitions).as("a driver reload zeroes the counter: not an error").isEmpty();

    ComputeRulePackTest blank = new ComputeRulePackTest()
        .dcgm("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", GPU, -300, 1200, s -> s < 60 ? 0 : 9223372036854775794.0)
        .evaluate("GpuEccDoubleBitErrors", 0, 1200);
    assertThat(blank.transitions).as("dcgm's blank value is no reading").isEmpty();
  }

  @Test
  void aNewXidCodeIsAWarningNamingTheCode() {
    dcgm("DCGM_FI_DEV_XID_ERRORS", GPU, -300, 1200, s -> s < 90 ? 0 : s < 300 ? 79 : 0)
        .evaluate("GpuXidErrors", 0, 1200);
    assertThat(of("warning")).containsExactly("PENDING@90", "FIRING@90");
    assertThat(transitions.get(0).labels()).containsEntry("xid", "79");

    Map<String, String> counted = new HashMap<>(GPU);
    counted.put("xid", "48");
    ComputeRulePackTest exporterCounts = new ComputeRulePackTest()
        .dcgm("DCGM_EXP_XID_ERRORS_TOTAL", counted, -300, 1200, s -> s < 120 ? 1 : 3)
        .dcgm("DCGM_FI_DEV_XID_ERRORS", GPU, -300, 1200, s -> s < 60 ? 0 : 31)
        .evaluate("GpuXidErrors", 0, 1200);
    assertThat(exporterCounts.transitions).as("the exporter's per-code counter wins over the last code")
        .extracting(t -> t.labels().get("xid")).containsOnly("48");
    assertThat(exporterCounts.of("warning")).containsExactly("PENDING@120", "FIRING@120");
  }

  @Test
  void eachComputeRowIsInThePackWithBothItsSeverities() {
    assertThat(COMPUTE_RULES).extracting(r -> r.name() + "/" + r.severity().name().toLowerCase(java.util.Locale.ROOT))
        .containsExactlyInAnyOrder("GpuUtilizationLowTraining/warning", "GpuUtilizationLowTraining/critical",
            "GpuFramebufferFull/warning", "GpuFramebufferFull/critical", "GpuTemperatureHigh/warning",
            "GpuTemperatureHigh/critical", "GpuEccDoubleBitErrors/critical", "GpuXidErrors/warning");
    assertThat(COMPUTE_RULES).allSatisfy(r -> assertThat(GpuRuleSignals.derives(r.expression().numerator().selector()
        .metricName())).isTrue());
  }

  @Test
  void aTrainingGpuSinkingUnder30ThenUnder10PercentWarnsThenGoesCriticalAndRecovers() {
    dcgm("DCGM_FI_DEV_GPU_UTIL", TRAINING_GPU, -300, 2400, s -> s < 0 ? 95 : s < 900 ? 25 : s < 2100 ? 7 : 60)
        .evaluate("GpuUtilizationLowTraining", 0, 2400);
    // 1m averages: 25 % from 45 s; 7 % from 945 s; (7, 7, 7, 60) = 20.25 % at 2100 s, 33.5 % at 2115 s.
    assertThat(of("warning")).containsExactly("PENDING@45", "FIRING@945", "RESOLVED@2115");
    assertThat(of("critical")).containsExactly("PENDING@945", "FIRING@1845", "RESOLVED@2100");
  }

  @Test
  void anInferenceGpuAt5PercentStaysInactiveAndTheRuleSaysWhatItMisses() {
    dcgm("DCGM_FI_DEV_GPU_UTIL", GPU, -300, 3600, s -> 5).evaluate("GpuUtilizationLowTraining", 0, 3600);
    assertThat(transitions).isEmpty();
    assertThat(engine.alerts()).isEmpty();
    assertThat(engine.status()).allSatisfy(r -> assertThat(r.missingInputs()).containsExactly(
        "missing input: loupe_gpu_utilization_ratio never seen (dcgm-exporter DCGM_FI_DEV_GPU_UTIL on a GPU that "
            + "compute.workload_classes calls training)"));
  }

  @Test
  void aGapInTheSamplesRestartsTheForTimer() {
    // Six minutes without a sample: the alert pending since 0 s is dropped once its window is
    // empty (360 s), and the for of 15m counts again from the next sample.
    dcgm("DCGM_FI_DEV_GPU_UTIL", TRAINING_GPU, 0, 300, s -> 5)
        .dcgm("DCGM_FI_DEV_GPU_UTIL", TRAINING_GPU, 660, 1800, s -> 5)
        .evaluate("GpuUtilizationLowTraining", 0, 1800);
    for (String severity : List.of("warning", "critical")) {
      assertThat(of(severity)).as(severity).containsExactly("PENDING@0", "CANCELLED@360", "PENDING@660", "FIRING@1560");
    }
  }

  @Test
  void theCriticalTemperatureIsNotFiringAt1m59sAndIsAt2m() {
    List<Integer> times = new ArrayList<>();
    for (int s = 0; s <= 150; s += 15) times.add(s);
    times.addAll(List.of(164, 165));
    dcgm("DCGM_FI_DEV_GPU_TEMP", GPU, -300, 165, steps(60, 0, 86, 9999, 60)).evaluateAt("GpuTemperatureHigh", times);
    // Pending at 45 s: at 164 s that is 1m59s, at 165 s the 2m.
    assertThat(of("critical")).containsExactly("PENDING@45", "FIRING@165");
    assertThat(firing("critical").annotations().get("summary"))
        .isEqualTo("GPU 0 on gpu-node-1 at 86 °C: thermal throttling");
  }

  @Test
  void theExportersXidCountIsTheAlertsValueAndItsSummaryNamesTheCode() {
    dcgm("DCGM_EXP_XID_ERRORS_TOTAL", with(GPU, "xid", "13"), -300, 300, s -> s < 120 ? 0 : s < 135 ? 1 : 3)
        .evaluate("GpuXidErrors", 0, 300);
    assertThat(of("warning")).containsExactly("PENDING@120", "FIRING@120");
    assertThat(transitions.get(1).value()).isEqualTo(1);
    Alert xid = firing("warning");
    assertThat(xid.value()).as("three XID 13 in the 10m window").isEqualTo(3);
    assertThat(xid.labels()).containsEntry("xid", "13").containsEntry("UUID", "GPU-aaa");
    assertThat(xid.annotations().get("summary")).isEqualTo("GPU 0 on gpu-node-1 reported XID 13");
  }

  @Test
  void theExportersWindowedXidCountFiresOnARiseAndNotOnTheWindowMovingOn() {
    // DCGM_EXP_XID_ERRORS_COUNT counts the XIDs of its last 5 minutes: up at 60 s and 75 s, down at 375 s.
    dcgm("DCGM_EXP_XID_ERRORS_COUNT", with(GPU, "xid", "94"), -300, 4500, s -> s < 60 ? 0 : s < 75 ? 1 : s < 375 ? 2 : 0)
        .evaluate("GpuXidErrors", 0, 4500);
    // The rise at 75 s leaves the 10m window at 660 s; kept firing an hour after that.
    assertThat(of("warning")).containsExactly("PENDING@60", "FIRING@60", "RESOLVED@4260");
  }

  @Test
  void theLifetimeEccCounterCountsWhereNoVolatileOneIsExportedAndNeverTwice() {
    Map<String, String> aggregateOnly = with(GPU, "Hostname", "gpu-node-7");
    dcgm("DCGM_FI_DEV_ECC_DBE_AGG_TOTAL", aggregateOnly, -300, 900, s -> s < 60 ? 4 : 5)
        // Both counters, the volatile one reset by a driver reload while the lifetime one goes on:
        // the volatile one is read, so the lifetime one's rise is not counted again.
        .dcgm("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", GPU, -300, 900, s -> s < 300 ? 2 : 0)
        .dcgm("DCGM_FI_DEV_ECC_DBE_AGG_TOTAL", GPU, -300, 900, s -> s < 300 ? 10 : 12)
        .evaluate("GpuEccDoubleBitErrors", 0, 900);
    assertThat(of("critical")).containsExactly("PENDING@60", "FIRING@60");
    assertThat(transitions).allSatisfy(t -> assertThat(t.labels()).containsEntry("Hostname", "gpu-node-7"));
    assertThat(firing("critical").annotations().get("summary"))
        .isEqualTo("GPU 0 on gpu-node-7: 1 new double-bit ECC errors, hardware degrading");
  }

  @Test
  void aBacktestOverTheStoredRawSeriesAnswersTheLiveFiringTimes(@TempDir Path dir) {
    dcgm("DCGM_FI_DEV_GPU_TEMP", GPU, -300, 1500, steps(60, 0, 86, 600, 60))
        .dcgm("DCGM_FI_DEV_FB_USED", GPU, -300, 1500, steps(40_000, 0, 79_000, 900, 40_000))
        .dcgm("DCGM_FI_DEV_FB_FREE", GPU, -300, 1500, steps(40_000, 0, 1_000, 900, 40_000))
        .dcgm("DCGM_FI_DEV_GPU_UTIL", TRAINING_GPU, -300, 1500, steps(95, 0, 5, 1200, 95))
        .dcgm("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", GPU, -300, 1500, s -> s < 60 ? 0 : 2)
        .dcgm("DCGM_FI_DEV_XID_ERRORS", TRAINING_GPU, -300, 1500, s -> s < 90 ? 0 : s < 700 ? 79 : 43);
    RuleEngine live = new RuleEngine(COMPUTE_RULES,
        new GpuRuleSignals(new SampleSignals(samples), WorkloadClassifier.defaults()), VersionHistory.none(), a -> { },
        RuleEngine.Settings.DEFAULTS);
    for (int s = 0; s <= 1500; s += 15) live.evaluate(T0 + s * 1000L);
    List<String> liveTimes = live.history().stream().map(ComputeRulePackTest::text).sorted().toList();
    assertThat(liveTimes).as("every row fires in this story").hasSizeGreaterThan(16);

    MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 1_500_000));
    try (DuckDbStore store = DuckDbStore.open(dir.resolve("loupe.duckdb"), clock);
        AlertingRules alerting = new AlertingRules(RulesConfig.DEFAULTS, COMPUTE_RULES, store, null, new DeploymentLog(),
            LoupeConfig.DEFAULTS.limits(), WorkloadClassifier.defaults(),
            new NetworkDimensionJudge(NetworkFreshness.DEFAULTS, List.of(), T0),
            new ReportingSources(new InferenceWindows(clock), List.of()), clock, a -> { })) {
      store.append(Batch.ofSamples(samples));
      List<String> backtest = new ArrayList<>();
      for (Rule r : COMPUTE_RULES) {
        alerting.backtest(r, T0, T0 + 1_500_000, Duration.ofSeconds(15)).transitions()
            .forEach(t -> backtest.add(text(t)));
      }
      assertThat(backtest.stream().sorted().toList()).isEqualTo(liveTimes);
    }
  }

  static String text(Transition t) {
    return t.rule() + "/" + t.labels().get("severity") + " " + t.labels().getOrDefault("xid", "") + " " + t.kind()
        + "@" + (t.atMillis() - T0) / 1000;
  }
}
