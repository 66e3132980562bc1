package dev.loupe.dimension.network;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The increases of one counter over the longest window a rule looks at: only intervals that rose
 * are kept, so an error-free port holds nothing. Not thread-safe: the owning track synchronizes.
 */
final class IncreaseLog {
  private record Increase(long millis, double amount) {}

  private final long keepMillis;
  private final Deque<Increase> increases = new ArrayDeque<>();

  IncreaseLog(long keepMillis) {
    this.keepMillis = keepMillis;
  }

  void add(long millis, double amount) {
    increases.addLast(new Increase(millis, amount));
    prune(millis);
  }

  /** The sum of increases less than {@code windowMillis} before {@code nowMillis}. */
  double sumWithin(long nowMillis, long windowMillis) {
    prune(nowMillis);
    double sum = 0;
    for (Increase i : increases) if (nowMillis - i.millis() < windowMillis) sum += i.amount();
    return sum;
  }

  /** The first increase within the window, or {@code Long.MIN_VALUE}. */
  long firstWithin(long nowMillis, long windowMillis) {
    for (Increase i : increases) if (nowMillis - i.millis() < windowMillis) return i.millis();
    return Long.MIN_VALUE;
  }

  private void prune(long nowMillis) {
    while (!increases.isEmpty() && nowMillis - increases.peekFirst().millis() >= keepMillis) {
      increases.removeFirst();
    }
  }
}
