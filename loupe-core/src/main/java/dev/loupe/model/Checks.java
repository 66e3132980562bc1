package dev.loupe.model;

import java.util.Map;

/**
 * The invariants every record checks in its compact constructor, in one place so that the
 * wording of a rejection is the same whichever receiver produced the record. Field names are
 * the snake_case names of the wire contract.
 */
public final class Checks {
  /** Written wherever a dimension label is not known; never silently invented. */
  public static final String UNKNOWN = "unknown";

  /** Longest label or name we keep; longer values are almost always a client bug. */
  static final int MAX_NAME_LENGTH = 256;

  private Checks() {}

  public static String name(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidRecordException(field, "must not be empty");
    }
    if (value.length() > MAX_NAME_LENGTH) {
      throw new InvalidRecordException(
          field, "is " + value.length() + " characters, longer than " + MAX_NAME_LENGTH);
    }
    return value;
  }

  /** A label that may be absent: absent or blank becomes {@link #UNKNOWN}. */
  /** Prometheus's label name rule, {@code [a-zA-Z_][a-zA-Z0-9_]*}. */
  public static boolean isLabelName(String s) {
    return isName(s, false);
  }

  /** Prometheus's metric name rule, {@code [a-zA-Z_:][a-zA-Z0-9_:]*}. */
  public static boolean isMetricName(String s) {
    return isName(s, true);
  }

  private static boolean isName(String s, boolean colons) {
    if (s == null || s.isEmpty()) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || colons && c == ':'
          || i > 0 && c >= '0' && c <= '9';
      if (!ok) return false;
    }
    return true;
  }

  public static String labelOrUnknown(String field, String value) {
    if (value == null || value.isBlank()) {
      return UNKNOWN;
    }
    return name(field, value);
  }

  public static Long nonNegative(String field, Long value) {
    if (value != null && value < 0) {
      throw new InvalidRecordException(field, "must not be negative, got " + value);
    }
    return value;
  }

  public static Double nonNegative(String field, Double value) {
    if (value == null) {
      return null;
    }
    if (value.isNaN() || value.isInfinite()) {
      throw new InvalidRecordException(field, "must be a finite number, got " + value);
    }
    if (value < 0) {
      throw new InvalidRecordException(field, "must not be negative, got " + value);
    }
    return value;
  }

  public static double finite(String field, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new InvalidRecordException(field, "must be a finite number, got " + value);
    }
    return value;
  }

  public static long timestamp(String field, long epochMillis) {
    if (epochMillis <= 0) {
      throw new InvalidRecordException(field, "must be after 1970-01-01, got " + epochMillis);
    }
    return epochMillis;
  }

  public static <T> T required(String field, T value) {
    if (value == null) {
      throw new InvalidRecordException(field, "is required");
    }
    return value;
  }

  public static Map<String, String> copy(Map<String, String> map) {
    return map == null ? Map.of() : Map.copyOf(map);
  }
}
