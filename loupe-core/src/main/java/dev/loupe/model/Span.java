package dev.loupe.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One span of a trace, as received over OTLP. Times are epoch nanoseconds. Attribute values keep
 * their OTLP type: {@code String}, {@code Boolean}, {@code Long}, {@code Double}, a {@code List}
 * of such values (an array) or a {@code Map} of them (a kvlist); bytes are their base64 text, as
 * OTLP/JSON writes them. Maps keep the order the attributes were sent in.
 */
public record Span(
    String traceId,
    String spanId,
    String parentSpanId,
    String name,
    long startNanos,
    long endNanos,
    String status,
    Map<String, Object> attributes,
    Map<String, Object> resource) {
  public Span {
    Checks.name("trace_id", traceId);
    Checks.name("span_id", spanId);
    Checks.name("name", name);
    if (endNanos < startNanos) {
      throw new InvalidRecordException("end_time", "is before start_time");
    }
    attributes = values("attributes", attributes);
    resource = values("resource", resource);
  }

  private static Map<String, Object> values(String field, Map<String, Object> map) {
    if (map == null || map.isEmpty()) return Map.of();
    for (Map.Entry<String, Object> e : map.entrySet()) check(field + "." + e.getKey(), e.getValue());
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  private static void check(String field, Object v) {
    if (v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Double) return;
    if (v instanceof List<?> list) {
      for (Object e : list) check(field, e);
    } else if (v instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) check(field + "." + e.getKey(), e.getValue());
    } else {
      throw new InvalidRecordException(field, v == null ? "is null"
          : "is a " + v.getClass().getSimpleName() + ", not an OTLP attribute value");
    }
  }
}
