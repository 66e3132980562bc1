package dev.loupe.dimension.model;

import dev.loupe.model.SeriesKey;

/**
 * A figure about one series' calls that its sender had already aggregated — an Azure Monitor
 * metric, an OpenTelemetry GenAI histogram — rather than one call. For counts and tokens
 * {@code value} is the amount; for latencies it is milliseconds seen {@code weight} times.
 */
public record ReportedFigure(SeriesKey key, long timestampMillis, Measure measure, double value, long weight) {
  /** What a figure measures. */
  public enum Measure {
    REQUESTS,
    ERRORS,
    THROTTLED,
    INPUT_TOKENS,
    OUTPUT_TOKENS,
    LATENCY_MS,
    TTFT_MS
  }

  public ReportedFigure {
    if (key == null || measure == null) throw new IllegalArgumentException("key and measure are required");
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(measure + " must be a finite number >= 0, got " + value);
    }
    if (weight < 1) throw new IllegalArgumentException("weight must be at least 1, got " + weight);
  }

  /** An amount: requests, errors, throttled calls or tokens. */
  public static ReportedFigure amount(SeriesKey key, long timestampMillis, Measure measure, double value) {
    return new ReportedFigure(key, timestampMillis, measure, value, 1);
  }
}
