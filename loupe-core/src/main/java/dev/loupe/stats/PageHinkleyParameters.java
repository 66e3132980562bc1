package dev.loupe.stats;

/**
 * How a {@link PageHinkleyDetector} is tuned. {@code delta} (the allowance per observation) and
 * {@code threshold} (λ) are in units of the signal's scale when {@code warmUpMillis > 0}: the
 * detector first watches the signal for that long, learns its level (with its daily cycle when
 * {@code seasonal}) and its scale, then tests standardised residuals clipped to ±{@code clip}.
 * A second, fast pair of sums ({@code fastDelta}, {@code fastThreshold}) catches large abrupt
 * shifts sooner than the slow pair, which is tuned for slow declines; an infinite
 * {@code fastThreshold} turns it off. {@code datingDelta} (≥ {@code delta}) is the allowance of
 * the sums that date a slow change's start: larger dates it later but is fooled less by the noise
 * just before it. {@code minInstances} observations are needed before an alarm, at the start and
 * after the detector re-centres on a new level. With {@code warmUpMillis == 0} it is River's
 * detector on raw values, whose defaults ({@link #river()}) only suit signals whose noise is of
 * the order of one unit.
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
    double clip,
    double datingDelta) {
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
    if (!(datingDelta >= delta) || !Double.isFinite(datingDelta)) {
      throw new IllegalArgumentException("datingDelta must be finite and >= delta (" + delta + "): " + datingDelta);
    }
    if (seasonal && warmUpMillis < DAY_MILLIS) {
      throw new IllegalArgumentException("a seasonal detector needs a warm-up of at least a day to learn the daily cycle: " + warmUpMillis);
    }
  }

  /** River's {@code drift.PageHinkley} defaults on raw values: 30, 0.005, 50, 1 − 0.0001, both directions. */
  public static PageHinkleyParameters river() {
    return new PageHinkleyParameters(30, 0.005, 50, 0, Double.POSITIVE_INFINITY, 1 - 0.0001, 0, false, Double.POSITIVE_INFINITY, 0.005);
  }

  /**
   * Loupe's defaults for one-minute aggregates of a signal (a minute's mean score or share, the
   * minute's mean of log latency or log tokens): a four-day warm-up learning the daily cycle and
   * the scale; a slow pair with allowance 0.03 and threshold 125 for declines over days, dated
   * with allowance 0.07; a fast pair with allowance 0.5 and threshold 20 for abrupt shifts; no
   * forgetting (α = 1); residuals clipped at 5; an hour (60 minutes) before an alarm after a
   * re-centring — tuned on the simulated streams of {@code DetectionQualityEvaluation} (see
   * RATIONALE.md).
   */
  public static PageHinkleyParameters standardised() {
    return new PageHinkleyParameters(60, 0.03, 125, 0.5, 20, 1, 4 * DAY_MILLIS, true, 5, 0.07);
  }

  /** Another slow allowance; the dating allowance stays if it is still ≥ the new one. */
  public PageHinkleyParameters withDelta(double delta) {
    return new PageHinkleyParameters(minInstances, delta, threshold, fastDelta, fastThreshold, alpha, warmUpMillis, seasonal, clip,
        Math.max(delta, datingDelta));
  }

  public PageHinkleyParameters withDatingDelta(double datingDelta) {
    return new PageHinkleyParameters(minInstances, delta, threshold, fastDelta, fastThreshold, alpha, warmUpMillis, seasonal, clip, datingDelta);
  }

  public PageHinkleyParameters withThreshold(double threshold) {
    return new PageHinkleyParameters(minInstances, delta, threshold, fastDelta, fastThreshold, alpha, warmUpMillis, seasonal, clip, datingDelta);
  }

  public PageHinkleyParameters withFast(double fastDelta, double fastThreshold) {
    return new PageHinkleyParameters(minInstances, delta, threshold, fastDelta, fastThreshold, alpha, warmUpMillis, seasonal, clip, datingDelta);
  }

  public PageHinkleyParameters withWarmUp(long warmUpMillis, boolean seasonal) {
    return new PageHinkleyParameters(minInstances, delta, threshold, fastDelta, fastThreshold, alpha, warmUpMillis, seasonal, clip, datingDelta);
  }
}
