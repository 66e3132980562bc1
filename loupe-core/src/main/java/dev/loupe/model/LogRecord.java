package dev.loupe.model;

import java.util.Map;

/** One structured log line as received; every line is kept, whether or not it was a request. */
public record LogRecord(
    long timestampMillis,
    String level,
    String service,
    String message,
    String requestId,
    String traceId,
    Map<String, String> attributes) {
  public LogRecord {
    Checks.timestamp("timestamp", timestampMillis);
    level = level == null || level.isBlank() ? "info" : level;
    service = Checks.labelOrUnknown("service", service);
    message = message == null ? "" : message;
    attributes = Checks.copy(attributes);
  }
}
