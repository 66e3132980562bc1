package dev.loupe.rule;

import static dev.loupe.rule.TestRules.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.Alert;
import dev.loupe.model.AlertState;
import dev.loupe.model.Severity;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Prometheus's {@code RestoreForState}: a first engine runs and its {@code ALERTS_FOR_STATE}
 * samples are stored with the data; it stops; a second one starts later over the same store.
 * {@code for} 30 m, grace period 10 m, outage tolerance 1 h.
 */
class RestoreTest {
  private static final Duration FOR = Duration.ofMinutes(30);
  private final TestRules.Signals store = new TestRules.Signals();

  private RuleEngine engine(Duration forDuration) {
    return new RuleEngine(List.of(TestRules.temperature("GpuHot", 80, forDuration, Duration.ZERO, Severity.WARNING)),
        store, VersionHistory.none(), alerts -> { }, RuleEngine.Settings.DEFAULTS);
  }

  private static long min(double minutes) {
    return T0 + (long) (minutes * 60_000);
  }

  /** Runs an engine, hot all along, every 15 s over {@code [from, to]}, storing what it writes. */
  private void runHot(RuleEngine e, long from, long to) {
    for (long t = from; t <= to; t += 15_000) {
      store.temp("0", t, 90);
      store.samples.addAll(e.evaluate(t));
    }
  }

  /** The first evaluation after the restart (where the restore happens) and the alert after it. */
  private Alert restart(RuleEngine e, long at) {
    store.temp("0", at, 90);
    e.evaluate(at);
    assertThat(e.alerts()).hasSize(1);
    return e.alerts().get(0);
  }

  /** The time of the first evaluation at which the restarted engine's alert fires. */
  private long firesAt(RuleEngine e, long from) {
    for (long t = from; t < from + 3_600_000; t += 15_000) {
      store.temp("0", t, 90);
      e.evaluate(t);
      if (e.alerts().get(0).state() == AlertState.FIRING) return t;
    }
    throw new AssertionError("never fired");
  }

  @Test
  void anAlertWhoseForHadElapsedKeepsItsActiveAt() {
    RuleEngine before = engine(FOR);
    runHot(before, T0, min(40));
    assertThat(before.alerts().get(0).state()).isEqualTo(AlertState.FIRING);
    RuleEngine after = engine(FOR);
    assertThat(restart(after, min(50)).activeSinceMillis()).isEqualTo(T0);
    assertThat(firesAt(after, min(50) + 15_000)).isEqualTo(min(50) + 15_000);
  }

  @Test
  void lessThanTheGracePeriodLeftFiresAGracePeriodAfterTheRestart() {
    runHot(engine(FOR), T0, min(25)); // 5 m left when it went down
    RuleEngine after = engine(FOR);
    // active_at = restart + grace - for
    assertThat(restart(after, min(35)).activeSinceMillis()).isEqualTo(min(35 + 10 - 30));
    assertThat(firesAt(after, min(35) + 15_000)).isEqualTo(min(45));
  }

  @Test
  void otherwiseTheAlertIsShiftedByTheDowntime() {
    runHot(engine(FOR), T0, min(10)); // 20 m left
    RuleEngine after = engine(FOR);
    assertThat(restart(after, min(30)).activeSinceMillis()).isEqualTo(T0 + min(30) - min(10));
    assertThat(firesAt(after, min(30) + 15_000)).isEqualTo(min(50));
  }

  @Test
  void aDowntimeLongerThanTheOutageToleranceIsNotRestored() {
    runHot(engine(FOR), T0, min(10));
    RuleEngine after = engine(FOR);
    long restartAt = min(10 + 61);
    assertThat(restart(after, restartAt).activeSinceMillis()).isEqualTo(restartAt);
    assertThat(firesAt(after, restartAt + 15_000)).isEqualTo(restartAt + FOR.toMillis());
  }

  @Test
  void aRuleWhoseForIsShorterThanTheGracePeriodIsNotRestored() {
    Duration shortFor = Duration.ofMinutes(5);
    runHot(engine(shortFor), T0, min(3));
    RuleEngine after = engine(shortFor);
    assertThat(restart(after, min(4)).activeSinceMillis()).isEqualTo(min(4));
  }
}
