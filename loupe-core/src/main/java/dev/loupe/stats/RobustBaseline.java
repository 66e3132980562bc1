package dev.loupe.stats;

import java.util.Arrays;

/**
 * A baseline that a few outliers do not move: the median of the values and their median absolute
 * deviation (MAD). {@link #deviation} is a robust z-score, {@code (x - median) / (1.4826 MAD)}:
 * 1.4826 makes the MAD estimate a standard deviation for normal data, so a deviation of 4 is as
 * rare as four standard deviations, yet one bad day among the reference ones barely shifts it.
 *
 * <pre>{@code
 * RobustBaseline b = RobustBaseline.of(new double[] {1.02e6, 0.98e6, 1.00e6, 1.01e6});
 * double z = b.deviation(0.6e6, 0.02); // far below: about -20
 * }</pre>
 */
public record RobustBaseline(double median, double mad, int count) {
  /** The MAD of normal data times this is its standard deviation. */
  public static final double NORMAL_CONSISTENCY = 1.4826;

  public static RobustBaseline of(double[] values) {
    if (values.length == 0) throw new IllegalArgumentException("a baseline needs at least one value");
    double median = median(values.clone());
    double[] deviations = new double[values.length];
    for (int i = 0; i < values.length; i++) deviations[i] = Math.abs(values[i] - median);
    return new RobustBaseline(median, median(deviations), values.length);
  }

  /**
   * The scale deviations are measured in: {@code 1.4826 MAD}, but never below {@code relativeFloor}
   * of the median's size, nor below 1: reference values that are all equal would otherwise make
   * the smallest change infinitely far off.
   */
  public double scale(double relativeFloor) {
    return Math.max(Math.max(NORMAL_CONSISTENCY * mad, relativeFloor * Math.abs(median)), 1.0);
  }

  /** {@code (x - median) / scale(relativeFloor)}: negative below the baseline. */
  public double deviation(double x, double relativeFloor) {
    return (x - median) / scale(relativeFloor);
  }

  private static double median(double[] v) {
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
