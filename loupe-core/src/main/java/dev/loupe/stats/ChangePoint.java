package dev.loupe.stats;

import java.util.Objects;

/**
 * A change a {@link PageHinkleyDetector} found: which way the signal moved, when the detector
 * became sure ({@code detectedAtMillis}) and when the change most likely began ({@code
 * estimatedStartMillis}: the first observation of the excursion that crossed the threshold, i.e.
 * just after the last minimum of the cumulative sum; for a slow change, of the dating sum's
 * excursion, when the drift grew past its larger allowance). Levels are in the signal's own units,
 * adjusted for the hour of the day when the detector is seasonal ({@code levelBefore} is the level
 * the detector was comparing with); {@code statistic} is the sum that crossed the threshold.
 */
public record ChangePoint(
    Direction direction, long detectedAtMillis, long estimatedStartMillis, double levelBefore, double levelAfter, double statistic) {
  public enum Direction {
    INCREASE,
    DECREASE
  }

  public ChangePoint {
    Objects.requireNonNull(direction, "direction");
    if (estimatedStartMillis > detectedAtMillis) {
      throw new IllegalArgumentException("change starts (" + estimatedStartMillis + ") after its detection (" + detectedAtMillis + ")");
    }
  }

  /** (after − before) / |before|, e.g. −0.18 for an 18 % fall; NaN when the level before is 0. */
  public double relativeChange() {
    return levelBefore == 0 ? Double.NaN : (levelAfter - levelBefore) / Math.abs(levelBefore);
  }
}
