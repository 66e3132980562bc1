package dev.loupe.rule;

import static dev.loupe.rule.TestRules.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.loupe.model.Alert;
import dev.loupe.model.Dimension;
import dev.loupe.model.Sample;
import dev.loupe.model.SeriesSelector;
import dev.loupe.model.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChangeConditionTest {
  private static Rule change(String text, String against, List<String> by) {
    return new Rule("Slower",
        Expression.of(new Expression.Operand(SeriesSelector.parse("latency_p95"), Aggregation.parse("avg")),
            Duration.ofMinutes(10), by),
        Condition.parseChange(text, Condition.parseReference(against)), Duration.ZERO, Duration.ZERO,
        Severity.WARNING, Dimension.MODEL, Map.of(),
        Rule.templates(Map.of("summary", "{{ $labels.model_version }} vs {{ $labels.previous_model_version }}: "
            + "{{ $value | humanizePercentage }}")), "");
  }

  @Test
  void comparesWithTheSameAggregationAnOffsetEarlier() {
    List<Sample> samples = new ArrayList<>();
    long week = Duration.ofDays(7).toMillis();
    for (long t = T0; t <= T0 + 600_000; t += 60_000) {
      samples.add(new Sample("latency_p95", Map.of("deployment", "a"), t, 1.0));
      samples.add(new Sample("latency_p95", Map.of("deployment", "a"), t + week, 1.5));
      samples.add(new Sample("latency_p95", Map.of("deployment", "b"), t, 1.0));
      samples.add(new Sample("latency_p95", Map.of("deployment", "b"), t + week, 1.1));
    }
    RuleEngine e = new RuleEngine(List.of(change("> 40%", "offset 7d", List.of("deployment"))),
        new SampleSignals(samples), VersionHistory.none(), a -> { }, RuleEngine.Settings.DEFAULTS);
    e.evaluate(T0 + week + 600_000);
    assertThat(e.alerts()).extracting(a -> a.labels().get("deployment")).containsExactly("a");
    assertThat(e.alerts().get(0).value()).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void comparesWithTheSameAggregationOverABaselineSpanBeforeTheWindow() {
    List<Sample> samples = new ArrayList<>();
    long day = Duration.ofDays(1).toMillis();
    // A day at 2.0 (1.0 the minute just before it, outside the span), then ten minutes at 1.2.
    samples.add(new Sample("latency_p95", Map.of("deployment", "a"), T0 - 60_000, 1.0));
    for (long t = T0; t < T0 + day; t += 60_000) samples.add(new Sample("latency_p95", Map.of("deployment", "a"), t, 2.0));
    for (long t = T0 + day; t < T0 + day + 600_000; t += 60_000) {
      samples.add(new Sample("latency_p95", Map.of("deployment", "a"), t, 1.2));
    }
    long now = T0 + day + 600_000 - 60_000;
    RuleEngine e = new RuleEngine(List.of(change("< -30%", "baseline 1d", List.of("deployment"))),
        new SampleSignals(samples), VersionHistory.none(), a -> { }, RuleEngine.Settings.DEFAULTS);
    e.evaluate(now);
    assertThat(e.alerts()).singleElement().satisfies(a -> assertThat(a.value()).isCloseTo(-0.4, within(1e-12)));
    assertThat(change("< -30%", "baseline 1d", List.of()).lookback()).isEqualTo(Duration.ofDays(1).plusMinutes(10));
    assertThatThrownBy(() -> Condition.parseReference("baseline")).hasMessageContaining("baseline <duration>");
  }

  @Test
  void aGuardKeepsOnlyTheGroupsWhereItsOwnConditionHoldsToo() {
    List<Sample> samples = new ArrayList<>();
    for (long t = T0; t <= T0 + 600_000; t += 60_000) {
      for (String d : List.of("a", "b")) {
        samples.add(new Sample("latency_p95", Map.of("deployment", d, "model_version", "v1"), t, 3.0));
        samples.add(new Sample("requests", Map.of("deployment", d, "model_version", "v1"), t, d.equals("a") ? 100 : 2));
      }
    }
    Rule slow = new Rule("Slow",
        Expression.of(new Expression.Operand(SeriesSelector.parse("latency_p95"), Aggregation.parse("avg")),
            Duration.ofMinutes(10), List.of("deployment", "model_version")),
        Condition.parseThreshold("> 2"), Duration.ZERO, Duration.ZERO, Severity.WARNING, Dimension.MODEL, Map.of(),
        Map.of(), "", new Rule.Guard(Expression.of(new Expression.Operand(SeriesSelector.parse("requests"),
            Aggregation.parse("sum")), Duration.ofMinutes(10), List.of("deployment")), Condition.parseThreshold(">= 50")));
    RuleEngine e = new RuleEngine(List.of(slow), new SampleSignals(samples), VersionHistory.none(), a -> { },
        RuleEngine.Settings.DEFAULTS);
    e.evaluate(T0 + 600_000);
    assertThat(e.alerts()).extracting(a -> a.labels().get("deployment")).containsExactly("a");
    assertThat(slow.inputs()).containsExactly("latency_p95", "requests");
    assertThat(e.status().get(0).missingInputs()).isEmpty();
    RuleEngine quiet = new RuleEngine(List.of(slow), new SampleSignals(samples.stream()
        .filter(x -> x.name().equals("requests")).toList()), VersionHistory.none(), a -> { }, RuleEngine.Settings.DEFAULTS);
    quiet.evaluate(T0 + 600_000);
    assertThat(quiet.status().get(0).missingInputs()).as("the guard's input is seen even without a breach")
        .containsExactly(RuleEngine.missingText("latency_p95", ""));
    assertThatThrownBy(() -> new Rule("Slow", slow.expression(), slow.condition(), Duration.ZERO, Duration.ZERO,
        Severity.WARNING, Dimension.MODEL, Map.of(), Map.of(), "", new Rule.Guard(Expression.of(
            new Expression.Operand(SeriesSelector.parse("requests"), Aggregation.parse("sum")), Duration.ofMinutes(10),
            List.of("pod")), Condition.parseThreshold(">= 50"))))
        .hasMessageContaining("when.by must be among the rule's by labels");
  }

  @Test
  void comparesEachVersionWithTheVersionItReplacedAsItRanBeforeTheRollout() {
    long rollout = T0 + 3_600_000;
    List<Sample> samples = new ArrayList<>();
    for (long t = T0; t < rollout; t += 60_000) {
      samples.add(new Sample("latency_p95", Map.of("deployment", "chat", "model_version", "v1"), t, 2.0));
    }
    for (long t = rollout; t <= rollout + 1_200_000; t += 60_000) {
      samples.add(new Sample("latency_p95", Map.of("deployment", "chat", "model_version", "v2"), t, 3.0));
    }
    VersionHistory versions = labels -> "v2".equals(labels.get("model_version"))
        ? Optional.of(new VersionHistory.Previous("v1", rollout)) : Optional.empty();
    RuleEngine e = new RuleEngine(List.of(change("> +40%", "previous_model_version", List.of("deployment", "model_version"))),
        new SampleSignals(samples), versions, a -> { }, RuleEngine.Settings.DEFAULTS);
    e.evaluate(rollout + 1_200_000);
    Alert a = e.alerts().get(0);
    assertThat(a.labels()).containsEntry("model_version", "v2").containsEntry("previous_model_version", "v1");
    assertThat(a.value()).isCloseTo(0.5, within(1e-12));
    assertThat(a.annotations()).containsEntry("summary", "v2 vs v1: 50%");
  }

  @Test
  void aPreviousVersionChangeNeedsModelVersionAmongTheGroupLabels() {
    assertThatThrownBy(() -> change("> 40%", "previous_model_version", List.of("deployment")))
        .hasMessageContaining("needs model_version among the 'by' labels");
    assertThatThrownBy(() -> Condition.parseReference("last week")).hasMessageContaining("offset <duration>");
    assertThatThrownBy(() -> Condition.parseThreshold("83")).hasMessageContaining("expected one of > >= < <= == !=");
  }
}
