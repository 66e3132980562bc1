package dev.loupe.model;

/**
 * A quality signal tied to one request or trace. {@code key} is the series of the inference it
 * judges (service, deployment, model, model version), so scores aggregate per deployment and
 * version; null until the inference is known (a score may arrive before or long after it).
 */
public record Score(
    long timestampMillis,
    String name,
    double value,
    ScoreSource source,
    String requestId,
    String traceId,
    String comment,
    SeriesKey key) {
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

  /** A score whose inference is not known yet. */
  public Score(long timestampMillis, String name, double value, ScoreSource source, String requestId,
      String traceId, String comment) {
    this(timestampMillis, name, value, source, requestId, traceId, comment, null);
  }

  /** The same score, about the inference of {@code key}. */
  public Score withKey(SeriesKey key) {
    return new Score(timestampMillis, name, value, source, requestId, traceId, comment, key);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
