package dev.loupe.model;

/**
 * The central AI event: one call to a model, from a JSON event, a structured log line, a GenAI
 * span or a cloud diagnostic log. Optional numbers are {@code null} when the sender did not say;
 * {@code totalTokens} is input plus output unless the sender reported only a total (a log's
 * {@code tokens_used}).
 * {@code prompt} and {@code completion} are only non-null under the capture policy; the API key
 * is only ever kept as a hash. {@code spanId} is the span an inference was read from (with
 * {@code traceId} its identity, so a re-sent span is not counted again), null for other sources.
 *
 * <p>Token counts follow the OpenTelemetry GenAI conventions: {@code inputTokens} counts every
 * input token, cache reads ({@code cachedTokens}) and cache writes ({@code cacheWriteTokens})
 * included; {@code outputTokens} counts every output token, reasoning ({@code reasoningTokens})
 * included. {@code costSource} says where {@code cost} came from: {@link CostSource#REPORTED} by
 * the sender (the default when a cost is given without a source), {@link CostSource#CATALOG} by
 * Loupe's price catalog at ingest, {@link CostSource#PROVISIONED} for a deployment paid by the hour
 * (its cost is the hourly price, never per inference), {@link CostSource#UNKNOWN} when nothing
 * prices it; null before pricing.
 */
public record Inference(
    long timestampMillis,
    SeriesKey key,
    String operation,
    String requestId,
    String traceId,
    String tenant,
    String apiKeyHash,
    Long inputTokens,
    Long outputTokens,
    Long cachedTokens,
    Double latencyMs,
    Double ttftMs,
    Outcome outcome,
    Integer httpStatus,
    String finishReason,
    Boolean cacheHit,
    Double cost,
    String prompt,
    String completion,
    Long totalTokens,
    String spanId,
    Long cacheWriteTokens,
    Long reasoningTokens,
    CostSource costSource) {

  /** An inference read from a span, without cache-write or reasoning tokens and not yet priced. */
  public Inference(
      long timestampMillis, SeriesKey key, String operation, String requestId, String traceId, String tenant,
      String apiKeyHash, Long inputTokens, Long outputTokens, Long cachedTokens, Double latencyMs, Double ttftMs,
      Outcome outcome, Integer httpStatus, String finishReason, Boolean cacheHit, Double cost, String prompt,
      String completion, Long totalTokens, String spanId) {
    this(timestampMillis, key, operation, requestId, traceId, tenant, apiKeyHash, inputTokens, outputTokens,
        cachedTokens, latencyMs, ttftMs, outcome, httpStatus, finishReason, cacheHit, cost, prompt, completion,
        totalTokens, spanId, null, null, null);
  }

  /** An inference not read from a span. */
  public Inference(
      long timestampMillis, SeriesKey key, String operation, String requestId, String traceId, String tenant,
      String apiKeyHash, Long inputTokens, Long outputTokens, Long cachedTokens, Double latencyMs, Double ttftMs,
      Outcome outcome, Integer httpStatus, String finishReason, Boolean cacheHit, Double cost, String prompt,
      String completion, Long totalTokens) {
    this(timestampMillis, key, operation, requestId, traceId, tenant, apiKeyHash, inputTokens, outputTokens,
        cachedTokens, latencyMs, ttftMs, outcome, httpStatus, finishReason, cacheHit, cost, prompt, completion,
        totalTokens, null);
  }

  public Inference {
    Checks.timestamp("timestamp", timestampMillis);
    Checks.required("model", key);
    if (Checks.UNKNOWN.equals(key.model()) && Checks.UNKNOWN.equals(key.service())) {
      throw new InvalidRecordException("model", "is required (or at least service)");
    }
    if (Checks.UNKNOWN.equals(key.deployment()) && Checks.UNKNOWN.equals(key.service())) {
      throw new InvalidRecordException("deployment", "one of deployment or service is required");
    }
    Checks.nonNegative("input_tokens", inputTokens);
    Checks.nonNegative("output_tokens", outputTokens);
    Checks.nonNegative("cached_tokens", cachedTokens);
    Checks.nonNegative("total_tokens", totalTokens);
    if (totalTokens == null && (inputTokens != null || outputTokens != null)) {
      totalTokens = (inputTokens == null ? 0 : inputTokens) + (outputTokens == null ? 0 : outputTokens);
    }
    Checks.nonNegative("latency_ms", latencyMs);
    Checks.nonNegative("ttft_ms", ttftMs);
    Checks.nonNegative("cost", cost);
    Checks.nonNegative("cache_write_tokens", cacheWriteTokens);
    Checks.nonNegative("reasoning_tokens", reasoningTokens);
    if (costSource == null && cost != null) {
      costSource = CostSource.REPORTED;
    }
    if (cost != null && (costSource == CostSource.UNKNOWN || costSource == CostSource.PROVISIONED)) {
      throw new InvalidRecordException("cost_source", costSource.wireName() + " goes with no cost, got " + cost);
    }
    if (cachedTokens != null && inputTokens != null && cachedTokens > inputTokens) {
      throw new InvalidRecordException(
          "cached_tokens",
          "(" + cachedTokens + ") cannot exceed input_tokens (" + inputTokens + ")");
    }
    long cacheTokens = (cachedTokens == null ? 0 : cachedTokens) + (cacheWriteTokens == null ? 0 : cacheWriteTokens);
    if (cacheWriteTokens != null && inputTokens != null && cacheTokens > inputTokens) {
      throw new InvalidRecordException(
          "cache_write_tokens",
          "(" + cacheWriteTokens + ") plus cached_tokens cannot exceed input_tokens (" + inputTokens
              + "), which counts cache reads and writes");
    }
    if (reasoningTokens != null && outputTokens != null && reasoningTokens > outputTokens) {
      throw new InvalidRecordException(
          "reasoning_tokens",
          "(" + reasoningTokens + ") cannot exceed output_tokens (" + outputTokens + "), which counts them");
    }
    if (ttftMs != null && latencyMs != null && ttftMs > latencyMs) {
      throw new InvalidRecordException(
          "ttft_ms", "(" + ttftMs + ") cannot exceed latency_ms (" + latencyMs + ")");
    }
    if (httpStatus != null && (httpStatus < 100 || httpStatus > 599)) {
      throw new InvalidRecordException("http_status", "must be 100..599, got " + httpStatus);
    }
    if (outcome == null) {
      outcome = httpStatus == null ? Outcome.OK : Outcome.fromHttpStatus(httpStatus);
    }
  }

  /** The same inference without prompt and completion (capture policy off). */
  public Inference withoutContent() {
    if (prompt == null && completion == null) {
      return this;
    }
    return withContent(null, null);
  }

  /** The same inference with these prompt and completion (the capture policy keeps one, both or none). */
  public Inference withContent(String prompt, String completion) {
    return new Inference(
        timestampMillis, key, operation, requestId, traceId, tenant, apiKeyHash, inputTokens,
        outputTokens, cachedTokens, latencyMs, ttftMs, outcome, httpStatus, finishReason,
        cacheHit, cost, prompt, completion, totalTokens, spanId, cacheWriteTokens, reasoningTokens, costSource);
  }

  /** The same inference under another tenant (a tenant-bound token's). */
  public Inference withTenant(String tenant) {
    return new Inference(
        timestampMillis, key, operation, requestId, traceId, tenant, apiKeyHash, inputTokens,
        outputTokens, cachedTokens, latencyMs, ttftMs, outcome, httpStatus, finishReason,
        cacheHit, cost, prompt, completion, totalTokens, spanId, cacheWriteTokens, reasoningTokens, costSource);
  }

  /** The same inference with its cost (null when unknown) and where that cost came from. */
  public Inference withCost(Double cost, CostSource source) {
    return new Inference(
        timestampMillis, key, operation, requestId, traceId, tenant, apiKeyHash, inputTokens,
        outputTokens, cachedTokens, latencyMs, ttftMs, outcome, httpStatus, finishReason,
        cacheHit, cost, prompt, completion, totalTokens, spanId, cacheWriteTokens, reasoningTokens, source);
  }
}
