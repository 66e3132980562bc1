package dev.loupe.dimension.model;

import dev.loupe.model.InferenceRollup;
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

  /** Adds a figure a metric reported (see {@link ReportedFigure}). */
  public void add(ReportedFigure f) {
    long amount = Math.round(f.value());
    switch (f.measure()) {
      case REQUESTS -> requests += amount;
      case ERRORS -> errors += amount;
      case THROTTLED -> throttled += amount;
      case INPUT_TOKENS -> {
        inputTokens += amount;
        totalTokens += amount;
      }
      case OUTPUT_TOKENS -> {
        outputTokens += amount;
        totalTokens += amount;
      }
      case LATENCY_MS -> latency.add(f.value(), f.weight());
      case TTFT_MS -> ttft.add(f.value(), f.weight());
    }
  }

  /**
   * One minute seen both call by call and through reported metrics: each group of figures
   * (request counts, tokens, latency, time to first token) comes from the calls when they carry
   * it, else from the metrics. Adding both would count every call twice when a team sends its
   * logs and its Azure metrics of the same deployment.
   */
  public static InferenceStats preferring(InferenceStats calls, InferenceStats reported) {
    InferenceStats s = new InferenceStats();
    InferenceStats counts = calls.requests > 0 ? calls : reported;
    s.requests = counts.requests;
    s.errors = counts.errors;
    s.throttled = counts.throttled;
    InferenceStats tokens = calls.totalTokens > 0 ? calls : reported;
    s.inputTokens = tokens.inputTokens;
    s.outputTokens = tokens.outputTokens;
    s.totalTokens = tokens.totalTokens;
    s.latency.merge(calls.latency.isEmpty() ? reported.latency : calls.latency);
    s.ttft.merge(calls.ttft.isEmpty() ? reported.ttft : calls.ttft);
    return s;
  }

  /** True when it holds any figure at all. */
  public boolean isEmpty() {
    return requests == 0 && totalTokens == 0 && latency.isEmpty() && ttft.isEmpty();
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
