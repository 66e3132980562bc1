package dev.loupe.rule;

import static dev.loupe.rule.TestRules.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.Dimension;
import dev.loupe.model.SeriesSelector;
import dev.loupe.model.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TickReadsTest {
  @Test
  void rulesOnTheSameMetricShareOneReadPerEvaluationEachWithItsOwnMatchers() {
    TestRules.Signals signals = new TestRules.Signals();
    List<String> reads = new ArrayList<>();
    SignalSource counting = (s, from, to) -> {
      reads.add(s.metricName() + s.matchers());
      return signals.range(s, from, to);
    };
    Rule onlyGpu1 = new Rule("Gpu1Hot",
        Expression.of(new Expression.Operand(SeriesSelector.parse("gpu_temp{gpu=\"1\"}"), Aggregation.parse("max")),
            Duration.ofMinutes(1), List.of("gpu")),
        Condition.parseThreshold("> 80"), Duration.ZERO, Duration.ZERO, Severity.WARNING, Dimension.COMPUTE,
        Map.of(), Map.of(), "");
    RuleEngine e = new RuleEngine(List.of(
        TestRules.temperature("GpuHot", 80, Duration.ZERO, Duration.ZERO, Severity.WARNING),
        TestRules.temperature("GpuHot", 88, Duration.ZERO, Duration.ZERO, Severity.CRITICAL), onlyGpu1),
        counting, VersionHistory.none(), a -> { }, RuleEngine.Settings.DEFAULTS);
    signals.temp("0", T0, 95);
    signals.temp("1", T0, 85);
    e.evaluate(T0);
    assertThat(reads).containsExactly("gpu_temp[]");
    assertThat(e.alerts()).extracting(a -> a.rule() + "/" + a.labels().get("severity") + "/" + a.labels().get("gpu"))
        .containsExactlyInAnyOrder("GpuHot/warning/0", "GpuHot/warning/1", "GpuHot/critical/0", "Gpu1Hot/warning/1");
    e.evaluate(T0 + 15_000);
    assertThat(reads).hasSize(2);
  }
}
