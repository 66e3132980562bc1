package dev.loupe.rule;

import static dev.loupe.rule.TestRules.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.Alert;
import dev.loupe.model.AlertState;
import dev.loupe.model.Sample;
import dev.loupe.model.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

/** The behaviours of Prometheus's alerting_test.go, driven every 15 s with injected time. */
class RuleStateTest {
  private final TestRules.Signals signals = new TestRules.Signals();
  private final List<List<Alert>> sent = new ArrayList<>();

  private RuleEngine engine(Rule... rules) {
    return new RuleEngine(List.of(rules), signals, VersionHistory.none(), sent::add, RuleEngine.Settings.DEFAULTS);
  }

  /** Writes the temperature for the step at {@code t} (hot when {@code hot} says so) and evaluates. */
  private List<Sample> step(RuleEngine e, long t, double value) {
    signals.temp("0", t, value);
    return e.evaluate(t);
  }

  private static long s(int seconds) {
    return T0 + seconds * 1000L;
  }

  private static Alert only(RuleEngine e) {
    assertThat(e.alerts()).hasSize(1);
    return e.alerts().get(0);
  }

  private List<Transition.Kind> run(RuleEngine e, int untilSeconds, LongPredicate hot) {
    for (int sec = 0; sec <= untilSeconds; sec += 15) step(e, s(sec), hot.test(sec) ? 90 : 70);
    return e.history().stream().map(Transition::kind).toList();
  }

  @Test
  void pendingFiresAtExactlyFor() {
    RuleEngine e = engine(TestRules.temperature("GpuHot", 80, Duration.ofMinutes(1), Duration.ZERO, Severity.WARNING));
    for (int sec = 0; sec <= 45; sec += 15) {
      step(e, s(sec), 90);
      assertThat(only(e).state()).as("at %ds", sec).isEqualTo(AlertState.PENDING);
      assertThat(only(e).activeSinceMillis()).isEqualTo(T0);
    }
    step(e, s(60), 90);
    Alert a = only(e);
    assertThat(a.state()).isEqualTo(AlertState.FIRING);
    assertThat(a.firedAtMillis()).isEqualTo(s(60));
    assertThat(a.labels()).containsEntry("alertname", "GpuHot").containsEntry("gpu", "0")
        .containsEntry("severity", "warning").containsEntry("dimension", "compute").containsEntry("team", "infra");
    assertThat(a.annotations()).containsEntry("summary", "GPU 0 at 90 C");
    assertThat(e.history()).extracting(Transition::kind, Transition::atMillis)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Transition.Kind.PENDING, T0),
            org.assertj.core.groups.Tuple.tuple(Transition.Kind.FIRING, s(60)));
    assertThat(sent.get(sent.size() - 1)).containsExactly(a);
  }

  @Test
  void aGapDeletesThePendingAlertAndRestartsFor() {
    RuleEngine e = engine(TestRules.temperature("GpuHot", 80, Duration.ofMinutes(1), Duration.ZERO, Severity.WARNING));
    // hot 0..30 s, cool at 45 s, hot again from 60 s
    List<Transition.Kind> kinds = run(e, 105, sec -> sec != 45);
    assertThat(only(e).state()).isEqualTo(AlertState.PENDING);
    assertThat(only(e).activeSinceMillis()).isEqualTo(s(60));
    step(e, s(120), 90);
    assertThat(only(e).state()).isEqualTo(AlertState.FIRING);
    assertThat(kinds).containsExactly(Transition.Kind.PENDING, Transition.Kind.CANCELLED, Transition.Kind.PENDING);
    // the cancelled pending alert was never handed on as resolved
    assertThat(sent.get(3)).isEmpty();
  }

  @Test
  void withoutForItFiresAtTheFirstBreach() {
    RuleEngine e = engine(TestRules.temperature("GpuHot", 80, Duration.ZERO, Duration.ZERO, Severity.CRITICAL));
    step(e, s(0), 70);
    assertThat(e.alerts()).isEmpty();
    step(e, s(15), 90);
    assertThat(only(e).state()).isEqualTo(AlertState.FIRING);
    assertThat(only(e).activeSinceMillis()).isEqualTo(s(15));
    assertThat(only(e).firedAtMillis()).isEqualTo(s(15));
  }

  @Test
  void keepFiringForHoldsAFiringAlertAfterTheConditionStops() {
    RuleEngine e = engine(TestRules.temperature("GpuHot", 80, Duration.ZERO, Duration.ofMinutes(1), Severity.WARNING));
    run(e, 60, sec -> sec == 0); // hot only at 0 s: firing, then kept from 15 s on
    assertThat(only(e).state()).isEqualTo(AlertState.FIRING);
    step(e, s(75), 70); // 75 - 15 = 60 s without the condition: no longer kept
    assertThat(only(e).state()).isEqualTo(AlertState.RESOLVED);
    assertThat(only(e).resolvedAtMillis()).isEqualTo(s(75));
  }

  @Test
  void keepFiringForRestartsWhenTheConditionReturns() {
    RuleEngine e = engine(TestRules.temperature("GpuHot", 80, Duration.ZERO, Duration.ofMinutes(1), Severity.WARNING));
    run(e, 105, sec -> sec == 0 || sec == 45); // cool from 60 s: kept until 120 s
    assertThat(only(e).state()).isEqualTo(AlertState.FIRING);
    assertThat(only(e).activeSinceMillis()).isEqualTo(T0);
    step(e, s(120), 70);
    assertThat(only(e).state()).isEqualTo(AlertState.RESOLVED);
    assertThat(e.history()).extracting(Transition::kind)
        .containsExactly(Transition.Kind.PENDING, Transition.Kind.FIRING, Transition.Kind.RESOLVED);
  }

  @Test
  void aResolvedAlertIsKeptFifteenMinutesAndARecurrenceIsANewAlert() {
    RuleEngine e = engine(TestRules.temperature("GpuHot", 80, Duration.ofSeconds(30), Duration.ZERO, Severity.WARNING));
    run(e, 45, sec -> sec <= 30); // fires at 30 s, resolves at 45 s
    assertThat(only(e).state()).isEqualTo(AlertState.RESOLVED);
    assertThat(only(e).resolvedAtMillis()).isEqualTo(s(45));
    // still reported as resolved for 15 minutes, gone after
    step(e, s(45 + 15 * 60), 70);
    assertThat(only(e).state()).isEqualTo(AlertState.RESOLVED);
    assertThat(sent.get(sent.size() - 1)).extracting(Alert::state).containsExactly(AlertState.RESOLVED);
    step(e, s(45 + 15 * 60 + 15), 70);
    assertThat(e.alerts()).isEmpty();

    RuleEngine again = engine(TestRules.temperature("GpuHot", 80, Duration.ofSeconds(30), Duration.ZERO, Severity.WARNING));
    signals.samples.clear();
    run(again, 60, sec -> sec <= 30 || sec == 60); // recurs at 60 s, within the retention
    Alert recurred = only(again);
    assertThat(recurred.state()).isEqualTo(AlertState.PENDING);
    assertThat(recurred.activeSinceMillis()).isEqualTo(s(60));
    assertThat(recurred.firedAtMillis()).isZero();
    step(again, s(75), 90);
    assertThat(only(again).state()).isEqualTo(AlertState.PENDING);
    step(again, s(90), 90);
    assertThat(only(again).state()).isEqualTo(AlertState.FIRING);
  }

  @Test
  void aSeverityChangeIsANewAlert() {
    RuleEngine e = engine(
        TestRules.temperature("GpuHot", 80, Duration.ofSeconds(30), Duration.ZERO, Severity.WARNING),
        TestRules.temperature("GpuHot", 88, Duration.ofSeconds(30), Duration.ZERO, Severity.CRITICAL));
    for (int sec = 0; sec <= 45; sec += 15) step(e, s(sec), 85);
    for (int sec = 60; sec <= 90; sec += 15) step(e, s(sec), 95);
    assertThat(e.alerts()).extracting(a -> a.labels().get("severity"), Alert::state, Alert::activeSinceMillis)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("warning", AlertState.FIRING, T0),
            org.assertj.core.groups.Tuple.tuple("critical", AlertState.FIRING, s(60)));
  }

  @Test
  void writesAlertsAndForStateSamplesAndEndsThemWithStalenessMarkers() {
    RuleEngine e = engine(TestRules.temperature("GpuHot", 80, Duration.ofSeconds(15), Duration.ZERO, Severity.WARNING));
    assertThat(step(e, s(0), 90)).as("the first evaluation restores and writes nothing").isEmpty();
    List<Sample> firing = step(e, s(15), 90);
    Map<String, String> labels = Map.of("alertname", "GpuHot", "gpu", "0", "severity", "warning",
        "dimension", "compute", "team", "infra");
    Map<String, String> withState = new java.util.TreeMap<>(labels);
    withState.put("alertstate", "firing");
    assertThat(firing).containsExactlyInAnyOrder(
        new Sample("ALERTS", withState, s(15), 1),
        new Sample("ALERTS_FOR_STATE", labels, s(15), T0 / 1000));
    List<Sample> resolved = step(e, s(30), 70);
    assertThat(resolved).hasSize(2).allMatch(Sample::isStaleMarker);
    assertThat(resolved).extracting(Sample::name).containsExactlyInAnyOrder("ALERTS", "ALERTS_FOR_STATE");
    assertThat(step(e, s(45), 70)).isEmpty();
  }
}
