package dev.loupe.evaluate;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The judge's spending limits over sliding windows: calls in the last hour, tokens in the last 24
 * hours. A call is counted when it is made; its tokens when its answer reports them.
 */
final class JudgeBudget {
  static final long HOUR = Duration.ofHours(1).toMillis();
  static final long DAY = Duration.ofDays(1).toMillis();

  /** Why a call may not be made now. */
  enum Denial {
    CALLS_PER_HOUR("budget_calls"),
    TOKENS_PER_DAY("budget_tokens");

    final String reason;

    Denial(String reason) {
      this.reason = reason;
    }
  }

  private final Clock clock;
  private final int maxCallsPerHour;
  private final Long maxTokensPerDay;
  private final Deque<Long> calls = new ArrayDeque<>();
  private final Deque<long[]> tokens = new ArrayDeque<>(); // {time, tokens}
  private long tokensInDay;

  JudgeBudget(Clock clock, int maxCallsPerHour, Long maxTokensPerDay) {
    this.clock = clock;
    this.maxCallsPerHour = maxCallsPerHour;
    this.maxTokensPerDay = maxTokensPerDay;
  }

  /** Takes one call from the budget, or says why there is none left (and takes nothing). */
  synchronized Denial acquire() {
    Denial d = denial();
    if (d == null) calls.addLast(clock.millis());
    return d;
  }

  /** Why a call would be refused now, taking nothing. */
  synchronized Denial denial() {
    long now = clock.millis();
    while (!calls.isEmpty() && calls.peekFirst() <= now - HOUR) calls.removeFirst();
    while (!tokens.isEmpty() && tokens.peekFirst()[0] <= now - DAY) tokensInDay -= tokens.removeFirst()[1];
    if (calls.size() >= maxCallsPerHour) return Denial.CALLS_PER_HOUR;
    if (maxTokensPerDay != null && tokensInDay >= maxTokensPerDay) return Denial.TOKENS_PER_DAY;
    return null;
  }

  synchronized void spent(long n) {
    if (n <= 0) return;
    tokens.addLast(new long[] {clock.millis(), n});
    tokensInDay += n;
  }
}
