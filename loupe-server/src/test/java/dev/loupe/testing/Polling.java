package dev.loupe.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting on real external processes (Prometheus forwarding, an exporter starting), which run on
 * their own wall clock; Loupe's own time in tests is an injected clock, never a sleep.
 */
public final class Polling {
  private Polling() {}

  static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Polls until {@code condition} holds; fails with {@code explain}'s text when time runs out. */
  public static void until(Duration limit, BooleanSupplier condition, Supplier<String> explain) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) return;
      pause();
    }
    if (!condition.getAsBoolean()) throw new AssertionError("not within " + limit + ": " + explain.get());
  }
}
