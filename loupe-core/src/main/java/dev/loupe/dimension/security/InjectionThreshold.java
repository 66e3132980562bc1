package dev.loupe.dimension.security;

import dev.loupe.stats.QuantileSketch;

/**
 * A deployment's injection threshold, calibrated from that deployment's own traffic: a high
 * quantile (default the 99th percentile) of the scores it sees, plus a margin, kept between a
 * floor and a ceiling. A support bot whose users never talk about prompts keeps the floor; a
 * security-training bot whose users quote jailbreaks all day gets a higher threshold instead of a
 * flood of findings. Scores at or above the ceiling always count as injections and are never
 * learnt from, so strong attacks cannot teach the threshold to accept them.
 *
 * <pre>{@code
 * InjectionThreshold t = InjectionThreshold.create(InjectionThreshold.Settings.DEFAULTS);
 * boolean injection = verdict.score() >= t.current();
 * t.observe(verdict.score());
 * store(t.state());    // and later InjectionThreshold.restore(settings, state)
 * }</pre>
 *
 * <p>Scores are learnt in epochs of {@code epochObservations}; the quantile reads the current
 * and the previous epoch, so old traffic is forgotten after two epochs. Not thread-safe: one
 * instance per deployment, used by one thread at a time.
 */
public final class InjectionThreshold {
  /**
   * @param initial the threshold before {@code minObservations} scores were seen
   * @param floor never below this
   * @param ceiling never above this; scores at or above it are not learnt
   * @param quantile the share of benign-looking traffic that should stay below the threshold
   * @param margin added to the quantile
   * @param minObservations scores needed before the quantile replaces {@code initial}
   * @param epochObservations scores per epoch
   */
  public record Settings(double initial, double floor, double ceiling, double quantile, double margin,
      int minObservations, int epochObservations) {
    public static final Settings DEFAULTS = new Settings(0.5, 0.4, 0.9, 0.99, 0.05, 500, 20_000);

    public Settings {
      if (!(floor > 0 && floor <= initial && initial <= ceiling && ceiling <= 1)) {
        throw new IllegalArgumentException("need 0 < floor <= initial <= ceiling <= 1, got floor " + floor
            + ", initial " + initial + ", ceiling " + ceiling);
      }
      if (!(quantile > 0.5 && quantile < 1)) throw new IllegalArgumentException("quantile must be in (0.5, 1), got " + quantile);
      if (margin < 0) throw new IllegalArgumentException("margin must not be negative, got " + margin);
      if (minObservations < 1 || epochObservations < minObservations) {
        throw new IllegalArgumentException("need 1 <= min_observations <= epoch_observations");
      }
    }
  }

  /** How often (in scores) the quantile is read again; reading it costs more than an update. */
  private static final int REFRESH_EVERY = 256;

  private final Settings settings;
  private QuantileSketch previous;
  private QuantileSketch current;
  private double threshold;
  private int sinceRefresh;

  private InjectionThreshold(Settings settings, QuantileSketch previous, QuantileSketch current, double threshold) {
    this.settings = settings;
    this.previous = previous;
    this.current = current;
    this.threshold = threshold;
  }

  public static InjectionThreshold create(Settings settings) {
    return new InjectionThreshold(settings, QuantileSketch.create(), QuantileSketch.create(), settings.initial());
  }

  public static InjectionThreshold restore(Settings settings, InjectionThresholdState state) {
    InjectionThreshold t = new InjectionThreshold(settings, QuantileSketch.fromBytes(state.previous()),
        QuantileSketch.fromBytes(state.current()), clamp(settings, state.threshold()));
    t.refresh();
    return t;
  }

  /** The threshold in force: a score at or above it is an injection. */
  public double current() {
    return threshold;
  }

  /** Learns from one score of this deployment's traffic. */
  public void observe(double score) {
    if (Double.isNaN(score) || score >= settings.ceiling()) return;
    current.add(score);
    if (current.count() >= settings.epochObservations()) {
      previous = current;
      current = QuantileSketch.create();
    }
    if (++sinceRefresh >= REFRESH_EVERY) refresh();
  }

  /** Reads the quantile now rather than at the next refresh. */
  public void refresh() {
    sinceRefresh = 0;
    long seen = current.count() + previous.count();
    if (seen < settings.minObservations()) {
      threshold = settings.initial();
      return;
    }
    QuantileSketch both = current.copy();
    both.merge(previous);
    threshold = clamp(settings, both.quantile(settings.quantile()) + settings.margin());
  }

  public InjectionThresholdState state() {
    return new InjectionThresholdState(previous.toBytes(), current.toBytes(), current.count(), threshold);
  }

  private static double clamp(Settings s, double t) {
    return Math.max(s.floor(), Math.min(s.ceiling(), t));
  }
}
