package dev.loupe.rule;

import static dev.loupe.rule.TestRules.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.Severity;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BacktestTest {
  @Test
  void theBacktestAnswersTheSameTransitionsAsLiveEvaluationOverTheSameData() {
    // Two GPUs over three hours, samples every 15 s; hot spells of random length with gaps.
    TestRules.Signals signals = new TestRules.Signals();
    Random random = new Random(42);
    long end = T0 + Duration.ofHours(3).toMillis();
    for (String gpu : List.of("0", "1")) {
      boolean hot = false;
      for (long t = T0; t <= end; t += 15_000) {
        if (random.nextInt(12) == 0) hot = !hot;
        signals.temp(gpu, t, hot ? 85 + random.nextInt(10) : 60 + random.nextInt(10));
      }
    }
    signals.samples.sort(java.util.Comparator.comparingLong(dev.loupe.model.Sample::timestampMillis));
    Rule rule = TestRules.temperature("GpuHot", 80, Duration.ofMinutes(2), Duration.ofSeconds(45), Severity.WARNING);

    // Live: the engine ticks every 15 s as a clock advances, reading what has arrived so far.
    TestRules.Signals arrived = new TestRules.Signals();
    RuleEngine live = new RuleEngine(List.of(rule), arrived, VersionHistory.none(), a -> { }, RuleEngine.Settings.DEFAULTS);
    int next = 0;
    for (long now = T0; now <= end; now += 15_000) {
      while (next < signals.samples.size() && signals.samples.get(next).timestampMillis() <= now) {
        arrived.samples.add(signals.samples.get(next++));
      }
      arrived.samples.addAll(live.evaluate(now));
    }

    Backtest.Result backtest = Backtest.run(rule, signals, VersionHistory.none(), T0, end, Duration.ofSeconds(15));
    assertThat(backtest.evaluations()).isEqualTo(721);
    assertThat(backtest.transitions()).extracting(Transition::kind)
        .contains(Transition.Kind.PENDING, Transition.Kind.FIRING, Transition.Kind.RESOLVED, Transition.Kind.CANCELLED);
    assertThat(backtest.transitions()).hasSizeLessThan(RuleEngine.HISTORY);
    assertThat(backtest.transitions()).containsExactlyElementsOf(live.history());
    assertThat(backtest.missingInputs()).isEmpty();
  }
}
