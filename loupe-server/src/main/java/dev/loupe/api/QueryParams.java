package dev.loupe.api;

import dev.loupe.server.DurationText;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** Query-string values in the forms Prometheus's HTTP API accepts. */
final class QueryParams {
  /** A decimal number, with fraction and exponent, as Go's ParseFloat reads one (no NaN, no Inf). */
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  private static final Pattern NOT_A_NUMBER = Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);
  /** Unix seconds past the year 5000 are a time in milliseconds (or a mistake), never a real one. */
  static final long MAX_SECONDS = Instant.parse("5000-01-01T00:00:00Z").getEpochSecond();

  private QueryParams() {}

  /**
   * RFC 3339 or Unix seconds (with fraction, rounded to the millisecond), as Prometheus takes
   * {@code start}/{@code end}; NaN, infinities and seconds past the year 5000 (a time given in
   * milliseconds) are refused.
   */
  static long time(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("parameter '" + name + "' is required");
    }
    String v = value.trim();
    if (NUMBER.matcher(v).matches()) {
      BigDecimal seconds = new BigDecimal(v);
      if (seconds.abs().compareTo(BigDecimal.valueOf(MAX_SECONDS)) > 0) {
        throw new IllegalArgumentException("parameter '" + name + "': " + v + " as Unix seconds is after the"
            + " year 5000; it looks like milliseconds: give seconds (" + seconds.movePointLeft(3).toPlainString()
            + ") or RFC 3339" + asMillis(seconds));
      }
      return seconds.movePointRight(3).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }
    if (NOT_A_NUMBER.matcher(v).matches()) {
      throw new IllegalArgumentException(
          "parameter '" + name + "': " + v + " is not a time; give RFC 3339 or Unix seconds");
    }
    try {
      return OffsetDateTime.parse(v).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("parameter '" + name + "': cannot parse \"" + value
          + "\" as RFC 3339 (2026-11-28T10:00:00Z) or Unix seconds (1796199071.123)");
    }
  }

  /** " (the RFC 3339 time)" a number means as epoch milliseconds, or "" when it means none. */
  private static String asMillis(BigDecimal millis) {
    try {
      return " (" + Instant.ofEpochMilli(millis.setScale(0, RoundingMode.HALF_UP).longValueExact()) + ")";
    } catch (ArithmeticException | java.time.DateTimeException e) {
      return "";
    }
  }

  static long time(String name, String value, long fallback) {
    return value == null || value.isBlank() ? fallback : time(name, value);
  }

  /** A duration ({@code 15s}, {@code 1m}) or a number of seconds, in milliseconds. */
  static long step(String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("parameter 'step' is required");
    }
    if (NUMBER.matcher(value.trim()).matches()) {
      double seconds = Double.parseDouble(value.trim());
      if (!(seconds > 0)) throw new IllegalArgumentException("parameter 'step' must be positive");
      if (seconds > MAX_SECONDS) throw new IllegalArgumentException("parameter 'step' is too long: " + value);
      return Math.max(1, Math.round(seconds * 1000));
    }
    try {
      long ms = DurationText.parse(value).toMillis();
      if (ms <= 0) throw new IllegalArgumentException("parameter 'step' must be positive");
      return ms;
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException("parameter 'step': " + e.getMessage());
    }
  }

  /** A whole number from 1 to {@code max}; anything else is refused, naming the bounds. */
  static int limit(String value, int fallback, int max) {
    if (value == null || value.isBlank()) return fallback;
    String v = value.trim();
    if (!v.matches("[+-]?\\d+")) {
      throw new IllegalArgumentException(
          "parameter 'limit' must be a whole number between 1 and " + max + ", got \"" + value + "\"");
    }
    BigDecimal n = new BigDecimal(v);
    if (n.compareTo(BigDecimal.ONE) < 0 || n.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw new IllegalArgumentException("parameter 'limit' must be between 1 and " + max + ", got " + v);
    }
    return n.intValueExact();
  }
}
