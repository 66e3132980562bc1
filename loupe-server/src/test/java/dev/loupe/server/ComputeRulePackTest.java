package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.dimension.compute.GpuRuleSignals;
import dev.loupe.dimension.compute.WorkloadClassifier;
import dev.loupe.model.Dimension;
import dev.loupe.model.Sample;
import dev.loupe.rule.Rule;
import dev.loupe.rule.RuleEngine;
import dev.loupe.rule.SampleSignals;
import dev.loupe.rule.Transition;
import dev.loupe.rule.VersionHistory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

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

  /** A dcgm field every 15 s in [fromSec, toSec], value by second. */
  ComputeRulePackTest dcgm(String field, Map<String, String> labels, int fromSec, int toSec, IntToDoubleFunction v) {
    for (int s = fromSec; s <= toSec; s += 15) samples.add(new Sample(field, labels, T0 + s * 1000L, v.applyAsDouble(s)));
    return this;
  }

  ComputeRulePackTest evaluate(String alert, int fromSec, int toSec) {
    List<Rule> rules = BuiltinRules.load(RulesConfig.Builtin.DEFAULTS).stream().filter(r -> r.name().equals(alert)).toList();
    assertThat(rules).isNotEmpty().allMatch(r -> r.dimension() == Dimension.COMPUTE);
    RuleEngine engine = new RuleEngine(rules, new GpuRuleSignals(new SampleSignals(samples), WorkloadClassifier.defaults()),
        VersionHistory.none(), a -> { }, RuleEngine.Settings.DEFAULTS);
    for (int s = fromSec; s <= toSec; s += 15) engine.evaluate(T0 + s * 1000L);
    transitions.addAll(engine.history());
    return this;
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
}
