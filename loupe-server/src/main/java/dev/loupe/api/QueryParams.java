package dev.loupe.api;

import dev.loupe.server.DurationText;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Query-string values in the forms Prometheus's HTTP API accepts. */
final class QueryParams {
  private QueryParams() {}

  /** RFC 3339 or Unix seconds (with fraction), as Prometheus takes {@code start}/{@code end}. */
  static long time(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("parameter '" + name + "' is required");
    }
    try {
      return Math.round(Double.parseDouble(value) * 1000);
    } catch (NumberFormatException e) {
      try {
        return OffsetDateTime.parse(value).toInstant().toEpochMilli();
      } catch (DateTimeParseException e2) {
        throw new IllegalArgumentException(
            "parameter '" + name + "': cannot parse \"" + value + "\" as RFC 3339 or Unix seconds");
      }
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
    try {
      double seconds = Double.parseDouble(value);
      if (!(seconds > 0)) throw new IllegalArgumentException("parameter 'step' must be positive");
      return Math.max(1, Math.round(seconds * 1000));
    } catch (NumberFormatException e) {
      try {
        long ms = DurationText.parse(value).toMillis();
        if (ms <= 0) throw new IllegalArgumentException("parameter 'step' must be positive");
        return ms;
      } catch (IllegalArgumentException e2) {
        throw new IllegalArgumentException("parameter 'step': " + e2.getMessage());
      }
    }
  }

  static int limit(String value, int fallback, int max) {
    if (value == null || value.isBlank()) return fallback;
    try {
      int n = Integer.parseInt(value);
      if (n < 1) throw new IllegalArgumentException("parameter 'limit' must be at least 1");
      return Math.min(n, max);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("parameter 'limit' must be a whole number, got \"" + value + "\"");
    }
  }
}
