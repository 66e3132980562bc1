package dev.loupe.stats;

/**
 * Everything a {@link PageHinkleyDetector} remembers, to persist and restore it: during the
 * warm-up, and while it relearns after a change ({@code relearning}), the least-squares sums of
 * the daily-cycle fit ({@code fitSums}, 20 numbers when seasonal, 2 otherwise) and the sum and
 * count of each hour since {@code firstMillis}; once warm, the fitted level coefficients ({@code level}: constant, then cos/sin of 24 h and
 * 12 h when seasonal), the scale and the moving-range part of it it was last measured with
 * ({@code rangeScale}), the moving range since then ({@code rangeSum}, {@code rangeCount},
 * {@code lastValue}), the running mean of the residuals, the direction of the last slow alarm not
 * yet confirmed ({@code pendingSlowAlarm}: +1 increase, −1 decrease, 0 none), and the six
 * cumulative sums (slow, fast and dating; up and down). {@link #NONE} marks an absent time.
 */
public record PageHinkleyState(
    long firstMillis,
    boolean warm,
    boolean relearning,
    double[] fitSums,
    long warmUpCount,
    double rangeSum,
    long rangeCount,
    double lastValue,
    double[] hourSums,
    long[] hourCounts,
    double[] level,
    double scale,
    double rangeScale,
    long count,
    double mean,
    int pendingSlowAlarm,
    Sum slowIncrease,
    Sum slowDecrease,
    Sum fastIncrease,
    Sum fastDecrease,
    Sum datingIncrease,
    Sum datingDecrease) {
  public static final long NONE = Long.MIN_VALUE;

  /**
   * One cumulative sum and its current excursion: since when it is above 0, for how many
   * observations, their residual sum, and the running mean of the residuals when it began.
   */
  public record Sum(double value, long startMillis, long length, double residualSum, double meanAtStart) {
    static final Sum ZERO = new Sum(0, NONE, 0, 0, 0);
  }
}
