package dev.loupe.dimension;

import java.time.Duration;

/**
 * A bound a signal must stay beyond for a while before it counts, at two levels. Either level may
 * be absent (null): a threshold with neither never fires. Held as plain data so that a rule engine
 * can take it over unchanged.
 *
 * <p>{@code clearMargin} is the hysteresis: once a level has fired, observations that are back
 * inside the bound but by less than the margin keep it firing, so a signal hovering at the bound
 * does not make the tile flap.
 */
public record SustainedThreshold(Direction direction, Level warning, Level critical, double clearMargin) {

  /** Which side of the bound is bad. */
  public enum Direction {
    ABOVE(">"),
    BELOW("<");

    private final String symbol;

    Direction(String symbol) {
      this.symbol = symbol;
    }

    public boolean beyond(double value, double bound) {
      return this == ABOVE ? value > bound : value < bound;
    }

    /** {@code >} or {@code <}, for reasons. */
    public String symbol() {
      return symbol;
    }
  }

  /** One level: beyond {@code bound} for at least {@code holdsFor}. */
  public record Level(double bound, Duration holdsFor) {
    public Level {
      if (!Double.isFinite(bound)) throw new IllegalArgumentException("bound must be finite, got " + bound);
      if (holdsFor == null || holdsFor.isNegative()) {
        throw new IllegalArgumentException("holds-for duration must be zero or more");
      }
    }
  }

  public SustainedThreshold {
    if (direction == null) throw new IllegalArgumentException("direction is required");
    if (!(clearMargin >= 0) || Double.isInfinite(clearMargin)) {
      throw new IllegalArgumentException("clear margin must be a finite number >= 0, got " + clearMargin);
    }
    if (warning != null && critical != null && direction.beyond(warning.bound(), critical.bound())) {
      throw new IllegalArgumentException(
          "critical bound " + critical.bound() + " is milder than warning bound " + warning.bound());
    }
  }

  public static Level level(double bound, Duration holdsFor) {
    return new Level(bound, holdsFor);
  }

  public static SustainedThreshold above(Level warning, Level critical, double clearMargin) {
    return new SustainedThreshold(Direction.ABOVE, warning, critical, clearMargin);
  }

  public static SustainedThreshold below(Level warning, Level critical, double clearMargin) {
    return new SustainedThreshold(Direction.BELOW, warning, critical, clearMargin);
  }

  /** A threshold that never fires (e.g. low utilization of an inference GPU). */
  public static SustainedThreshold disabled() {
    return new SustainedThreshold(Direction.ABOVE, null, null, 0);
  }

  public boolean enabled() {
    return warning != null || critical != null;
  }

  /** The bound an observation must cross back over before a firing level clears. */
  public double clearBound(Level level) {
    return direction == Direction.ABOVE ? level.bound() - clearMargin : level.bound() + clearMargin;
  }
}
