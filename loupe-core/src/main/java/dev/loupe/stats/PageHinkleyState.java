package dev.loupe.stats;

/**
 * Everything a {@link PageHinkleyDetector} remembers, to persist and restore it: during the
 * warm-up, the least-squares sums of the daily-cycle fit ({@code fitSums}, 20 numbers when
 * seasonal, 2 otherwise), the moving-range sum and the sum and count of each warm-up hour;
 * afterwards, the fitted level coefficients ({@code level}: constant, then cos/sin of 24 h and
 * 12 h when seasonal), the scale, the running mean of the residuals, and the four cumulative sums
 * (slow and fast, up and down). {@link #NONE} marks an absent time.
 */
public record PageHinkleyState(
    long firstMillis,
    boolean warm,
    double[] fitSums,
    long warmUpCount,
    double rangeSum,
    long rangeCount,
    double lastValue,
    double[] hourSums,
    long[] hourCounts,
    double[] level,
    double scale,
    long count,
    double mean,
    Sum slowIncrease,
    Sum slowDecrease,
    Sum fastIncrease,
    Sum fastDecrease) {
  public static final long NONE = Long.MIN_VALUE;

  /** One cumulative sum and its current excursion: since when it is above 0, for how many observations, their residual sum. */
  public record Sum(double value, long startMillis, long length, double residualSum) {
    static final Sum ZERO = new Sum(0, NONE, 0, 0);
  }
}
