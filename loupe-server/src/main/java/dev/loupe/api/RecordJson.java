package dev.loupe.api;

import dev.loupe.model.Deployment;
import dev.loupe.model.Inference;
import dev.loupe.model.LogRecord;
import dev.loupe.model.Score;
import java.util.LinkedHashMap;
import java.util.Map;

/** Records in the wire contract's shape (snake_case, RFC 3339 times), for the read endpoints. */
final class RecordJson {
  private RecordJson() {}

  static Map<String, Object> of(Inference i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("timestamp", ApiJson.time(i.timestampMillis()));
    m.put("service", i.key().service());
    m.put("deployment", i.key().deployment());
    m.put("model", i.key().model());
    m.put("model_version", i.key().modelVersion());
    putIfSet(m, "operation", i.operation());
    putIfSet(m, "request_id", i.requestId());
    putIfSet(m, "trace_id", i.traceId());
    putIfSet(m, "tenant", i.tenant());
    putIfSet(m, "api_key_hash", i.apiKeyHash());
    putIfSet(m, "input_tokens", i.inputTokens());
    putIfSet(m, "output_tokens", i.outputTokens());
    putIfSet(m, "cached_tokens", i.cachedTokens());
    putIfSet(m, "cache_write_tokens", i.cacheWriteTokens());
    putIfSet(m, "reasoning_tokens", i.reasoningTokens());
    putIfSet(m, "total_tokens", i.totalTokens());
    putIfSet(m, "latency_ms", i.latencyMs());
    putIfSet(m, "ttft_ms", i.ttftMs());
    m.put("status", i.outcome().wireName());
    putIfSet(m, "http_status", i.httpStatus());
    putIfSet(m, "finish_reason", i.finishReason());
    putIfSet(m, "cache_hit", i.cacheHit());
    putIfSet(m, "cost", i.cost());
    putIfSet(m, "cost_source", i.costSource() == null ? null : i.costSource().wireName());
    putIfSet(m, "prompt", i.prompt());
    putIfSet(m, "completion", i.completion());
    return m;
  }

  static Map<String, Object> of(Deployment d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("timestamp", ApiJson.time(d.timestampMillis()));
    m.put("service", d.service());
    m.put("deployment", d.deployment());
    m.put("model", d.model());
    m.put("from_version", d.fromVersion());
    m.put("to_version", d.toVersion());
    return m;
  }

  static Map<String, Object> of(LogRecord l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("timestamp", ApiJson.time(l.timestampMillis()));
    m.put("level", l.level());
    m.put("service", l.service());
    m.put("message", l.message());
    putIfSet(m, "request_id", l.requestId());
    putIfSet(m, "trace_id", l.traceId());
    m.put("attributes", l.attributes());
    return m;
  }

  static Map<String, Object> of(Score s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("timestamp", ApiJson.time(s.timestampMillis()));
    m.put("name", s.name());
    m.put("value", s.value());
    m.put("source", s.source().wireName());
    putIfSet(m, "request_id", s.requestId());
    putIfSet(m, "trace_id", s.traceId());
    putIfSet(m, "comment", s.comment());
    if (s.key() != null) {
      m.put("service", s.key().service());
      m.put("deployment", s.key().deployment());
      m.put("model", s.key().model());
      m.put("model_version", s.key().modelVersion());
    }
    return m;
  }

  private static void putIfSet(Map<String, Object> m, String k, Object v) {
    if (v != null) m.put(k, v);
  }
}
