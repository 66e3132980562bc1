package dev.loupe.dimension.network;

import dev.loupe.model.Severity;
import java.time.Duration;

/**
 * A counter that must not rise faster than {@code maxPerMinute} averaged over the trailing
 * {@code window}: it fires while the increase within the window exceeds maxPerMinute × the
 * window's minutes (so with 0, while any increase lies within the window). Averaging over the
 * full window, however long the port has been observed, keeps a port just discovered from being
 * judged on one interval. Plain data.
 */
public record CounterRateRule(InfinibandCounter counter, Severity severity, double maxPerMinute, Duration window) {
  public CounterRateRule {
    if (counter == null || severity == null) throw new IllegalArgumentException("counter and severity are required");
    if (!(maxPerMinute >= 0) || Double.isInfinite(maxPerMinute)) {
      throw new IllegalArgumentException("max per minute must be a finite number >= 0");
    }
    if (window == null || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive");
    }
  }

  /** The increase within the window above which the rule fires. */
  public double allowedIncrease() {
    return maxPerMinute * window.toMillis() / 60_000.0;
  }
}
