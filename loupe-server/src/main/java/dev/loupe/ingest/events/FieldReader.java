package dev.loupe.ingest.events;

import dev.loupe.model.InvalidRecordException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Typed, named access to the fields of one JSON object. A value of the wrong type is an {@link
 * InvalidRecordException} naming the field; absent and null are the same.
 */
public final class FieldReader {
  /** Below this a numeric timestamp is taken as epoch seconds (1e11 ms is March 1973). */
  static final double SECONDS_LIMIT = 1e11;

  private final Map<String, Object> fields;

  public FieldReader(Map<String, Object> fields) {
    this.fields = fields;
  }

  public Map<String, Object> fields() {
    return fields;
  }

  public boolean has(String name) {
    return fields.get(name) != null;
  }

  /** The first of the names that is present, or null. */
  public String firstPresent(String... names) {
    for (String n : names) {
      if (has(n)) return n;
    }
    return null;
  }

  public String string(String name) {
    Object v = fields.get(name);
    if (v == null) return null;
    if (v instanceof String s) return s;
    if (v instanceof Number || v instanceof Boolean) return String.valueOf(v);
    throw new InvalidRecordException(name, "must be a string, got " + kind(v));
  }

  public Long integer(String name) {
    Object v = fields.get(name);
    if (v == null) return null;
    if (v instanceof Integer || v instanceof Long) return ((Number) v).longValue();
    if (v instanceof java.math.BigInteger) {
      throw new InvalidRecordException(name, "is out of range: " + v);
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      if (d == Math.rint(d) && Math.abs(d) < 9e15) return (long) d;
      throw new InvalidRecordException(name, "must be a whole number, got " + v);
    }
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw new InvalidRecordException(name, "must be a whole number, got \"" + s + "\"");
      }
    }
    throw new InvalidRecordException(name, "must be a whole number, got " + kind(v));
  }

  public Double number(String name) {
    Object v = fields.get(name);
    if (v == null) return null;
    if (v instanceof Number n) return n.doubleValue();
    if (v instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        throw new InvalidRecordException(name, "must be a number, got \"" + s + "\"");
      }
    }
    throw new InvalidRecordException(name, "must be a number, got " + kind(v));
  }

  public Boolean bool(String name) {
    Object v = fields.get(name);
    if (v == null) return null;
    if (v instanceof Boolean b) return b;
    if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw new InvalidRecordException(name, "must be true or false, got " + kind(v));
  }

  /** RFC 3339 text or epoch milliseconds (small numbers: epoch seconds, as many loggers write). */
  public Long timestamp(String name) {
    Object v = fields.get(name);
    if (v == null) return null;
    if (v instanceof Number n) {
      double d = n.doubleValue();
      return Math.round(Math.abs(d) < SECONDS_LIMIT ? d * 1000 : d);
    }
    if (v instanceof String s) {
      String t = s.trim();
      try {
        return OffsetDateTime.parse(t).toInstant().toEpochMilli();
      } catch (ArithmeticException e) {
        // A valid year such as +999999999 has no epoch milliseconds.
        throw new InvalidRecordException(name, "is out of range: \"" + s + "\"");
      } catch (DateTimeParseException e) {
        try {
          // "2026-11-28 10:00:00Z" as Python's isoformat(sep=' ') writes it.
          return Instant.parse(t.replace(' ', 'T')).toEpochMilli();
        } catch (ArithmeticException e2) {
          throw new InvalidRecordException(name, "is out of range: \"" + s + "\"");
        } catch (DateTimeParseException e2) {
          try {
            return Math.round(Double.parseDouble(t) * (Double.parseDouble(t) < SECONDS_LIMIT ? 1000 : 1));
          } catch (NumberFormatException e3) {
            throw new InvalidRecordException(
                name, "must be an RFC 3339 time or epoch milliseconds, got \"" + s + "\"");
          }
        }
      }
    }
    throw new InvalidRecordException(name, "must be an RFC 3339 time or epoch milliseconds, got " + kind(v));
  }

  public long requiredTimestamp(String name) {
    Long t = timestamp(name);
    if (t == null) throw new InvalidRecordException(name, "is required");
    return t;
  }

  static String kind(Object v) {
    if (v instanceof Map) return "an object";
    if (v instanceof java.util.List) return "an array";
    if (v instanceof String) return "a string";
    if (v instanceof Boolean) return "a boolean";
    if (v instanceof Number) return "a number";
    return v.getClass().getSimpleName();
  }
}
