package dev.loupe.stats;

/**
 * How a {@link PageHinkleyDetector} is tuned. {@code delta} (the allowance per observation) and
 * {@code threshold} (λ) are in units of the signal's scale when {@code warmUpMillis > 0}: the
 * detector first watches the signal for that long, learns its level (with its daily cycle when
 * {@code seasonal}) and its scale, then tests standardised residuals clipped to ±{@code clip}.
 * A second, fast pair of sums ({@code fastDelta}, {@code fastThreshold}) catches large abrupt
 * shifts sooner than the slow pair, which is tuned for slow declines; an infinite
 * {@code fastThreshold} turns it off. With {@code warmUpMillis == 0} it is River's detector on
 * raw values, whose defaults ({@link #river()}) only suit signals whose noise is of the order of
 * one unit.
 *
 * <pre>{@code
 * PageHinkleyParameters p = PageHinkleyParameters.standardised();   // one-minute aggregates
 * PageHinkleyParameters quieter = p.withThreshold(150);
 * }</pre>
 */
public record PageHinkleyParameters(
    int minInstances,
    double delta,
    double threshold,
    double fastDelta,
    double fastThreshold,
    double alpha,
    long warmUpMillis,
    boolean seasonal,
    double clip) {
  public static final long DAY_MILLIS = 86_400_000L;

  public PageHinkleyParameters {
    if (minInstances < 1) throw new IllegalArgumentException("minInstances must be >= 1: " + minInstances);
    if (!(delta >= 0) || !Double.isFinite(delta)) throw new IllegalArgumentException("delta must be finite and >= 0: " + delta);
    if (!(threshold > 0) || !Double.isFinite(threshold)) throw new IllegalArgumentException("threshold must be finite and > 0: " + threshold);
    if (!(fastDelta >= 0) || !Double.isFinite(fastDelta)) throw new IllegalArgumentException("fastDelta must be finite and >= 0: " + fastDelta);
    if (!(fastThreshold > 0)) throw new IllegalArgumentException("fastThreshold must be > 0 (infinite turns it off): " + fastThreshold);
    if (!(alpha > 0 && alpha <= 1)) throw new IllegalArgumentException("alpha must be in (0, 1]: " + alpha);
    if (warmUpMillis < 0) throw new IllegalArgumentException("warmUpMillis must be >= 0: " + warmUpMillis);
    if (!(clip > 0)) throw new IllegalArgumentException("clip must be > 0: " + clip);
    if (seasonal && warmUpMillis < DAY_MILLIS) {
      throw new IllegalArgumentException("a seasonal detector needs a warm-up of at least a day to learn the daily cycle: " + warmUpMillis);
    }
  }

  /** River's {@code drift.PageHinkley} defaults on raw values: 30, 0.005, 50, 1 − 0.0001, both directions. */
  public static PageHinkleyParameters river() {
    return new PageHinkleyParameters(30, 0.005, 50, 0, Double.POSITIVE_INFINITY, 1 - 0.0001, 0, false, Double.POSITIVE_INFINITY);
  }

  /**
   * Loupe's defaults for one-minute aggregates of a signal (a minute's mean score, share or P50):
   * a three-day warm-up learning the daily cycle and the scale; a slow pair with allowance 0.05
   * and threshold 100 for declines over days, a fast pair with allowance 0.5 and threshold 20 for
   * abrupt shifts; no forgetting (α = 1); residuals clipped at 5 — tuned on the simulated streams
   * of {@code DetectionQualityEvaluation} (see RATIONALE.md).
   */
  public static PageHinkleyParameters standardised() {
    return new PageHinkleyParameters(30, 0.05, 100, 0.5, 20, 1, 3 * DAY_MILLIS, true, 5);
  }

  public PageHinkleyParameters withDelta(double delta) {
    return new PageHinkleyParameters(minInstances, delta, threshold, fastDelta, fastThreshold, alpha, warmUpMillis, seasonal, clip);
  }

  public PageHinkleyParameters withThreshold(double threshold) {
    return new PageHinkleyParameters(minInstances, delta, threshold, fastDelta, fastThreshold, alpha, warmUpMillis, seasonal, clip);
  }

  public PageHinkleyParameters withFast(double fastDelta, double fastThreshold) {
    return new PageHinkleyParameters(minInstances, delta, threshold, fastDelta, fastThreshold, alpha, warmUpMillis, seasonal, clip);
  }

  public PageHinkleyParameters withWarmUp(long warmUpMillis, boolean seasonal) {
    return new PageHinkleyParameters(minInstances, delta, threshold, fastDelta, fastThreshold, alpha, warmUpMillis, seasonal, clip);
  }
}
