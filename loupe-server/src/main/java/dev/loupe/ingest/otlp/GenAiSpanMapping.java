package dev.loupe.ingest.otlp;

import dev.loupe.model.Inference;
import dev.loupe.model.Outcome;
import dev.loupe.model.SeriesKey;
import dev.loupe.model.Span;
import java.util.List;
import java.util.Map;

/**
 * Which span attributes make a span an LLM call, and how they become an {@link Inference}: the
 * one table of names Loupe understands, from the OpenTelemetry GenAI semantic conventions and
 * the older names real SDKs still send (first listed wins). Model version and deployment come
 * only from attributes that say so; when none does, the record says {@code unknown}.
 */
public final class GenAiSpanMapping {
  static final List<String> MARKERS = List.of(
      "gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.system", "gen_ai.request.model",
      "gen_ai.response.model", "llm.model_name", "embedding.model_name");
  static final List<String> MODEL = List.of(
      "gen_ai.response.model", "gen_ai.request.model", "llm.model_name", "embedding.model_name");
  static final List<String> INPUT_TOKENS = List.of(
      "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt", "tokens.prompt");
  static final List<String> OUTPUT_TOKENS = List.of(
      "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion",
      "tokens.completion");
  static final List<String> CACHED_TOKENS = List.of(
      "gen_ai.usage.cache_read.input_tokens", "llm.token_count.prompt_details.cache_read");
  /** Cache writes (Anthropic's cache creation), counted in the input tokens. */
  static final List<String> CACHE_WRITE_TOKENS = List.of(
      "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_write.input_tokens",
      "llm.token_count.prompt_details.cache_write");
  /** Reasoning tokens, counted in the output tokens (the GenAI conventions' name first). */
  static final List<String> REASONING_TOKENS = List.of(
      "gen_ai.usage.reasoning.output_tokens", "gen_ai.usage.reasoning_tokens",
      "llm.token_count.completion_details.reasoning");
  /** What the call cost in US dollars, as the sender reports it (proposed in the GenAI conventions). */
  static final List<String> COST = List.of("gen_ai.usage.cost");
  static final List<String> TOTAL_TOKENS = List.of("llm.token_count.total");
  /** Seconds, per the GenAI conventions. */
  static final List<String> TIME_TO_FIRST_CHUNK = List.of("gen_ai.response.time_to_first_chunk");
  /**
   * Span events that mark the first streamed chunk, read when no attribute gives the time to
   * first chunk: OpenInference's, OpenLLMetry's per-chunk event (the earliest counts), and the
   * plain names people add by hand.
   */
  static final List<String> FIRST_CHUNK_EVENTS = List.of(
      "gen_ai.first_token", "first_token", "First Token Stream Event", "llm.content.completion.chunk");
  static final List<String> RESPONSE_ID = List.of("gen_ai.response.id");
  static final List<String> FINISH_REASONS = List.of("gen_ai.response.finish_reasons");
  static final List<String> OPERATION = List.of("gen_ai.operation.name");
  /** OpenInference says what a span is by its kind, not by an operation name. */
  static final List<String> SPAN_KIND = List.of("openinference.span.kind");
  /** OpenInference span kinds as the GenAI operation names they are. */
  static final Map<String, String> OPERATION_OF_KIND = Map.of(
      "LLM", "chat", "EMBEDDING", "embeddings", "TOOL", "execute_tool", "AGENT", "invoke_agent");
  static final List<String> HTTP_STATUS = List.of("http.response.status_code", "http.status_code");
  static final List<String> SERVICE = List.of("service.name");
  static final List<String> TENANT = List.of("tenant", "tenant.id");
  /** Where model version is read unless configured otherwise ({@code otlp.model_version_attributes}). */
  public static final List<String> VERSION_ATTRIBUTES =
      List.of("gen_ai.model.version", "model_version", "model.version", "service.version");
  /** Where deployment is read unless configured otherwise ({@code otlp.deployment_attributes}). */
  public static final List<String> DEPLOYMENT_ATTRIBUTES =
      List.of("gen_ai.deployment.name", "deployment.name", "deployment", "deployment.environment.name");

  private final List<String> versionAttributes;
  private final List<String> deploymentAttributes;

  /** Where model version and deployment are read, span attributes first, then the resource's. */
  public GenAiSpanMapping(List<String> versionAttributes, List<String> deploymentAttributes) {
    this.versionAttributes = List.copyOf(versionAttributes);
    this.deploymentAttributes = List.copyOf(deploymentAttributes);
  }

  public static GenAiSpanMapping defaults() {
    return new GenAiSpanMapping(VERSION_ATTRIBUTES, DEPLOYMENT_ATTRIBUTES);
  }

  /** The LLM call a span describes, or null when it is not one. */
  public Inference toInference(Span span) {
    return toInference(span, 0);
  }

  /** True for a span event that marks the first streamed chunk. */
  public static boolean marksFirstChunk(String eventName) {
    return FIRST_CHUNK_EVENTS.contains(eventName);
  }

  /**
   * The LLM call a span describes, or null when it is not one; {@code firstChunkNanos} is the
   * time of the earliest first-chunk event (see {@link #marksFirstChunk}), 0 when there was none.
   */
  public Inference toInference(Span span, long firstChunkNanos) {
    Map<String, Object> a = span.attributes();
    if (first(a, MARKERS) == null) return null;
    Map<String, Object> r = span.resource();
    String model = first(a, MODEL);
    String service = either(a, r, SERVICE);
    Long input = integer(first(a, INPUT_TOKENS));
    Long output = integer(first(a, OUTPUT_TOKENS));
    Double latencyMs = (span.endNanos() - span.startNanos()) / 1e6;
    Double ttftSeconds = number(first(a, TIME_TO_FIRST_CHUNK));
    Double ttftMs = ttftSeconds != null ? Double.valueOf(Math.min(ttftSeconds * 1000, latencyMs))
        : firstChunkNanos >= span.startNanos() ? Double.valueOf(Math.min((firstChunkNanos - span.startNanos()) / 1e6, latencyMs))
        : null;
    Long http = integer(first(a, HTTP_STATUS));
    Outcome outcome = http != null && http == 429 ? Outcome.THROTTLED
        : "error".equals(span.status()) || (http != null && http >= 500) ? Outcome.ERROR : Outcome.OK;
    return new Inference(
        span.startNanos() / 1_000_000,
        new SeriesKey(service, either(a, r, deploymentAttributes), model, either(a, r, versionAttributes)),
        operation(a),
        first(a, RESPONSE_ID),
        span.traceId(),
        either(a, r, TENANT),
        null,
        input,
        output,
        integer(first(a, CACHED_TOKENS)),
        latencyMs,
        ttftMs,
        outcome,
        http == null ? null : http.intValue(),
        firstOfList(a, FINISH_REASONS),
        null,
        number(first(a, COST)),
        null,
        null,
        integer(first(a, TOTAL_TOKENS)),
        span.spanId(),
        integer(first(a, CACHE_WRITE_TOKENS)),
        integer(first(a, REASONING_TOKENS)),
        null);
  }

  private static String operation(Map<String, Object> a) {
    String named = first(a, OPERATION);
    if (named != null) return named;
    String kind = first(a, SPAN_KIND);
    return kind == null ? null : OPERATION_OF_KIND.get(kind.toUpperCase(java.util.Locale.ROOT));
  }

  private static String either(Map<String, Object> attributes, Map<String, Object> resource, List<String> names) {
    String v = first(attributes, names);
    return v != null ? v : first(resource, names);
  }

  /** The first of the named attributes that is set, as text (a number as written, an array as JSON). */
  static String first(Map<String, Object> m, List<String> names) {
    for (String n : names) {
      String v = AnyValues.text(m.get(n));
      if (v != null && !v.isEmpty()) return v;
    }
    return null;
  }

  /**
   * The first element of an array attribute; spans stored before attributes kept their types hold
   * the array as JSON-like text ({@code ["stop","length"]}).
   */
  private static String firstOfList(Map<String, Object> m, List<String> names) {
    for (String n : names) {
      if (m.get(n) instanceof List<?> list) return list.isEmpty() ? null : AnyValues.text(list.get(0));
    }
    String v = first(m, names);
    if (v == null || !v.startsWith("[")) return v;
    String inner = v.substring(1, Math.max(1, v.length() - 1)).trim();
    if (inner.isEmpty()) return null;
    int comma = inner.indexOf(',');
    String first = comma < 0 ? inner : inner.substring(0, comma);
    return first.trim().replaceAll("^\"|\"$", "");
  }

  private static Long integer(String v) {
    if (v == null) return null;
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      Double d = number(v);
      return d == null ? null : Math.round(d);
    }
  }

  private static Double number(String v) {
    if (v == null) return null;
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
