package dev.loupe.dimension.cost;

/** Spend of {@code cost} dollars at a time (one inference's, or a minute's sum at the minute's end). */
public record SpendPoint(long timestampMillis, double cost) {
  public SpendPoint {
    if (!(cost >= 0) || Double.isInfinite(cost)) {
      throw new IllegalArgumentException("cost must be 0 or more, got " + cost);
    }
  }
}
