package dev.loupe.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.evaluate.JudgeBudget.Denial;
import dev.loupe.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The judge's budget windows slide with the clock: a call or a token leaves them exactly a window later. */
class JudgeBudgetTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-08T10:00:00Z"));

  @Test
  void callsLeaveTheHourExactlyAnHourLater() {
    JudgeBudget budget = new JudgeBudget(clock, 3, null);
    assertThat(budget.acquire()).isNull();
    clock.advance(Duration.ofMinutes(20));
    assertThat(budget.acquire()).isNull();
    assertThat(budget.acquire()).isNull();
    assertThat(budget.acquire()).isEqualTo(Denial.CALLS_PER_HOUR);
    assertThat(budget.denial()).isEqualTo(Denial.CALLS_PER_HOUR);
    clock.advance(Duration.ofMinutes(40).minusMillis(1));
    assertThat(budget.acquire()).as("the first call is 1 ms short of an hour old").isEqualTo(Denial.CALLS_PER_HOUR);
    clock.advance(Duration.ofMillis(1));
    assertThat(budget.acquire()).isNull();
    assertThat(budget.acquire()).isEqualTo(Denial.CALLS_PER_HOUR);
  }

  @Test
  void aDenialTakesNothing() {
    JudgeBudget budget = new JudgeBudget(clock, 1, null);
    assertThat(budget.acquire()).isNull();
    for (int i = 0; i < 100; i++) assertThat(budget.acquire()).isEqualTo(Denial.CALLS_PER_HOUR);
    clock.advance(Duration.ofHours(1));
    assertThat(budget.acquire()).as("refused calls did not fill the window").isNull();
  }

  @Test
  void tokensAreCappedOverTheLastDay() {
    JudgeBudget budget = new JudgeBudget(clock, 1000, 1000L);
    assertThat(budget.acquire()).isNull();
    budget.spent(600);
    clock.advance(Duration.ofHours(12));
    assertThat(budget.acquire()).isNull();
    budget.spent(500);
    assertThat(budget.acquire()).isEqualTo(Denial.TOKENS_PER_DAY);
    clock.advance(Duration.ofHours(12)); // the 600 leave the day; 500 remain
    assertThat(budget.acquire()).isNull();
    budget.spent(499);
    assertThat(budget.acquire()).isNull();
    budget.spent(1);
    assertThat(budget.denial()).isEqualTo(Denial.TOKENS_PER_DAY);
  }
}
