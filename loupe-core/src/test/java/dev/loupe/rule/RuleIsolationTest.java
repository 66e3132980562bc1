package dev.loupe.rule;

import static dev.loupe.rule.TestRules.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.AlertState;
import dev.loupe.model.Dimension;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.SeriesSelector;
import dev.loupe.model.Severity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class RuleIsolationTest {
  private final TestRules.Signals signals = new TestRules.Signals();

  private static Rule reading(String name, String metric, String hint) {
    return new Rule(name,
        Expression.of(new Expression.Operand(SeriesSelector.parse(metric), Aggregation.parse("max")), Duration.ofMinutes(1), List.of()),
        Condition.parseThreshold("> 0"), Duration.ZERO, Duration.ZERO, Severity.CRITICAL, Dimension.COMPUTE,
        Map.of(), Map.of(), hint);
  }

  @Test
  void aBrokenRuleRecordsItsErrorAndTheOthersGoOn() {
    SignalSource failing = new SignalSource() {
      @Override
      public List<RangeSeries> range(SeriesSelector s, long from, long to) {
        if (s.metricName().equals("broken")) throw new IllegalStateException("store unavailable for broken");
        return signals.range(s, from, to);
      }
    };
    RuleEngine e = new RuleEngine(
        List.of(reading("Broken", "broken", ""), TestRules.temperature("GpuHot", 80, Duration.ZERO, Duration.ZERO, Severity.WARNING)),
        failing, VersionHistory.none(), a -> { }, RuleEngine.Settings.DEFAULTS);
    signals.temp("0", T0, 90);
    e.evaluate(T0);
    assertThat(e.alerts()).extracting(a -> a.rule(), a -> a.state())
        .containsExactly(org.assertj.core.groups.Tuple.tuple("GpuHot", AlertState.FIRING));
    RuleStatus broken = e.status().get(0);
    assertThat(broken.health()).isEqualTo(RuleStatus.Health.ERR);
    assertThat(broken.lastError()).isEqualTo("IllegalStateException: store unavailable for broken");
    assertThat(broken.lastEvaluationMillis()).isEqualTo(T0);
    RuleStatus ok = e.status().get(1);
    assertThat(ok.health()).isEqualTo(RuleStatus.Health.OK);
    assertThat(ok.lastError()).isEmpty();
    assertThat(ok.lastDuration()).isPositive();
  }

  @Test
  void aSlowRuleOverrunsItsBudgetWithoutHoldingUpTheOthers() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    SignalSource slow = (s, from, to) -> {
      if (s.metricName().equals("slow")) {
        try {
          release.await();
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
        }
      }
      return signals.range(s, from, to);
    };
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      RuleEngine e = new RuleEngine(
          List.of(reading("Slow", "slow", ""), TestRules.temperature("GpuHot", 80, Duration.ZERO, Duration.ZERO, Severity.WARNING)),
          slow, VersionHistory.none(), a -> { },
          RuleEngine.Settings.DEFAULTS.withExecutor(pool, Duration.ofSeconds(3)));
      signals.temp("0", T0, 90);
      e.evaluate(T0);
      assertThat(e.alerts()).extracting(a -> a.rule()).containsExactly("GpuHot");
      assertThat(e.status().get(0).lastError()).isEqualTo("evaluation did not finish within its budget of 3000 ms");
      // next tick: the slow query is still running, so the rule is skipped, not run twice
      signals.temp("0", T0 + 15_000, 90);
      e.evaluate(T0 + 15_000);
      assertThat(e.status().get(0).lastError()).startsWith("skipped: its evaluation of an earlier tick is still running");
      assertThat(e.status().get(1).health()).isEqualTo(RuleStatus.Health.OK);
      release.countDown();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aRuleNamesTheInputItNeverSawAndWhatProvidesIt() {
    RuleEngine e = new RuleEngine(
        List.of(reading("EccErrors", "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "dcgm-exporter's extended counter list"),
            TestRules.temperature("GpuHot", 80, Duration.ZERO, Duration.ZERO, Severity.WARNING)),
        signals, VersionHistory.none(), a -> { }, RuleEngine.Settings.DEFAULTS);
    assertThat(e.status().get(0).missingInputs()).as("before any evaluation nothing is known").isEmpty();
    signals.temp("0", T0, 70);
    e.evaluate(T0);
    assertThat(e.status().get(0).missingInputs()).containsExactly(
        "missing input: DCGM_FI_DEV_ECC_DBE_VOL_TOTAL never seen (dcgm-exporter's extended counter list)");
    assertThat(e.status().get(1).missingInputs()).isEmpty();
  }
}
