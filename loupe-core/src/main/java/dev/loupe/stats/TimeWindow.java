package dev.loupe.stats;

/** A half-open time range {@code [startMillis, endMillis)} in epoch milliseconds. */
public record TimeWindow(long startMillis, long endMillis) {
  public TimeWindow {
    if (endMillis < startMillis) {
      throw new IllegalArgumentException("window ends (" + endMillis + ") before it starts (" + startMillis + ")");
    }
  }
}
