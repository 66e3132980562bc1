package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.dimension.model.DeploymentLog;
import dev.loupe.model.Deployment;
import dev.loupe.model.Dimension;
import dev.loupe.model.Sample;
import dev.loupe.rule.AlertSink;
import dev.loupe.rule.Rule;
import dev.loupe.rule.RuleEngine;
import dev.loupe.rule.SampleSignals;
import dev.loupe.rule.Transition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Each model row of the built-in pack, driven across its threshold with explicit evaluation
 * times (every 15 s, as {@code rules.evaluation_interval}): when it goes pending, fires and
 * resolves. Loupe's model signals are fed as the per-minute points the rollups give (a point at
 * each minute boundary for the minute before it); vLLM and cache counters as scrapes every 15 s.
 */
class ModelRulePackTest {
  static final long T0 = 1_764_000_000_000L - 1_764_000_000_000L % 3_600_000; // on an hour
  static final long MIN = 60_000;
  static final long STEP = 15_000;

  /** Minutes after T0, possibly fractional (0.25 = 15 s). */
  static long at(double minutes) {
    return T0 + Math.round(minutes * MIN);
  }

  /** The samples of a scenario, the limits and rollouts, and what evaluation produced. */
  static final class Scenario {
    final List<Sample> samples = new ArrayList<>();
    final DeploymentLog deployments = new DeploymentLog();
    LoupeConfig.Limits limits = new LoupeConfig.Limits(null);
    final List<Transition> transitions = new ArrayList<>();

    /** A model signal of one deployment and version: a point per minute in [fromMin, toMin], value by minute. */
    Scenario model(String signal, String deployment, String version, int fromMin, int toMin, DoubleUnaryOperator value) {
      Map<String, String> labels = new TreeMap<>(Map.of("service", "svc", "deployment", deployment, "model", "gpt-4o",
          "model_version", version));
      if (signal.contains("{quantile=")) {
        labels.put("quantile", signal.substring(signal.indexOf('"') + 1, signal.lastIndexOf('"')));
        signal = signal.substring(0, signal.indexOf('{'));
      }
      for (int m = fromMin; m <= toMin; m++) samples.add(new Sample(signal, labels, at(m), value.applyAsDouble(m)));
      return this;
    }

    /** A scraped series: a sample every 15 s in [fromMin, toMin], value by (fractional) minute. */
    Scenario scraped(String name, Map<String, String> labels, double fromMin, double toMin, DoubleUnaryOperator value) {
      for (double m = fromMin; m <= toMin + 1e-9; m += 0.25) samples.add(new Sample(name, labels, at(m), value.applyAsDouble(m)));
      return this;
    }

    /** Evaluates the pack's rules of {@code alert} every 15 s over [fromMin, toMin]. */
    Scenario evaluate(String alert, double fromMin, double toMin) {
      List<Rule> rules = BuiltinRules.load(RulesConfig.Builtin.DEFAULTS).stream()
          .filter(r -> r.name().equals(alert)).toList();
      assertThat(rules).as("pack rules named " + alert).isNotEmpty().allMatch(r -> r.dimension() == Dimension.MODEL);
      RuleEngine engine = new RuleEngine(rules, new LimitSignals(new SampleSignals(samples), limits),
          new DeploymentVersionHistory(deployments), alerts -> { }, RuleEngine.Settings.DEFAULTS);
      for (long t = at(fromMin); t <= at(toMin); t += STEP) engine.evaluate(t);
      transitions.addAll(engine.history());
      return this;
    }

    /** The times (minutes after T0) of one severity's transitions, as "KIND@minutes". */
    List<String> of(String severity) {
      return transitions.stream().filter(t -> severity.equals(t.labels().get("severity")))
          .map(t -> t.kind() + "@" + minutes(t.atMillis())).toList();
    }

    Transition first(String severity, Transition.Kind kind) {
      return transitions.stream().filter(t -> severity.equals(t.labels().get("severity")) && t.kind() == kind)
          .findFirst().orElseThrow();
    }
  }

  static String minutes(long millis) {
    double m = (millis - T0) / (double) MIN;
    return m == Math.rint(m) ? String.valueOf((long) m) : String.valueOf(m);
  }

  static DoubleUnaryOperator steps(double before, double from, double during, double until, double after) {
    return m -> m < from ? before : m < until ? during : after;
  }

  @Test
  void errorRatioAbove2PercentFor5mWarnsAbove10PercentCriticalAndResolves() {
    // The minutes ending 11:00 to 30:00 fail 5 %, the others 1 %.
    Scenario warn = new Scenario()
        .model("loupe_model_error_ratio", "chat", "v1", -5, 45, steps(0.01, 11, 0.05, 31, 0.01))
        .evaluate("ModelErrorRatioHigh", 0, 45);
    // At 11:00 the 2m window holds 0.01 and 0.05: 0.03 > 0.02. At 31:00 it holds 0.05 and 0.01 still; at 32:00 not.
    assertThat(warn.of("warning")).containsExactly("PENDING@11", "FIRING@16", "RESOLVED@32");
    assertThat(warn.of("critical")).isEmpty();
    assertThat(warn.first("warning", Transition.Kind.FIRING).labels())
        .containsEntry("deployment", "chat").containsEntry("service", "svc").containsEntry("dimension", "model");

    Scenario crit = new Scenario()
        .model("loupe_model_error_ratio", "chat", "v1", -5, 30, steps(0.01, 11, 0.30, 21, 0.0))
        .evaluate("ModelErrorRatioHigh", 0, 30);
    // 0.155 at 11:00 is over both thresholds.
    assertThat(crit.of("critical")).containsExactly("PENDING@11", "FIRING@16", "RESOLVED@22");
    assertThat(crit.of("warning")).containsExactly("PENDING@11", "FIRING@16", "RESOLVED@22");
  }

  @Test
  void a2PercentErrorBlipShorterThanItsForNeverFires() {
    Scenario s = new Scenario()
        .model("loupe_model_error_ratio", "chat", "v1", -5, 30, steps(0.0, 11, 0.08, 14, 0.0))
        .evaluate("ModelErrorRatioHigh", 0, 30);
    assertThat(s.of("warning")).containsExactly("PENDING@11", "CANCELLED@15");
  }

  @Test
  void throttlingAbove1PercentFor10mWarnsAbove5PercentFor5mIsCritical() {
    Scenario warn = new Scenario()
        .model("loupe_model_throttled_ratio", "chat", "v1", -5, 40, steps(0.0, 1, 0.03, 21, 0.0))
        .evaluate("ModelThrottled", 0, 40);
    // 0.015 at 1:00 (0.0 and 0.03): over 1 %; 0.015 at 21:00, 0 at 22:00.
    assertThat(warn.of("warning")).containsExactly("PENDING@1", "FIRING@11", "RESOLVED@22");
    assertThat(warn.of("critical")).isEmpty();

    Scenario crit = new Scenario()
        .model("loupe_model_throttled_ratio", "chat", "v1", -5, 40, steps(0.0, 1, 0.20, 21, 0.0))
        .evaluate("ModelThrottled", 0, 40);
    assertThat(crit.of("critical")).containsExactly("PENDING@1", "FIRING@6", "RESOLVED@22");
  }

  @Test
  void ttftP95Above2sFor5mWarnsAbove5sIsCritical() {
    Scenario s = new Scenario()
        .model("loupe_model_ttft_seconds{quantile=\"0.95\"}", "chat", "v1", -5, 40, steps(0.5, 1, 3.5, 21, 0.5))
        .model("loupe_model_ttft_seconds{quantile=\"0.5\"}", "chat", "v1", -5, 40, m -> 9) // another quantile: not read
        .evaluate("ModelTimeToFirstTokenHigh", 0, 40);
    // avg(0.5, 3.5) = 2.0 at 1:00 and at 21:00 is not above 2; 3.5 at 2:00 is.
    assertThat(s.of("warning")).containsExactly("PENDING@2", "FIRING@7", "RESOLVED@21");
    assertThat(s.of("critical")).isEmpty();

    Scenario crit = new Scenario()
        .model("loupe_model_ttft_seconds{quantile=\"0.95\"}", "chat", "v1", -5, 40, steps(0.5, 1, 8, 21, 0.5))
        .evaluate("ModelTimeToFirstTokenHigh", 0, 40);
    // avg(0.5, 8) = 4.25 at 1:00 and 21:00 is not above 5.
    assertThat(crit.of("critical")).containsExactly("PENDING@2", "FIRING@7", "RESOLVED@21");
  }

  @Test
  void tokensPerMinuteOver80PercentOfTheLimitFor15mWarnsOver95For5mIsCriticalSummedOverVersions() {
    Scenario s = new Scenario();
    s.limits = new LoupeConfig.Limits(Map.of("chat", new LoupeConfig.DeploymentLimit(100_000.0, null)));
    // Two versions share the traffic: 45k + 40k = 85 % of the limit from the minute ending 1:00 to 40:00.
    s.model("loupe_model_tokens_per_minute", "chat", "v1", -5, 50, steps(30_000, 1, 45_000, 41, 30_000))
        .model("loupe_model_tokens_per_minute", "chat", "v2", -5, 50, steps(20_000, 1, 40_000, 41, 20_000))
        .evaluate("ModelTokensPerMinuteNearLimit", 0, 50);
    // 1:00 holds (50k, 85k): 67.5 %; 2:00 holds two 85k minutes; 41:00 holds (85k, 50k) again.
    assertThat(s.of("warning")).containsExactly("PENDING@2", "FIRING@17", "RESOLVED@41");
    assertThat(s.of("critical")).isEmpty();
    assertThat(s.first("warning", Transition.Kind.FIRING).value()).isEqualTo(0.85);

    Scenario crit = new Scenario();
    crit.limits = s.limits;
    crit.model("loupe_model_tokens_per_minute", "chat", "v1", -5, 30, steps(50_000, 1, 97_000, 21, 50_000))
        .evaluate("ModelTokensPerMinuteNearLimit", 0, 30);
    assertThat(crit.of("critical")).containsExactly("PENDING@2", "FIRING@7", "RESOLVED@21");
  }

  @Test
  void withoutALimitInConfigTheTpmRuleSaysWhatItMisses() {
    List<Rule> rules = BuiltinRules.load(RulesConfig.Builtin.DEFAULTS).stream()
        .filter(r -> r.name().equals("ModelTokensPerMinuteNearLimit")).toList();
    Scenario s = new Scenario().model("loupe_model_tokens_per_minute", "chat", "v1", -5, 5, m -> 90_000);
    RuleEngine engine = new RuleEngine(rules, new LimitSignals(new SampleSignals(s.samples), s.limits),
        new DeploymentVersionHistory(s.deployments), alerts -> { }, RuleEngine.Settings.DEFAULTS);
    engine.evaluate(at(5));
    assertThat(engine.status()).allSatisfy(st -> assertThat(st.missingInputs()).containsExactly(
        "missing input: loupe_model_tpm_limit never seen (set the deployment's limit as limits.deployments.NAME.tpm in loupe.yml)"));
  }

  @Test
  void requestsPerMinuteOver80PercentWarnsOnlyWhileTokensAreUnderHalfTheirLimit() {
    LoupeConfig.Limits limits =
        new LoupeConfig.Limits(Map.of("chat", new LoupeConfig.DeploymentLimit(100_000.0, 1_000.0)));
    Scenario small = new Scenario();
    small.limits = limits;
    small.model("loupe_model_requests_per_minute", "chat", "v1", -5, 30, m -> 850)
        .model("loupe_model_tokens_per_minute", "chat", "v1", -5, 30, m -> 30_000)
        .evaluate("ModelRequestsPerMinuteNearLimit", 0, 30);
    assertThat(small.of("warning")).containsExactly("PENDING@0", "FIRING@15");

    Scenario big = new Scenario();
    big.limits = limits;
    big.model("loupe_model_requests_per_minute", "chat", "v1", -5, 30, m -> 850)
        .model("loupe_model_tokens_per_minute", "chat", "v1", -5, 30, m -> 60_000)
        .evaluate("ModelRequestsPerMinuteNearLimit", 0, 30);
    assertThat(big.of("warning")).as("TPM is at 60 %: the TPM rule speaks, not this one").isEmpty();
  }

  @Test
  void p95LatencyOfTheNewVersion40PercentAboveThePreviousFor10mWarnsNamingBothVersions() {
    Scenario s = new Scenario();
    s.deployments.add(new Deployment(at(30), "svc", "chat", "gpt-4o", "v1", "v2"));
    s.model("loupe_model_latency_seconds{quantile=\"0.95\"}", "chat", "v1", 0, 30, m -> 0.8)
        .model("loupe_model_requests_per_minute", "chat", "v1", 0, 30, m -> 60)
        .model("loupe_model_latency_seconds{quantile=\"0.95\"}", "chat", "v2", 31, 60, m -> 1.2)
        .model("loupe_model_requests_per_minute", "chat", "v2", 31, 60, m -> 60)
        .evaluate("ModelLatencyRegression", 25, 60);
    // v2's first minute ends 31:00 with 60 requests; 1.2 s against v1's 0.8 s before the rollout: +50 %.
    assertThat(s.of("warning")).containsExactly("PENDING@31", "FIRING@41");
    assertThat(s.of("critical")).isEmpty();
    Transition fired = s.first("warning", Transition.Kind.FIRING);
    assertThat(fired.labels()).containsEntry("model_version", "v2").containsEntry("previous_model_version", "v1");
    assertThat(fired.value()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));

    Scenario worse = new Scenario();
    worse.deployments.add(new Deployment(at(30), "svc", "chat", "gpt-4o", "v1", "v2"));
    worse.model("loupe_model_latency_seconds{quantile=\"0.95\"}", "chat", "v1", 0, 30, m -> 0.8)
        .model("loupe_model_latency_seconds{quantile=\"0.95\"}", "chat", "v2", 31, 60, m -> 2.0)
        .model("loupe_model_requests_per_minute", "chat", "v2", 31, 60, m -> 60)
        .evaluate("ModelLatencyRegression", 25, 60);
    assertThat(worse.of("critical")).containsExactly("PENDING@31", "FIRING@41");
  }

  @Test
  void aSlowerVersionWithTooFewRequestsOrAFasterOneSaysNothing() {
    Scenario few = new Scenario();
    few.deployments.add(new Deployment(at(30), "svc", "chat", "gpt-4o", "v1", "v2"));
    few.model("loupe_model_latency_seconds{quantile=\"0.95\"}", "chat", "v1", 0, 30, m -> 0.8)
        .model("loupe_model_latency_seconds{quantile=\"0.95\"}", "chat", "v2", 31, 60, m -> 5)
        .model("loupe_model_requests_per_minute", "chat", "v2", 31, 60, m -> 3)
        .evaluate("ModelLatencyRegression", 25, 60);
    assertThat(few.transitions).as("30 requests in 10 minutes are under the 50 the rule asks").isEmpty();

    Scenario close = new Scenario();
    close.deployments.add(new Deployment(at(30), "svc", "chat", "gpt-4o", "v1", "v2"));
    close.model("loupe_model_latency_seconds{quantile=\"0.95\"}", "chat", "v1", 0, 30, m -> 0.8)
        .model("loupe_model_latency_seconds{quantile=\"0.95\"}", "chat", "v2", 31, 60, m -> 1.0)
        .model("loupe_model_requests_per_minute", "chat", "v2", 31, 60, m -> 60)
        .evaluate("ModelLatencyRegression", 25, 60);
    assertThat(close.transitions).as("+25 % is under +40 %").isEmpty();
  }

  @Test
  void outputTokenRateDownAThirdFromItsWeekFor15mWarnsDownHalfIsCritical() {
    Scenario s = new Scenario()
        .model("loupe_model_output_tokens_per_second", "chat", "v1", -7 * 24 * 60 - 20, 60, steps(100, 1, 60, 41, 100))
        .evaluate("ModelOutputTokenRateDrop", 0, 60);
    // The 15m average falls under 70 once 12 of its 15 minutes are at 60 (12:00); it is over 70 again
    // once 4 of them are back at 100: the minute ending 44:00.
    assertThat(s.of("warning")).containsExactly("PENDING@12", "FIRING@27", "RESOLVED@44");
    assertThat(s.of("critical")).isEmpty();

    Scenario crit = new Scenario()
        .model("loupe_model_output_tokens_per_second", "chat", "v1", -7 * 24 * 60 - 20, 60, steps(100, 1, 40, 41, 100))
        .evaluate("ModelOutputTokenRateDrop", 0, 60);
    // Under 50 once 13 of 15 minutes are at 40.
    assertThat(crit.of("critical")).containsExactly("PENDING@13", "FIRING@28", "RESOLVED@43");
  }

  @Test
  void aQueueGrowingFor10mWhileThroughputIsFlatWarnsAndGrowingThroughputExcusesIt() {
    Map<String, String> vllm = Map.of("instance", "vllm-0:8000", "model_name", "llama-3-70b");
    Scenario s = new Scenario()
        .scraped("vllm:num_requests_waiting", vllm, -30, 40, m -> m <= 0 ? 5 : m <= 20 ? 5 + m : 25)
        .scraped("vllm:generation_tokens_total", vllm, -30, 40, m -> (m + 30) * 60_000)
        .evaluate("ModelQueueGrowing", 0, 40);
    // The first rising sample is at 0:15; the window (19:45, 29:45] holds only the flat top (25 from 20:00).
    assertThat(s.of("warning")).containsExactly("PENDING@0.25", "FIRING@10.25", "RESOLVED@29.75");

    Scenario growing = new Scenario()
        .scraped("vllm:num_requests_waiting", vllm, -30, 40, m -> m <= 0 ? 5 : m <= 20 ? 5 + m : 25)
        // 1,000 tokens/s until 0:00, then 100 more every minute: the load grows with the queue.
        .scraped("vllm:generation_tokens_total", vllm, -30, 40,
            m -> m <= 0 ? (m + 30) * 60_000 : 1_800_000 + 60_000 * (m + m * m / 20))
        .evaluate("ModelQueueGrowing", 0, 40);
    // At 0:15 the 10m throughput window still holds the old rate, so it goes pending, until its rise
    // passes 10 % at 4:30; it never fires.
    assertThat(growing.of("warning")).as("throughput grows: the queue follows the load")
        .containsExactly("PENDING@0.25", "CANCELLED@4.5");
  }

  @Test
  void semanticCacheHitRateDownAThirdFromItsWeekFor30mWarns() {
    Map<String, String> labels = Map.of("deployment", "chat");
    double week = 7 * 24 * 60 + 40;
    // 10 requests a second; half were cache hits until 0:00, then 30 %.
    Scenario s = new Scenario()
        .scraped("semantic_cache_requests_total", labels, -week, 90, m -> (m + week) * 600)
        .scraped("semantic_cache_hits_total", labels, -week, 90, m -> m <= 0 ? (m + week) * 300 : week * 300 + m * 180)
        .evaluate("ModelSemanticCacheHitRateDrop", 0, 90);
    List<String> warning = s.of("warning");
    assertThat(warning).hasSize(2);
    double pending = Double.parseDouble(warning.get(0).substring("PENDING@".length()));
    // The 30m ratio is 0.5 - 0.2·t/30 with t minutes since the drop: under 0.35 from t = 22.5.
    assertThat(pending).isBetween(22.5, 23.0);
    assertThat(warning.get(1)).isEqualTo("FIRING@" + minutes(at(pending + 30)));
  }
}
