package dev.loupe.dimension.model;

import dev.loupe.model.SeriesKey;

/**
 * The hot signals of one series over one sliding window. Rates divide by {@code coveredMillis},
 * the time the window's minute buckets actually span (at most one minute more than the window,
 * since buckets are whole minutes). Latencies are milliseconds, NaN without samples.
 */
public record WindowStats(
    SeriesKey key,
    long windowMillis,
    long coveredMillis,
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
    double ttftP95Ms,
    long firstSeenMillis,
    long lastSeenMillis) {

  static WindowStats of(
      SeriesKey key, long windowMillis, long coveredMillis, InferenceStats s, long first, long last) {
    return new WindowStats(
        key, windowMillis, coveredMillis, s.requests(), s.errors(), s.throttled(),
        s.inputTokens(), s.outputTokens(), s.totalTokens(), s.latencyCount(), s.latencyMs(0.5),
        s.latencyMs(0.95), s.latencyMs(0.99), s.ttftMs(0.95), first, last);
  }

  public double requestsPerSecond() {
    return coveredMillis <= 0 ? 0 : requests * 1000.0 / coveredMillis;
  }

  public double errorRatio() {
    return requests == 0 ? 0 : (double) errors / requests;
  }

  public double throttledRatio() {
    return requests == 0 ? 0 : (double) throttled / requests;
  }

  public double outputTokensPerSecond() {
    return coveredMillis <= 0 ? 0 : outputTokens * 1000.0 / coveredMillis;
  }

  public double tokensPerMinute() {
    return coveredMillis <= 0 ? 0 : totalTokens * 60_000.0 / coveredMillis;
  }
}
