package dev.loupe.dimension;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** How reasons write times, durations and numbers, so every dimension reads the same. */
public final class ReasonFormat {
  private ReasonFormat() {}

  /** RFC 3339 in UTC, to the second: {@code 2026-11-29T10:00:00Z}. */
  public static String instant(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** {@code 15 m}, {@code 1 h}, {@code 90 s}: the largest whole unit. */
  public static String duration(Duration d) {
    long s = d.toSeconds();
    if (s > 0 && s % 3600 == 0) return s / 3600 + " h";
    if (s > 0 && s % 60 == 0) return s / 60 + " m";
    if (s > 0 || d.isZero()) return s + " s";
    return d.toMillis() + " ms";
  }

  /** Whole numbers without decimals, others with up to {@code decimals} places. */
  public static String number(double v, int decimals) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
    if (s.indexOf('.') >= 0) {
      s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return s;
  }
}
