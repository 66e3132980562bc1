package dev.loupe.dimension.model;

import dev.loupe.model.Inference;
import dev.loupe.model.Outcome;
import dev.loupe.model.SeriesKey;
import dev.loupe.stats.QuantileSketch;

/**
 * Mergeable aggregate of inferences: exact counts and token sums, KLL sketches of latency and
 * time to first token (milliseconds). The unit of the hot windows and of the minute rollups.
 * Not thread-safe.
 */
public final class InferenceStats {
  private long requests;
  private long errors;
  private long throttled;
  private long inputTokens;
  private long outputTokens;
  private long totalTokens;
  private final QuantileSketch latency;
  private final QuantileSketch ttft;

  public InferenceStats() {
    this(QuantileSketch.create(), QuantileSketch.create());
  }

  private InferenceStats(QuantileSketch latency, QuantileSketch ttft) {
    this.latency = latency;
    this.ttft = ttft;
  }

  public static InferenceStats of(InferenceRollup r) {
    InferenceStats s =
        new InferenceStats(
            QuantileSketch.fromBytes(r.latencySketch()), QuantileSketch.fromBytes(r.ttftSketch()));
    s.requests = r.requests();
    s.errors = r.errors();
    s.throttled = r.throttled();
    s.inputTokens = r.inputTokens();
    s.outputTokens = r.outputTokens();
    s.totalTokens = r.totalTokens();
    return s;
  }

  public void add(Inference i) {
    requests++;
    if (i.outcome() == Outcome.ERROR) {
      errors++;
    } else if (i.outcome() == Outcome.THROTTLED) {
      throttled++;
    }
    if (i.inputTokens() != null) inputTokens += i.inputTokens();
    if (i.outputTokens() != null) outputTokens += i.outputTokens();
    if (i.totalTokens() != null) totalTokens += i.totalTokens();
    // A throttled or failed call's latency says nothing about the model's speed.
    if (i.outcome() == Outcome.OK) {
      if (i.latencyMs() != null) latency.add(i.latencyMs());
      if (i.ttftMs() != null) ttft.add(i.ttftMs());
    }
  }

  public void merge(InferenceStats o) {
    requests += o.requests;
    errors += o.errors;
    throttled += o.throttled;
    inputTokens += o.inputTokens;
    outputTokens += o.outputTokens;
    totalTokens += o.totalTokens;
    latency.merge(o.latency);
    ttft.merge(o.ttft);
  }

  public InferenceRollup toRollup(SeriesKey key, long minuteMillis) {
    return new InferenceRollup(
        key, minuteMillis, requests, errors, throttled, inputTokens, outputTokens, totalTokens,
        latency.count(), latency.quantile(0.5), latency.quantile(0.95), latency.quantile(0.99),
        ttft.count(), ttft.quantile(0.5), ttft.quantile(0.95), ttft.quantile(0.99),
        latency.toBytes(), ttft.toBytes());
  }

  public long requests() {
    return requests;
  }

  public long errors() {
    return errors;
  }

  public long throttled() {
    return throttled;
  }

  public long inputTokens() {
    return inputTokens;
  }

  public long outputTokens() {
    return outputTokens;
  }

  /** Input plus output tokens, or the reported total where only that was known. */
  public long totalTokens() {
    return totalTokens;
  }

  public long latencyCount() {
    return latency.count();
  }

  /** Latency quantile in ms; NaN without samples. */
  public double latencyMs(double q) {
    return latency.quantile(q);
  }

  public long ttftCount() {
    return ttft.count();
  }

  /** Time-to-first-token quantile in ms; NaN without samples. */
  public double ttftMs(double q) {
    return ttft.quantile(q);
  }
}
