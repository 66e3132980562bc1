package dev.loupe.dimension;

import static dev.loupe.testing.Inferences.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.dimension.model.DeploymentLog;
import dev.loupe.dimension.model.InferenceWindows;
import dev.loupe.dimension.model.ModelDimensionJudge;
import dev.loupe.model.Alert;
import dev.loupe.model.AlertState;
import dev.loupe.model.Dimension;
import dev.loupe.model.Inference;
import dev.loupe.model.SeriesKey;
import dev.loupe.model.Severity;
import dev.loupe.rule.Aggregation;
import dev.loupe.rule.Condition;
import dev.loupe.rule.Expression;
import dev.loupe.rule.Rule;
import dev.loupe.rule.RuleStatus;
import dev.loupe.model.SeriesSelector;
import dev.loupe.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthEvaluatorTest {
  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  final TestClock clock = new TestClock(T0);
  final InferenceWindows windows = new InferenceWindows(clock);
  final DeploymentLog deployments = new DeploymentLog();
  /** What the rule engine reports; the tests set it as the engine would after an evaluation. */
  List<RuleStatus> rules = List.of();
  final HealthEvaluator evaluator =
      new HealthEvaluator(clock, List.of(new ModelDimensionJudge(windows, clock.millis())), () -> rules);

  static Rule rule(String name, Severity severity, Dimension dimension, String missingHint) {
    return new Rule(name,
        Expression.of(new Expression.Operand(SeriesSelector.parse("loupe_model_error_ratio"),
            Aggregation.of(Aggregation.Kind.AVG)), Duration.ofMinutes(2), List.of("deployment")),
        Condition.parseThreshold("> 0.02"), Duration.ofMinutes(5), Duration.ZERO, severity, dimension,
        Map.of(), Map.of(), missingHint);
  }

  static Alert alert(String name, Severity severity, Dimension dimension, AlertState state, long firedAt, String summary) {
    return new Alert(name, Map.of("alertname", name, "severity", severity.name().toLowerCase(java.util.Locale.ROOT),
        "dimension", dimension.wireName(), "deployment", "chat"), state, firedAt - 300_000,
        state == AlertState.PENDING ? 0 : firedAt, 0, 0.05, Map.of("summary", summary));
  }

  static RuleStatus status(Rule rule, List<String> missing, Alert... alerts) {
    return new RuleStatus(rule, RuleStatus.Health.OK, 1, Duration.ZERO, "", missing, List.of(alerts));
  }

  void traffic(String version, int fromMin, int toMin, double latency) {
    List<Inference> batch = new ArrayList<>();
    for (int s = fromMin * 60; s < toMin * 60; s++) {
      batch.add(ok(T0.plusSeconds(s).toEpochMilli(), new SeriesKey("svc", "chat", "m", version),
          latency * (0.9 + 0.2 * ((s * 7919) % 100) / 100.0)));
    }
    windows.record(batch);
  }

  @Test
  void silenceIsNeverGreen() {
    HealthReport r = evaluator.evaluate();
    for (Dimension d : Dimension.values()) {
      DimensionHealth h = r.dimensions().get(d);
      assertThat(h.status()).as(d.wireName()).isEqualTo(HealthStatus.NO_DATA);
      assertThat(h.reasons().get(0)).contains("telemetry received for " + d.wireName() + " since 2026-11-28T10:00:00Z");
    }
    assertThat(r.dimensions().get(Dimension.MODEL).reasons().get(0)).contains("no inference telemetry");
    assertThat(r.status()).isEqualTo(HealthStatus.NO_DATA);
  }

  @Test
  void okThenTheWorstFiringAlertThenNoDataAfterSilence() {
    clock.set(T0.plusSeconds(25 * 60));
    traffic("v1", 0, 25, 800);
    HealthReport healthy = evaluator.evaluate();
    DimensionHealth model = healthy.dimensions().get(Dimension.MODEL);
    assertThat(model.status()).isEqualTo(HealthStatus.OK);
    assertThat(model.reasons()).isEmpty();
    assertThat(healthy.status()).as("ok outranks no data").isEqualTo(HealthStatus.OK);
    long okSince = model.sinceMillis();
    clock.advance(Duration.ofMinutes(1));
    assertThat(evaluator.evaluate().dimensions().get(Dimension.MODEL).sinceMillis()).isEqualTo(okSince);

    long fired = T0.plusSeconds(26 * 60).toEpochMilli();
    Rule errors = rule("ModelErrorRatioHigh", Severity.WARNING, Dimension.MODEL, "");
    Rule errorsCritical = rule("ModelErrorRatioHigh", Severity.CRITICAL, Dimension.MODEL, "");
    rules = List.of(
        status(errors, List.of(), alert("ModelErrorRatioHigh", Severity.WARNING, Dimension.MODEL, AlertState.FIRING,
            fired, "chat fails 5% of requests")),
        status(errorsCritical, List.of(), alert("ModelErrorRatioHigh", Severity.CRITICAL, Dimension.MODEL,
            AlertState.PENDING, fired, "chat fails 12% of requests")));
    HealthReport bad = evaluator.evaluate();
    assertThat(bad.status()).as("a pending alert changes nothing").isEqualTo(HealthStatus.WARNING);
    assertThat(bad.dimensions().get(Dimension.MODEL).sinceMillis()).as("since the breach began").isEqualTo(fired - 300_000);
    assertThat(bad.dimensions().get(Dimension.MODEL).reasons()).containsExactly("chat fails 5% of requests");
    assertThat(bad.dimensions().get(Dimension.COMPUTE).status()).as("an alert counts for its own dimension only")
        .isEqualTo(HealthStatus.NO_DATA);

    rules = List.of(status(errors, List.of()), status(errorsCritical, List.of(), alert("ModelErrorRatioHigh",
        Severity.CRITICAL, Dimension.MODEL, AlertState.FIRING, fired + 60_000, "chat fails 12% of requests")));
    assertThat(evaluator.evaluate().dimensions().get(Dimension.MODEL).status()).isEqualTo(HealthStatus.CRITICAL);

    // the last inference arrived (server clock) at 10:25; 16 minutes of silence
    rules = List.of();
    clock.set(T0.plusSeconds(41 * 60));
    DimensionHealth silent = evaluator.evaluate().dimensions().get(Dimension.MODEL);
    assertThat(silent.status()).isEqualTo(HealthStatus.NO_DATA);
    assertThat(silent.reasons().get(0)).contains("since 2026-11-28T10:25:00Z");
  }

  @Test
  void aRuleWhoseInputWasNeverSeenIsNamedAmongItsDimensionsReasonsWithoutChangingTheStatus() {
    clock.set(T0.plusSeconds(25 * 60));
    traffic("v1", 0, 25, 800);
    String missing = "missing input: loupe_model_tpm_limit never seen (limits.deployments.NAME.tpm in loupe.yml)";
    rules = List.of(status(rule("ModelTokensPerMinuteNearLimit", Severity.WARNING, Dimension.MODEL, ""), List.of(missing)),
        status(rule("ModelTokensPerMinuteNearLimit", Severity.CRITICAL, Dimension.MODEL, ""), List.of(missing)));
    DimensionHealth model = evaluator.evaluate().dimensions().get(Dimension.MODEL);
    assertThat(model.status()).isEqualTo(HealthStatus.OK);
    assertThat(model.reasons()).containsExactly("ModelTokensPerMinuteNearLimit: " + missing);
    DimensionHealth cost = evaluator.evaluate().dimensions().get(Dimension.COST);
    assertThat(cost.status()).isEqualTo(HealthStatus.NO_DATA);
  }

  @Test
  void statusOrderingPutsNoDataBelowOk() {
    assertThat(HealthStatus.NO_DATA.worst(HealthStatus.OK)).isEqualTo(HealthStatus.OK);
    assertThat(HealthStatus.CRITICAL.worst(HealthStatus.WARNING)).isEqualTo(HealthStatus.CRITICAL);
    assertThat(HealthStatus.NO_DATA.wireName()).isEqualTo("no_data");
  }

  @Test
  void computeAndNetworkJudgesSpeakLikeTheUnfedDimensions() {
    HealthEvaluator withAll = new HealthEvaluator(clock, List.of(
        new dev.loupe.dimension.compute.ComputeDimensionJudge(dev.loupe.dimension.compute.GpuFreshness.DEFAULTS,
            dev.loupe.dimension.compute.WorkloadClassifier.defaults(), clock.millis()),
        new dev.loupe.dimension.network.NetworkDimensionJudge(dev.loupe.dimension.network.NetworkFreshness.DEFAULTS,
            List.of(), clock.millis())), () -> List.<RuleStatus>of());
    HealthReport r = withAll.evaluate();
    HealthReport unfed = evaluator.evaluate();
    for (Dimension d : List.of(Dimension.COMPUTE, Dimension.NETWORK)) {
      assertThat(r.dimensions().get(d).status()).isEqualTo(HealthStatus.NO_DATA);
      assertThat(r.dimensions().get(d).reasons()).isEqualTo(unfed.dimensions().get(d).reasons());
    }
  }
}
