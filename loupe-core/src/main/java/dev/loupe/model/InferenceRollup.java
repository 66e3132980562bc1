package dev.loupe.model;


/**
 * The persisted summary of one series over one minute: exact counts, a few quantiles for cheap
 * long-range charts, and the serialized KLL sketches so minutes can be merged exactly and the hot
 * windows rebuilt after a restart. Latencies are milliseconds; a quantile is NaN with no samples.
 */
public record InferenceRollup(
    SeriesKey key,
    long minuteMillis,
    long requests,
    long errors,
    long throttled,
    long inputTokens,
    long outputTokens,
    long totalTokens,
    long latencyCount,
    double latencyP50Ms,
    double latencyP95Ms,
    double latencyP99Ms,
    long ttftCount,
    double ttftP50Ms,
    double ttftP95Ms,
    double ttftP99Ms,
    byte[] latencySketch,
    byte[] ttftSketch) {
  public InferenceRollup {
    if (minuteMillis % 60_000 != 0) {
      throw new IllegalArgumentException("minuteMillis must be aligned to a minute: " + minuteMillis);
    }
  }
}
