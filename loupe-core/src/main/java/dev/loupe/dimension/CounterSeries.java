package dev.loupe.dimension;

/**
 * The last point of one cumulative counter, turning each new point into the increase since the
 * one before. A value lower than the previous one is a counter reset (exporter or host restart,
 * counters cleared): it becomes the new baseline and counts as no increase, because the errors
 * between the last point and the reset cannot be told apart from the restart itself. Not
 * thread-safe: the owner synchronizes.
 */
public final class CounterSeries {
  private long lastMillis = Long.MIN_VALUE;
  private long previousMillis = Long.MIN_VALUE;
  private double last = Double.NaN;

  /**
   * Takes a point and returns the increase since the previous one: NaN for the first point, for a
   * NaN value and for a point not newer than the last; 0 after a reset.
   */
  public double advance(long timestampMillis, double value) {
    if (Double.isNaN(value) || timestampMillis <= lastMillis) {
      return Double.NaN;
    }
    double previous = last;
    previousMillis = lastMillis;
    last = value;
    lastMillis = timestampMillis;
    if (Double.isNaN(previous)) {
      return Double.NaN;
    }
    return value >= previous ? value - previous : 0;
  }

  public boolean hasValue() {
    return !Double.isNaN(last);
  }

  public double value() {
    return last;
  }

  public long lastMillis() {
    return lastMillis;
  }

  /** Length of the interval the last increase covers; 0 before the second point. */
  public long lastIntervalMillis() {
    return previousMillis == Long.MIN_VALUE ? 0 : lastMillis - previousMillis;
  }
}
