package dev.loupe.dimension.cost;

import java.time.Duration;

/**
 * When spend burns a budget too fast, as SLO burn-rate alerts judge an error budget: the rate over
 * {@code fastWindow} at {@code fastMultiple} times the even rate (the rate that spends exactly the
 * limit over the period), or over {@code slowWindow} at {@code slowMultiple} times it.
 */
public record BurnRateThresholds(Duration fastWindow, double fastMultiple, Duration slowWindow, double slowMultiple) {
  /** 1 h at 14×, 6 h at 6×. */
  public static final BurnRateThresholds DEFAULT =
      new BurnRateThresholds(Duration.ofHours(1), 14, Duration.ofHours(6), 6);

  public BurnRateThresholds {
    if (fastWindow.isNegative() || fastWindow.isZero() || slowWindow.isNegative() || slowWindow.isZero()) {
      throw new IllegalArgumentException("burn-rate windows must be positive");
    }
    if (!(fastMultiple > 0) || !(slowMultiple > 0)) {
      throw new IllegalArgumentException("burn-rate multiples must be positive");
    }
  }
}
