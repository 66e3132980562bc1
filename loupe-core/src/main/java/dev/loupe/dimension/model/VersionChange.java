package dev.loupe.dimension.model;

import dev.loupe.stats.MeanShift;

/**
 * How one signal moved from the previous model version to the new one: both sides' samples, the
 * relative change of the mean, the test's p-value, and whether that is a regression (significant
 * and in the direction that is worse for this signal).
 *
 * <pre>{@code
 * VersionChange c = VersionChange.of("groundedness", Worse.LOWER, before, after);
 * if (c.regression()) ... c.badness() // 0.18 for groundedness down by 18 %
 * }</pre>
 */
public record VersionChange(
    String signal, Worse worse, Sample before, Sample after, double relativeChange, double pValue) {
  /** The significance level: a change is a regression only when its p-value is below it. */
  public static final double ALPHA = 0.01;
  /** A rate that was zero is compared with this floor, so 0 % → 5 % reads as +500 %, not infinity. */
  static final double RATE_FLOOR = 0.01;

  /** Which way a signal gets worse; {@code NEITHER} (an answer's length) is compared, never alerted on. */
  public enum Worse {
    HIGHER,
    LOWER,
    NEITHER;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One version's observations of a signal over a window: how many, their mean and standard
   * deviation; a rate is a proportion (the mean of 0/1 flags).
   */
  public record Sample(long count, double mean, double stddev, boolean proportion) {
    public static Sample rate(long hits, long count) {
      double p = count == 0 ? Double.NaN : (double) hits / count;
      return new Sample(count, p, count == 0 ? Double.NaN : Math.sqrt(p * (1 - p)), true);
    }
  }

  private static final java.util.Set<String> WORSE_WHEN_HIGHER =
      java.util.Set.of("refusal", "truncated", "empty_answer", "language_switch");
  private static final java.util.Set<String> NEUTRAL = java.util.Set.of("response_length_chars", "response_length_tokens");

  /**
   * Which way a score gets worse: the built-in flags of bad answers (refusal, truncated, empty,
   * language switch) when they rise, lengths never, every other score (groundedness, accuracy,
   * user feedback, a judge's grade) when it falls.
   */
  public static Worse worseFor(String scoreName) {
    if (WORSE_WHEN_HIGHER.contains(scoreName)) return Worse.HIGHER;
    if (NEUTRAL.contains(scoreName)) return Worse.NEITHER;
    return Worse.LOWER;
  }

  public static VersionChange of(String signal, Worse worse, Sample before, Sample after) {
    double base = before.proportion() ? Math.max(before.mean(), RATE_FLOOR) : Math.abs(before.mean());
    double relative = base == 0 ? 0 : (after.mean() - before.mean()) / base;
    double p;
    if (before.count() < MeanShift.MIN_COUNT || after.count() < MeanShift.MIN_COUNT) {
      p = 1;
    } else if (before.proportion()) {
      p = MeanShift.proportions(Math.round(before.mean() * before.count()), before.count(),
          Math.round(after.mean() * after.count()), after.count());
    } else {
      p = MeanShift.means(before.count(), before.mean(), before.stddev(), after.count(), after.mean(), after.stddev());
    }
    return new VersionChange(signal, worse, before, after, relative, p);
  }

  public boolean significant() {
    return pValue < ALPHA;
  }

  /** How much worse the new version is, relative to the old (0.18 is 18 % worse); 0 when not worse. */
  public double badness() {
    return switch (worse) {
      case HIGHER -> Math.max(0, relativeChange);
      case LOWER -> Math.max(0, -relativeChange);
      case NEITHER -> 0;
    };
  }

  /** Significant and worse. */
  public boolean regression() {
    return significant() && badness() > 0;
  }
}
