package dev.loupe.ingest.events;

import dev.loupe.model.ApiKeyHash;
import dev.loupe.model.Inference;
import dev.loupe.model.InvalidRecordException;
import dev.loupe.model.LogRecord;
import dev.loupe.model.Outcome;
import dev.loupe.model.SeriesKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps one structured log line, in the shapes common JSON log formatters write (python-json-logger,
 * structlog, Logback/Logstash, pino, zap), to a {@link LogRecord}, and, when the line describes a
 * model request (it carries a latency or token counts), to an {@link Inference} as well. The one
 * mapping for every log receiver (JSON lines here, OTLP logs later).
 */
public final class LogLineMapper {
  static final List<String> TIME = List.of("timestamp", "time", "ts", "@timestamp", "datetime");
  static final List<String> LEVEL = List.of("level", "severity", "levelname", "log.level", "lvl");
  static final List<String> SERVICE = List.of("service", "service.name", "service_name", "app", "application");
  static final List<String> MESSAGE = List.of("message", "msg", "event", "body");
  static final List<String> REQUEST_ID = List.of("request_id", "requestId", "req_id", "x_request_id");
  static final List<String> TRACE_ID = List.of("trace_id", "traceId", "trace.id", "otelTraceID");
  static final List<String> MODEL = List.of("model", "model_name", "gen_ai.request.model", "llm.model_name");
  static final List<String> MODEL_VERSION = List.of("model_version", "modelVersion", "service.version");
  static final List<String> DEPLOYMENT = List.of("deployment", "deployment_name", "deployment.name");
  static final List<String> INPUT_TOKENS = List.of("input_tokens", "prompt_tokens", "tokens_prompt", "gen_ai.usage.input_tokens");
  static final List<String> OUTPUT_TOKENS = List.of("output_tokens", "completion_tokens", "tokens_completion", "gen_ai.usage.output_tokens");
  static final List<String> TOTAL_TOKENS = List.of("tokens_used", "total_tokens", "tokens");
  static final List<String> LATENCY_MS = List.of("latency_ms", "duration_ms", "elapsed_ms", "response_time_ms");
  static final List<String> HTTP_STATUS = List.of("http_status", "status_code", "http.status_code", "http.response.status_code");

  /** The log record and, if the line was a model request, its inference (else null). */
  public record Mapped(LogRecord log, Inference inference) {}

  private LogLineMapper() {}

  public static Mapped map(FieldReader f) {
    String timeField = first(f, TIME);
    if (timeField == null) {
      throw new InvalidRecordException("timestamp", "is required (also read from time, ts, @timestamp)");
    }
    long ts = f.requiredTimestamp(timeField);
    String service = f.string(orFirst(f, SERVICE));
    String requestId = f.string(orFirst(f, REQUEST_ID));
    String traceId = f.string(orFirst(f, TRACE_ID));
    Map<String, String> attributes = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : f.fields().entrySet()) {
      if (e.getValue() != null && !e.getKey().equals("api_key")) {
        attributes.put(e.getKey(), String.valueOf(e.getValue()));
      }
    }
    LogRecord log =
        new LogRecord(ts, f.string(orFirst(f, LEVEL)), service, f.string(orFirst(f, MESSAGE)),
            requestId, traceId, attributes);
    String latencyField = first(f, LATENCY_MS);
    String totalField = first(f, TOTAL_TOKENS);
    String inField = first(f, INPUT_TOKENS);
    String outField = first(f, OUTPUT_TOKENS);
    boolean isRequest = latencyField != null || totalField != null || inField != null || outField != null;
    if (!isRequest) {
      return new Mapped(log, null);
    }
    Double latency = latencyField == null ? null : f.number(latencyField);
    if (latencyField == null && f.has("latency_s")) {
      latency = f.number("latency_s") * 1000;
    }
    Long http = f.integer(orFirst(f, HTTP_STATUS));
    String status = f.string("status");
    Outcome outcome = outcome(status, http, f.string(orFirst(f, LEVEL)), f.has("error"));
    String model = f.string(orFirst(f, MODEL));
    Inference inference =
        new Inference(
            ts,
            new SeriesKey(service, f.string(orFirst(f, DEPLOYMENT)), model, f.string(orFirst(f, MODEL_VERSION))),
            f.string("operation"),
            requestId,
            traceId,
            f.string("tenant"),
            f.has("api_key") ? ApiKeyHash.of(f.string("api_key")) : null,
            inField == null ? null : f.integer(inField),
            outField == null ? null : f.integer(outField),
            f.integer("cached_tokens"),
            latency,
            f.number("ttft_ms"),
            outcome,
            http == null ? null : http.intValue(),
            f.string("finish_reason"),
            f.bool("cache_hit"),
            f.number("cost"),
            null,
            null,
            totalField == null ? null : f.integer(totalField));
    return new Mapped(log, inference);
  }

  /** status wins; else the HTTP status; else an error level or error field means error. */
  private static Outcome outcome(String status, Long http, String level, boolean hasError) {
    if (status != null && !status.isBlank() && !status.chars().allMatch(Character::isDigit)) {
      return Outcome.parse("status", status);
    }
    if (http == null && status != null && !status.isBlank()) {
      http = Long.parseLong(status);
    }
    if (http != null) {
      return Outcome.fromHttpStatus(http.intValue());
    }
    if (hasError || (level != null && (level.equalsIgnoreCase("error") || level.equalsIgnoreCase("fatal")))) {
      return Outcome.ERROR;
    }
    return Outcome.OK;
  }

  private static String first(FieldReader f, List<String> names) {
    for (String n : names) {
      if (f.has(n)) return n;
    }
    return null;
  }

  private static String orFirst(FieldReader f, List<String> names) {
    String n = first(f, names);
    return n == null ? names.get(0) : n;
  }
}
