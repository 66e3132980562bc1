package dev.loupe.ingest.events;

import dev.loupe.model.ApiKeyHash;
import dev.loupe.model.Inference;
import dev.loupe.model.Outcome;
import dev.loupe.model.SeriesKey;

/** The wire shape of {@code POST /api/v1/inferences} (DESIGN.md, wire contract) to {@link Inference}. */
public final class InferenceJson {
  private InferenceJson() {}

  public static Inference read(FieldReader f) {
    long ts = f.requiredTimestamp("timestamp");
    String model = f.string("model");
    if (model == null || model.isBlank()) {
      throw new dev.loupe.model.InvalidRecordException("model", "is required");
    }
    String status = f.string("status");
    Long http = f.integer("http_status");
    Outcome outcome = status == null ? null : Outcome.parse("status", status);
    String apiKey = f.string("api_key");
    return new Inference(
        ts,
        new SeriesKey(f.string("service"), f.string("deployment"), model, f.string("model_version")),
        f.string("operation"),
        f.string("request_id"),
        f.string("trace_id"),
        f.string("tenant"),
        apiKey != null ? ApiKeyHash.of(apiKey) : f.string("api_key_hash"),
        f.integer("input_tokens"),
        f.integer("output_tokens"),
        f.integer("cached_tokens"),
        f.number("latency_ms"),
        f.number("ttft_ms"),
        outcome,
        http == null ? null : Math.toIntExact(Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, http))),
        f.string("finish_reason"),
        f.bool("cache_hit"),
        f.number("cost"),
        f.string("prompt"),
        f.string("completion"),
        f.integer("total_tokens"),
        null,
        f.integer("cache_write_tokens"),
        f.integer("reasoning_tokens"),
        // cost_source is Loupe's to say: a cost given here is the sender's (reported).
        null);
  }
}
