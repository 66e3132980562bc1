package dev.loupe.model;

import java.util.Map;

/** One span of a trace, as received over OTLP. Times are epoch nanoseconds. */
public record Span(
    String traceId,
    String spanId,
    String parentSpanId,
    String name,
    long startNanos,
    long endNanos,
    String status,
    Map<String, String> attributes,
    Map<String, String> resource) {
  public Span {
    Checks.name("trace_id", traceId);
    Checks.name("span_id", spanId);
    Checks.name("name", name);
    if (endNanos < startNanos) {
      throw new InvalidRecordException("end_time", "is before start_time");
    }
    attributes = Checks.copy(attributes);
    resource = Checks.copy(resource);
  }
}
