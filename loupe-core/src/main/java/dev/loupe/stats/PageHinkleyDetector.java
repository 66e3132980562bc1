package dev.loupe.stats;

import java.util.Objects;
import java.util.Optional;

/**
 * A two-sided Page–Hinkley change detector for one signal stream (a deployment's quality score,
 * feedback, refusal rate, groundedness, latency…), fed one aggregate per interval with its time.
 * It catches a shift of the mean up or down, abrupt or slow, and estimates when it began. With
 * {@link PageHinkleyParameters#standardised()} it first learns, over a day, the signal's daily
 * cycle (a constant and two daily harmonics, {@link DailyCycle}) and its scale (mean moving range
 * / 1.128, which neither the daily cycle nor a level shift inflates), then accumulates
 * z = (x − level(time of day)) / scale, clipped to ±clip:
 *
 * <pre>
 *   m  ← running mean of z
 *   U  ← max(0, α·U + (z − m − δ))      alarm "increase" when U ≥ λ
 *   D  ← max(0, α·D + (m − z − δ))      alarm "decrease" when D ≥ λ
 * </pre>
 *
 * twice: a slow pair (small δ, large λ) that sums the small evidence of a decline over days, and
 * a fast pair (large δ, small λ) that sees a large abrupt shift within minutes.
 *
 * After an alarm it starts over (a new warm-up), as River's detector does. No clock is read:
 * times come with the values. Its state is a small record ({@link #state()}, {@link #restore}).
 * Not thread-safe.
 *
 * <pre>{@code
 * PageHinkleyDetector d = new PageHinkleyDetector(PageHinkleyParameters.standardised());
 * // every minute, the minute's mean groundedness:
 * d.update(minuteMillis, meanGroundedness).ifPresent(change ->
 *     report(change.direction(), change.estimatedStartMillis(), change.relativeChange()));
 * PageHinkleyState saved = d.state();
 * PageHinkleyDetector again = PageHinkleyDetector.restore(PageHinkleyParameters.standardised(), saved);
 * }</pre>
 */
public final class PageHinkleyDetector {
  /** E|X1 − X2| = 1.128 σ for independent normals: the moving-range estimate of σ (Shewhart's d2). */
  static final double D2 = 1.128;
  private static final long HOUR_MILLIS = 3_600_000L;

  private final PageHinkleyParameters p;
  private final int columns;

  private long firstMillis;
  private boolean warm;
  private double[] fitSums;
  private long warmUpCount;
  private double rangeSum;
  private long rangeCount;
  private double lastValue;
  private double[] hourSums;
  private long[] hourCounts;
  private double[] level;
  private double scale;
  private long count;
  private double mean;
  private final Excursion slowUp = new Excursion(ChangePoint.Direction.INCREASE);
  private final Excursion slowDown = new Excursion(ChangePoint.Direction.DECREASE);
  private final Excursion fastUp = new Excursion(ChangePoint.Direction.INCREASE);
  private final Excursion fastDown = new Excursion(ChangePoint.Direction.DECREASE);

  public PageHinkleyDetector(PageHinkleyParameters parameters) {
    this.p = Objects.requireNonNull(parameters, "parameters");
    this.columns = DailyCycle.columns(parameters.seasonal());
    reset();
  }

  /** A detector that goes on from a saved state; the parameters must be those it was saved with. */
  public static PageHinkleyDetector restore(PageHinkleyParameters parameters, PageHinkleyState s) {
    PageHinkleyDetector d = new PageHinkleyDetector(parameters);
    if (s.level().length != d.columns || s.fitSums().length != DailyCycle.sumsLength(d.columns)) {
      throw new IllegalArgumentException("state has " + s.level().length + " level coefficients, the parameters need " + d.columns);
    }
    if (s.hourSums().length != d.hourSums.length || s.hourCounts().length != d.hourCounts.length) {
      throw new IllegalArgumentException("state has " + s.hourSums().length + " warm-up hours, the parameters need " + d.hourSums.length);
    }
    d.firstMillis = s.firstMillis();
    d.warm = s.warm();
    d.fitSums = s.fitSums().clone();
    d.warmUpCount = s.warmUpCount();
    d.rangeSum = s.rangeSum();
    d.rangeCount = s.rangeCount();
    d.lastValue = s.lastValue();
    d.hourSums = s.hourSums().clone();
    d.hourCounts = s.hourCounts().clone();
    d.level = s.level().clone();
    d.scale = s.scale();
    d.count = s.count();
    d.mean = s.mean();
    d.slowUp.restore(s.slowIncrease());
    d.slowDown.restore(s.slowDecrease());
    d.fastUp.restore(s.fastIncrease());
    d.fastDown.restore(s.fastDecrease());
    return d;
  }

  public PageHinkleyState state() {
    return new PageHinkleyState(firstMillis, warm, fitSums.clone(), warmUpCount, rangeSum, rangeCount, lastValue, hourSums.clone(),
        hourCounts.clone(), level.clone(), scale, count, mean, slowUp.state(), slowDown.state(), fastUp.state(), fastDown.state());
  }

  public PageHinkleyParameters parameters() {
    return p;
  }

  /** True once the warm-up is over and the detector tests what it is fed. */
  public boolean isWarm() {
    return warm;
  }

  /**
   * Feeds one observation (times should not go backwards; NaN and infinite values are ignored).
   * Returns the change when this observation completes one; the detector then starts over.
   */
  public Optional<ChangePoint> update(long timestampMillis, double value) {
    if (!Double.isFinite(value)) return Optional.empty();
    if (firstMillis == PageHinkleyState.NONE) firstMillis = timestampMillis;
    if (!warm) {
      warmUp(timestampMillis, value);
      return Optional.empty();
    }
    double residual = (value - DailyCycle.level(level, timestampMillis)) / scale;
    double z = Math.max(-p.clip(), Math.min(p.clip(), residual));
    count++;
    mean += (z - mean) / count;
    slowUp.add(timestampMillis, z - mean - p.delta(), residual);
    slowDown.add(timestampMillis, mean - z - p.delta(), residual);
    boolean fast = p.fastThreshold() != Double.POSITIVE_INFINITY;
    if (fast) {
      fastUp.add(timestampMillis, z - mean - p.fastDelta(), residual);
      fastDown.add(timestampMillis, mean - z - p.fastDelta(), residual);
    }
    if (count < p.minInstances()) return Optional.empty();
    Excursion crossed = null;
    if (fast && fastUp.sum >= p.fastThreshold()) crossed = fastUp;
    else if (fast && fastDown.sum >= p.fastThreshold()) crossed = fastDown;
    else if (slowUp.sum >= p.threshold() && slowUp.sum >= slowDown.sum) crossed = slowUp;
    else if (slowDown.sum >= p.threshold()) crossed = slowDown;
    if (crossed == null) return Optional.empty();
    ChangePoint change = change(crossed, timestampMillis);
    reset();
    return Optional.of(change);
  }

  private void warmUp(long timestampMillis, double value) {
    DailyCycle.accumulate(fitSums, columns, timestampMillis, value);
    if (warmUpCount > 0) {
      rangeSum += Math.abs(value - lastValue);
      rangeCount++;
    }
    warmUpCount++;
    lastValue = value;
    long hour = Math.floorDiv(timestampMillis, HOUR_MILLIS) - Math.floorDiv(firstMillis, HOUR_MILLIS);
    int h = (int) Math.max(0, Math.min(hourSums.length - 1, hour));
    hourSums[h] += value;
    hourCounts[h]++;
    if (timestampMillis - firstMillis >= p.warmUpMillis() && warmUpCount >= p.minInstances()) finishWarmUp();
  }

  private ChangePoint change(Excursion e, long now) {
    // standardised: residuals are centred on the warm-up's levels, so the level before is the
    // warm-up's; raw (River): the running mean of what came before the excursion
    double before = 0;
    if (p.warmUpMillis() == 0) before = count > e.length ? (mean * count - e.residuals) / (count - e.length) : mean;
    double base = level[0];
    return new ChangePoint(e.direction, now, e.start, base + scale * before, base + scale * (e.residuals / e.length), e.sum);
  }

  private void finishWarmUp() {
    level = DailyCycle.solve(fitSums, columns);
    double s = Math.max(rangeCount > 0 ? rangeSum / rangeCount / D2 : 0, longRunScale());
    // a signal that did not move during the warm-up (a refusal rate of 0): any movement is news
    scale = Math.max(s, 1e-9 * Math.max(1, Math.abs(level[0])));
    count = warmUpCount; // the warm-up's residuals average 0 around the fitted level
    mean = 0;
    warm = true;
  }

  /**
   * The standard deviation per observation that makes hourly sums come out right: from the hourly
   * means' residuals around the fitted cycle, each weighted by its count (Var(mean) = σ²/n). It
   * exceeds the moving-range σ when the signal wanders from hour to hour (a mix of users, a
   * noisy neighbour), so those wanderings are not taken for changes; 0 with too few hours.
   */
  private double longRunScale() {
    double sum = 0;
    int hours = 0;
    long firstHour = Math.floorDiv(firstMillis, HOUR_MILLIS);
    for (int h = 0; h < hourSums.length; h++) {
      if (hourCounts[h] < 2) continue;
      long mid = (firstHour + h) * HOUR_MILLIS + HOUR_MILLIS / 2;
      double r = hourSums[h] / hourCounts[h] - DailyCycle.level(level, mid);
      sum += hourCounts[h] * r * r;
      hours++;
    }
    int dof = hours - columns;
    return dof < 2 ? 0 : Math.sqrt(sum / dof);
  }

  private void reset() {
    firstMillis = PageHinkleyState.NONE;
    fitSums = new double[DailyCycle.sumsLength(columns)];
    warmUpCount = 0;
    rangeSum = 0;
    rangeCount = 0;
    lastValue = Double.NaN;
    int warmUpHours = (int) Math.min(24 * 14, (p.warmUpMillis() + HOUR_MILLIS - 1) / HOUR_MILLIS);
    hourSums = new double[warmUpHours + 2];
    hourCounts = new long[warmUpHours + 2];
    level = new double[columns];
    scale = 1;
    count = 0;
    mean = 0;
    slowUp.restore(PageHinkleyState.Sum.ZERO);
    slowDown.restore(PageHinkleyState.Sum.ZERO);
    fastUp.restore(PageHinkleyState.Sum.ZERO);
    fastDown.restore(PageHinkleyState.Sum.ZERO);
    // River's raw mode has no warm-up: values are tested as they are, around their running mean
    warm = p.warmUpMillis() == 0;
  }

  /** One clamped cumulative sum and the excursion it is on. */
  private final class Excursion {
    final ChangePoint.Direction direction;
    double sum;
    long start;
    long length;
    double residuals;

    Excursion(ChangePoint.Direction direction) {
      this.direction = direction;
    }

    void add(long timestampMillis, double increment, double residual) {
      double next = p.alpha() * sum + increment;
      if (next <= 0) {
        restore(PageHinkleyState.Sum.ZERO);
        return;
      }
      if (start == PageHinkleyState.NONE) start = timestampMillis;
      sum = next;
      length++;
      residuals += residual;
    }

    void restore(PageHinkleyState.Sum s) {
      sum = s.value();
      start = s.startMillis();
      length = s.length();
      residuals = s.residualSum();
    }

    PageHinkleyState.Sum state() {
      return new PageHinkleyState.Sum(sum, start, length, residuals);
    }
  }
}
