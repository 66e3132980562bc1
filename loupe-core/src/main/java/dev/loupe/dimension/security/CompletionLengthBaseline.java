package dev.loupe.dimension.security;

import dev.loupe.model.Severity;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A deployment's usual completion length, and the completions far longer than it: a model talked
 * into dumping its context, a document or a table answers with many times its usual length, which
 * no pattern detector sees. One per deployment, fed every completion's length:
 *
 * <pre>{@code
 * CompletionLengthBaseline b = CompletionLengthBaseline.create(CompletionLengthBaseline.Settings.DEFAULTS);
 * b.observe(inference.outputTokens()).ifPresent(findings::add);   // judged, then learnt
 * store(b.state());   // later CompletionLengthBaseline.restore(settings, state)
 * }</pre>
 *
 * <p>Robust and rolling: the median and the median absolute deviation of {@code log(1 + length)}
 * over the last {@code window} completions (lengths are skewed; in logs a spread is a ratio). A
 * completion is far longer when it is {@code robustZ} spreads above the median, at least {@code
 * minRatio} times the median length and at least {@code minLength}; it is then a {@code
 * long_completion} warning and is learnt clipped to the limit, so a burst of dumps does not
 * become normal at once (a lasting change is, once it fills half the window). Nothing is judged
 * before {@code minObservations} lengths. Not thread-safe.
 */
public final class CompletionLengthBaseline {
  /**
   * @param window how many recent completions the baseline reads
   * @param minObservations lengths needed before any completion is judged
   * @param robustZ spreads (1.4826 × MAD, in log units) above the median that make a length far longer
   * @param minRatio and at least this many times the median length
   * @param minLength and at least this long, in {@code unit}
   * @param unit what a length counts, for the reason and evidence ({@code tokens} or {@code characters})
   */
  public record Settings(int window, int minObservations, double robustZ, double minRatio, long minLength, String unit) {
    public static final Settings DEFAULTS = new Settings(1_000, 100, 5.0, 4.0, 1_000, "tokens");

    public Settings {
      if (window < 10) throw new IllegalArgumentException("window must be at least 10, got " + window);
      if (minObservations < 10 || minObservations > window) {
        throw new IllegalArgumentException("min_observations must be in 10..window (" + window + "), got " + minObservations);
      }
      if (!(robustZ > 0)) throw new IllegalArgumentException("robust_z must be positive, got " + robustZ);
      if (!(minRatio >= 1)) throw new IllegalArgumentException("min_ratio must be at least 1, got " + minRatio);
      if (minLength < 1) throw new IllegalArgumentException("min_length must be at least 1, got " + minLength);
      if (unit == null || unit.isBlank()) throw new IllegalArgumentException("unit is required (tokens or characters)");
    }
  }

  private static final double MAD_TO_SIGMA = 1.4826;
  /** Smallest spread, in log units: a deployment whose answers are all alike still varies by ±10 %. */
  private static final double MIN_SCALE = 0.1;
  /** How many lengths between two readings of the median; reading sorts the window. */
  private static final int REFRESH_EVERY = 32;

  private final Settings settings;
  private final float[] ring;
  private int filled;
  private int next;
  private long seen;
  private double median;
  private double scale;
  private int sinceRefresh;

  private CompletionLengthBaseline(Settings settings, float[] ring, int filled, int next, long seen) {
    this.settings = settings;
    this.ring = ring;
    this.filled = filled;
    this.next = next;
    this.seen = seen;
    refresh();
  }

  public static CompletionLengthBaseline create(Settings settings) {
    return new CompletionLengthBaseline(settings, new float[settings.window()], 0, 0, 0);
  }

  /** Restores learnt state; a state from another window size keeps its most recent lengths that fit. */
  public static CompletionLengthBaseline restore(Settings settings, CompletionLengthState state) {
    float[] old = state.logLengths();
    int keep = Math.min(state.filled(), settings.window());
    float[] ring = new float[settings.window()];
    for (int k = 0; k < keep; k++) {
      // Oldest first, ending with the most recent one before state.next().
      int from = Math.floorMod(state.next() - keep + k, Math.max(1, old.length));
      ring[k] = old[from];
    }
    CompletionLengthBaseline b =
        new CompletionLengthBaseline(settings, ring, keep, keep % settings.window(), Math.max(state.seen(), keep));
    if (keep == state.filled()) {
      // The same lengths: judge with the median in force when saved, as the saved baseline would.
      b.median = state.median();
      b.scale = state.scale();
    }
    return b;
  }

  public CompletionLengthState state() {
    return new CompletionLengthState(ring, filled, next, seen, median, scale);
  }

  /** Judges one completion's length against the baseline, then learns it. */
  public Optional<SecurityFinding> observe(long length) {
    if (length < 0) throw new IllegalArgumentException("length must not be negative, got " + length);
    double x = Math.log1p(length);
    SecurityFinding finding = null;
    double limitLog = limitLog();
    if (filled >= settings.minObservations() && x >= limitLog) {
      double usual = Math.expm1(median);
      Map<String, String> evidence = new LinkedHashMap<>();
      evidence.put("source", TextSource.COMPLETION.wireName());
      evidence.put("length", Long.toString(length));
      evidence.put("unit", settings.unit());
      evidence.put("median_length", Long.toString(Math.round(usual)));
      evidence.put("limit", Long.toString(Math.round(Math.expm1(limitLog))));
      evidence.put("ratio", SecurityScanner.format(length / Math.max(1.0, usual)));
      evidence.put("robust_z", SecurityScanner.format((x - median) / scale));
      evidence.put("window", Integer.toString(filled));
      finding = new SecurityFinding("long_completion", Severity.WARNING,
          String.format(java.util.Locale.ROOT, "a completion of %,d %s, %.1f times the deployment's median of %,d: "
              + "output far beyond its usual length can carry its context or data out", length, settings.unit(),
              length / Math.max(1.0, usual), Math.round(usual)),
          evidence);
      x = limitLog; // learnt clipped: a burst of dumps does not become the norm at once
    }
    ring[next] = (float) x;
    next = (next + 1) % ring.length;
    if (filled < ring.length) filled++;
    seen++;
    // Until the baseline judges, read it every time; after, every few lengths.
    if (++sinceRefresh >= REFRESH_EVERY || filled <= settings.minObservations()) refresh();
    return Optional.ofNullable(finding);
  }

  /** The median completion length of the window (0 before any). */
  public double medianLength() {
    return filled == 0 ? 0 : Math.expm1(median);
  }

  /** The length from which a completion is far longer: the largest of the three bounds. */
  public double limitLength() {
    return Math.expm1(limitLog());
  }

  public long seen() {
    return seen;
  }

  private double limitLog() {
    double byZ = median + settings.robustZ() * scale;
    double byRatio = Math.log1p(settings.minRatio() * Math.expm1(median));
    double byFloor = Math.log1p(settings.minLength());
    return Math.max(byZ, Math.max(byRatio, byFloor));
  }

  private void refresh() {
    sinceRefresh = 0;
    if (filled == 0) {
      median = 0;
      scale = MIN_SCALE;
      return;
    }
    double[] values = new double[filled];
    for (int k = 0; k < filled; k++) values[k] = ring[k];
    median = median(values);
    for (int k = 0; k < filled; k++) values[k] = Math.abs(values[k] - median);
    scale = Math.max(MIN_SCALE, MAD_TO_SIGMA * median(values));
  }

  private static double median(double[] values) {
    Arrays.sort(values);
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }
}
