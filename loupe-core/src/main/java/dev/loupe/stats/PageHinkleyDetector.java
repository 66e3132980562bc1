package dev.loupe.stats;

import java.util.Objects;
import java.util.Optional;

/**
 * A two-sided Page–Hinkley change detector for one signal stream (a deployment's quality score,
 * feedback, refusal rate, groundedness, latency…), fed one aggregate per interval with its time.
 * It catches a shift of the mean up or down, abrupt or slow, and estimates when it began. With
 * {@link PageHinkleyParameters#standardised()} it first learns, over a few days, the signal's
 * daily cycle (a constant and two daily harmonics, {@link DailyCycle}) and its scale (the larger
 * of the moving-range σ and the σ that hourly means show), then, with d = x − level(time of day)
 * and z = (d − m) / scale clipped to ±clip, accumulates
 *
 * <pre>
 *   m  ← running mean of d
 *   U  ← max(0, α·U + (z − δ))      alarm "increase" when U ≥ λ
 *   D  ← max(0, α·D + (−z − δ))     alarm "decrease" when D ≥ λ
 * </pre>
 *
 * twice: a slow pair (small δ, large λ) that sums the small evidence of a decline over days, and
 * a fast pair (large δ, small λ) that sees a large abrupt shift within minutes. A third pair with
 * a larger allowance only dates a slow change: its excursion began when the drift grew past it,
 * which the noise just before a change fools less than the slow pair's.
 *
 * <p>After an alarm no warm-up blinds it again. A first slow alarm may be a false one, so only the
 * sums start over and the level stays the reference. A fast alarm, or a second slow alarm the same
 * way, means the level moved: the detector re-centres (m becomes the running mean since the
 * alarm, after minInstances observations it may alarm again), keeps testing with the daily cycle
 * and scale it had, and learns new ones in the background, which replace them after a warm-up's
 * length (a level that moved may have brought a larger daily swing or more noise with it). Until
 * then the scale grows with the moving range, never shrinks. River's raw mode ({@code
 * warmUpMillis == 0}) starts over from nothing after an alarm, as River's detector does.
 *
 * <p>No clock is read: times come with the values. Its state is a small record ({@link #state()},
 * {@link #restore}). Not thread-safe.
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
  private boolean relearning;
  private double[] fitSums;
  private long warmUpCount;
  private double rangeSum;
  private long rangeCount;
  private double lastValue;
  private double[] hourSums;
  private long[] hourCounts;
  private double[] level;
  private double scale;
  private double rangeScale;
  private long count;
  private double mean;
  private int pendingSlowAlarm;
  private final Excursion slowUp = new Excursion(ChangePoint.Direction.INCREASE);
  private final Excursion slowDown = new Excursion(ChangePoint.Direction.DECREASE);
  private final Excursion fastUp = new Excursion(ChangePoint.Direction.INCREASE);
  private final Excursion fastDown = new Excursion(ChangePoint.Direction.DECREASE);
  private final Excursion datingUp = new Excursion(ChangePoint.Direction.INCREASE);
  private final Excursion datingDown = new Excursion(ChangePoint.Direction.DECREASE);

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
    if (Math.abs(s.pendingSlowAlarm()) > 1) {
      throw new IllegalArgumentException("pendingSlowAlarm must be -1, 0 or 1: " + s.pendingSlowAlarm());
    }
    d.firstMillis = s.firstMillis();
    d.warm = s.warm();
    d.relearning = s.relearning();
    d.fitSums = s.fitSums().clone();
    d.warmUpCount = s.warmUpCount();
    d.rangeSum = s.rangeSum();
    d.rangeCount = s.rangeCount();
    d.lastValue = s.lastValue();
    d.hourSums = s.hourSums().clone();
    d.hourCounts = s.hourCounts().clone();
    d.level = s.level().clone();
    d.scale = s.scale();
    d.rangeScale = s.rangeScale();
    d.count = s.count();
    d.mean = s.mean();
    d.pendingSlowAlarm = s.pendingSlowAlarm();
    d.slowUp.restore(s.slowIncrease());
    d.slowDown.restore(s.slowDecrease());
    d.fastUp.restore(s.fastIncrease());
    d.fastDown.restore(s.fastDecrease());
    d.datingUp.restore(s.datingIncrease());
    d.datingDown.restore(s.datingDecrease());
    return d;
  }

  public PageHinkleyState state() {
    return new PageHinkleyState(firstMillis, warm, relearning, fitSums.clone(), warmUpCount, rangeSum, rangeCount, lastValue,
        hourSums.clone(), hourCounts.clone(), level.clone(), scale, rangeScale, count, mean, pendingSlowAlarm, slowUp.state(),
        slowDown.state(), fastUp.state(), fastDown.state(), datingUp.state(), datingDown.state());
  }

  public PageHinkleyParameters parameters() {
    return p;
  }

  /** True once the first warm-up is over and the detector tests what it is fed. */
  public boolean isWarm() {
    return warm;
  }

  /**
   * Feeds one observation (times should not go backwards; NaN and infinite values are ignored).
   * Returns the change when this observation completes one.
   */
  public Optional<ChangePoint> update(long timestampMillis, double value) {
    if (!Double.isFinite(value)) return Optional.empty();
    if (p.warmUpMillis() > 0) {
      trackRange(value);
      if (!warm || relearning) learn(timestampMillis, value);
      if (!warm) return Optional.empty();
    }
    double deviation = value - DailyCycle.level(level, timestampMillis);
    double s = currentScale();
    double meanBefore = mean;
    count++;
    // the running mean is in the signal's units, so a growing scale does not move it; unclipped, so
    // it can follow a level that moved far (an outlier moves it by 1/count of its size)
    mean += (deviation - mean) / count;
    double z = Math.max(-p.clip(), Math.min(p.clip(), (deviation - mean) / s));
    slowUp.add(timestampMillis, z - p.delta(), deviation, meanBefore);
    slowDown.add(timestampMillis, -z - p.delta(), deviation, meanBefore);
    boolean dating = p.datingDelta() > p.delta();
    if (dating) {
      datingUp.add(timestampMillis, z - p.datingDelta(), deviation, meanBefore);
      datingDown.add(timestampMillis, -z - p.datingDelta(), deviation, meanBefore);
    }
    boolean fast = p.fastThreshold() != Double.POSITIVE_INFINITY;
    if (fast) {
      fastUp.add(timestampMillis, z - p.fastDelta(), deviation, meanBefore);
      fastDown.add(timestampMillis, -z - p.fastDelta(), deviation, meanBefore);
    }
    if (count < p.minInstances()) return Optional.empty();
    Excursion crossed = null;
    if (fast && fastUp.sum >= p.fastThreshold()) crossed = fastUp;
    else if (fast && fastDown.sum >= p.fastThreshold()) crossed = fastDown;
    else if (slowUp.sum >= p.threshold() && slowUp.sum >= slowDown.sum) crossed = slowUp;
    else if (slowDown.sum >= p.threshold()) crossed = slowDown;
    if (crossed == null) return Optional.empty();
    ChangePoint change = change(crossed, timestampMillis, dating);
    afterAlarm(crossed);
    return Optional.of(change);
  }

  private ChangePoint change(Excursion e, long now, boolean dating) {
    long start = e.start;
    // the dating sum has a larger allowance, so it is never above the slow one: when it is on an
    // excursion too, that excursion began within the slow one's, once the drift grew past it
    Excursion date = e == slowUp ? datingUp : e == slowDown ? datingDown : null;
    if (dating && date != null && date.sum > 0) start = date.start;
    // the level before is the running mean when the excursion began (the warm-up's level, or the
    // one the detector re-centred on); the level after, the excursion's mean (deviations unclipped)
    double base = level[0];
    return new ChangePoint(e.direction, now, start, base + e.meanAtStart, base + e.residuals / e.length, e.sum);
  }

  /**
   * What an alarm leaves. A first slow alarm keeps the reference: a false one, the likelier kind,
   * then costs nothing, and a real change alarms again soon. A fast one or a confirmed slow one
   * re-centres on the new level and starts learning its daily cycle and scale.
   */
  private void afterAlarm(Excursion crossed) {
    if (p.warmUpMillis() == 0) {
      reset();
      return;
    }
    resetSums();
    int direction = crossed.direction == ChangePoint.Direction.INCREASE ? 1 : -1;
    if ((crossed == slowUp || crossed == slowDown) && pendingSlowAlarm != direction) {
      pendingSlowAlarm = direction;
      return;
    }
    pendingSlowAlarm = 0;
    double s = currentScale();
    if (rangeCount >= p.minInstances()) rangeScale = Math.max(rangeScale, rangeSum / rangeCount / D2);
    scale = s;
    rangeSum = 0;
    rangeCount = 0;
    count = 0;
    mean = 0;
    // a relearning under way goes on: restarting it at every alarm would never end one while the
    // old daily swing keeps misfitting the new level; a change inside it is re-centred on, and
    // any misfit it leaves is caught after the adoption
    if (!relearning) startLearning();
  }

  /** Measures the moving range since the scale was (the first warm-up's end, or the last re-centring). */
  private void trackRange(double value) {
    if (!Double.isNaN(lastValue)) {
      rangeSum += Math.abs(value - lastValue);
      rangeCount++;
    }
    lastValue = value;
  }

  /**
   * The scale, grown by as much as the moving range grew since it was measured: a level that moved
   * may bring more noise (a share of thumbs-down from 2 % to 10 %), which would otherwise pass for
   * changes until the new scale is learned. It never shrinks, so quieter noise cannot make the
   * detector jumpy, and waits for minInstances ranges, the first minutes' noise being noisy itself.
   */
  private double currentScale() {
    if (!warm || rangeCount < p.minInstances()) return scale;
    double range = rangeSum / rangeCount / D2;
    // a signal that did not move during the warm-up has no noise to compare with: take the new one
    if (rangeScale <= 0) return Math.max(scale, range);
    return scale * Math.max(1, range / rangeScale);
  }

  /** One observation into the daily-cycle fit and the hourly means (the warm-up, or a relearning). */
  private void learn(long timestampMillis, double value) {
    if (firstMillis == PageHinkleyState.NONE) firstMillis = timestampMillis;
    DailyCycle.accumulate(fitSums, columns, timestampMillis, value);
    warmUpCount++;
    long hour = Math.floorDiv(timestampMillis, HOUR_MILLIS) - Math.floorDiv(firstMillis, HOUR_MILLIS);
    int h = (int) Math.max(0, Math.min(hourSums.length - 1, hour));
    hourSums[h] += value;
    hourCounts[h]++;
    if (timestampMillis - firstMillis >= p.warmUpMillis() && warmUpCount >= p.minInstances()) adoptLearned();
  }

  /** The fit of the warm-up (or relearning) becomes the reference: level, scale, running mean. */
  private void adoptLearned() {
    level = DailyCycle.solve(fitSums, columns);
    rangeScale = rangeCount > 0 ? rangeSum / rangeCount / D2 : 0;
    double s = Math.max(rangeScale, longRunScale());
    // a signal that did not move during the warm-up (a refusal rate of 0): any movement is news
    scale = Math.max(s, 1e-9 * Math.max(1, Math.abs(level[0])));
    rangeSum = 0;
    rangeCount = 0;
    count = warmUpCount; // the warm-up's deviations average 0 around the fitted level
    mean = 0;
    if (warm) resetSums(); // the old excursions were measured against the old reference
    warm = true;
    relearning = false;
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
    startLearning();
    rangeSum = 0;
    rangeCount = 0;
    lastValue = Double.NaN;
    level = new double[columns];
    scale = 1;
    rangeScale = 0;
    count = 0;
    mean = 0;
    pendingSlowAlarm = 0;
    resetSums();
    // River's raw mode has no warm-up: values are tested as they are, around their running mean
    warm = p.warmUpMillis() == 0;
    relearning = false;
  }

  /** Empties the fit and the hourly means; after the first warm-up, a relearning. */
  private void startLearning() {
    firstMillis = PageHinkleyState.NONE;
    fitSums = new double[DailyCycle.sumsLength(columns)];
    warmUpCount = 0;
    int warmUpHours = (int) Math.min(24 * 14, (p.warmUpMillis() + HOUR_MILLIS - 1) / HOUR_MILLIS);
    hourSums = new double[warmUpHours + 2];
    hourCounts = new long[warmUpHours + 2];
    relearning = warm;
  }

  private void resetSums() {
    for (Excursion e : new Excursion[] {slowUp, slowDown, fastUp, fastDown, datingUp, datingDown}) e.restore(PageHinkleyState.Sum.ZERO);
  }

  /** One clamped cumulative sum and the excursion it is on. */
  private final class Excursion {
    final ChangePoint.Direction direction;
    double sum;
    long start;
    long length;
    double residuals;
    double meanAtStart;

    Excursion(ChangePoint.Direction direction) {
      this.direction = direction;
    }

    void add(long timestampMillis, double increment, double deviation, double meanBefore) {
      double next = p.alpha() * sum + increment;
      if (next <= 0) {
        restore(PageHinkleyState.Sum.ZERO);
        return;
      }
      if (start == PageHinkleyState.NONE) {
        start = timestampMillis;
        meanAtStart = meanBefore;
      }
      sum = next;
      length++;
      residuals += deviation;
    }

    void restore(PageHinkleyState.Sum s) {
      sum = s.value();
      start = s.startMillis();
      length = s.length();
      residuals = s.residualSum();
      meanAtStart = s.meanAtStart();
    }

    PageHinkleyState.Sum state() {
      return new PageHinkleyState.Sum(sum, start, length, residuals, meanAtStart);
    }
  }
}
