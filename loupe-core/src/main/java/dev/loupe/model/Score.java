package dev.loupe.model;

/** A quality signal tied to one request or trace. */
public record Score(
    long timestampMillis,
    String name,
    double value,
    ScoreSource source,
    String requestId,
    String traceId,
    String comment) {
  public Score {
    Checks.timestamp("timestamp", timestampMillis);
    Checks.name("name", name);
    Checks.finite("value", value);
    source = source == null ? ScoreSource.HEURISTIC : source;
    requestId = blankToNull(requestId);
    traceId = blankToNull(traceId);
    if (requestId == null && traceId == null) {
      throw new InvalidRecordException("request_id", "one of request_id or trace_id is required");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
