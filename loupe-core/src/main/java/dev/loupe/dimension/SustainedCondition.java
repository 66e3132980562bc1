package dev.loupe.dimension;

import dev.loupe.model.Severity;
import java.time.Duration;
import java.util.Optional;

/**
 * Follows one signal against a {@link SustainedThreshold}. A level is breached when every
 * observation since the condition began has been beyond its bound and the condition began at
 * least the level's duration ago. A gap between two observations longer than {@code maxGap} breaks
 * the run, since nothing is known of the time in between. Observations not newer than the last one
 * are ignored. Not thread-safe: the owner synchronizes.
 */
public final class SustainedCondition {
  private static final long NONE = Long.MIN_VALUE;

  /** A breached level: since when the condition holds and the latest value. */
  public record Breach(Severity severity, SustainedThreshold.Level level, long sinceMillis, double value) {}

  private final SustainedThreshold threshold;
  private final long maxGapMillis;
  private long warningSince = NONE;
  private long criticalSince = NONE;
  private long lastMillis = NONE;
  private double lastValue = Double.NaN;

  public SustainedCondition(SustainedThreshold threshold, Duration maxGap) {
    this.threshold = threshold;
    this.maxGapMillis = maxGap.toMillis();
  }

  public void observe(long timestampMillis, double value) {
    if (Double.isNaN(value) || timestampMillis <= lastMillis) {
      return;
    }
    boolean gap = lastMillis != NONE && timestampMillis - lastMillis > maxGapMillis;
    warningSince = advance(warningSince, threshold.warning(), timestampMillis, value, gap);
    criticalSince = advance(criticalSince, threshold.critical(), timestampMillis, value, gap);
    lastMillis = timestampMillis;
    lastValue = value;
  }

  private long advance(long since, SustainedThreshold.Level level, long t, double value, boolean gap) {
    if (level == null) {
      return NONE;
    }
    if (gap) {
      since = NONE;
    }
    if (threshold.direction().beyond(value, level.bound())) {
      return since == NONE ? t : since;
    }
    boolean firing = since != NONE && t - since >= level.holdsFor().toMillis();
    if (firing && threshold.direction().beyond(value, threshold.clearBound(level))) {
      return since;
    }
    return NONE;
  }

  /** The worst level breached at {@code nowMillis}, if any. */
  public Optional<Breach> breach(long nowMillis) {
    if (held(criticalSince, threshold.critical(), nowMillis)) {
      return Optional.of(new Breach(Severity.CRITICAL, threshold.critical(), criticalSince, lastValue));
    }
    if (held(warningSince, threshold.warning(), nowMillis)) {
      return Optional.of(new Breach(Severity.WARNING, threshold.warning(), warningSince, lastValue));
    }
    return Optional.empty();
  }

  private static boolean held(long since, SustainedThreshold.Level level, long nowMillis) {
    return level != null && since != NONE && nowMillis - since >= level.holdsFor().toMillis();
  }

  /** The latest value observed, NaN before the first. */
  public double lastValue() {
    return lastValue;
  }
}
