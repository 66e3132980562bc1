package dev.loupe.demo;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Some of chat-prod's requests in the demo travel as OpenTelemetry traces instead of JSON events,
 * as a service instrumented with the GenAI conventions sends them: a request span with a retrieval
 * span (the RAG index {@value PipelineTraffic#INDEX} in {@code db.collection.name}, the document
 * it found) and the model call (model, version, deployment, tokens, the question and the answer).
 * Loupe reads the inference from the model call, so it carries the trace's id and the page links
 * the two; after the rollout the model calls, and so the traces, are slower.
 */
final class RagTraces {
  /** One request in this many becomes a trace. */
  static final int ONE_IN = 8;

  private final Random random = new Random(1414);

  /**
   * Takes out of {@code events} the ones that travel as traces and returns them as one OTLP
   * export, or null when none does. Only successful and failed calls with a latency are traced.
   */
  ExportTraceServiceRequest take(List<Map<String, Object>> events) {
    List<Span> spans = new ArrayList<>();
    String service = null;
    for (Iterator<Map<String, Object>> it = events.iterator(); it.hasNext(); ) {
      Map<String, Object> e = it.next();
      if (random.nextInt(ONE_IN) != 0 || !(e.get("latency_ms") instanceof Number)) continue;
      it.remove();
      service = (String) e.get("service");
      spans.addAll(trace(e));
    }
    if (spans.isEmpty()) return null;
    Resource resource = Resource.newBuilder()
        .addAttributes(text("service.name", service))
        .addAttributes(text("deployment.environment.name", "demo"))
        .build();
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(resource)
            .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(spans)))
        .build();
  }

  /** The three spans of one request: the request, its retrieval, its model call. */
  private List<Span> trace(Map<String, Object> e) {
    byte[] traceId = new byte[16];
    random.nextBytes(traceId);
    long callStart = ((Number) e.get("timestamp")).longValue() * 1_000_000L;
    long callNanos = Math.round(((Number) e.get("latency_ms")).doubleValue() * 1_000_000);
    long retrievalNanos = (25 + random.nextInt(90)) * 1_000_000L;
    long rootStart = callStart - retrievalNanos - 6_000_000L;
    long rootEnd = callStart + callNanos + 3_000_000L;
    ByteString trace = ByteString.copyFrom(traceId);
    ByteString rootId = spanId();
    String status = (String) e.get("status");
    boolean failed = !"ok".equals(status);

    Span.Builder root = Span.newBuilder().setTraceId(trace).setSpanId(rootId).setName("POST /v1/chat")
        .setKind(Span.SpanKind.SPAN_KIND_SERVER).setStartTimeUnixNano(rootStart).setEndTimeUnixNano(rootEnd)
        .addAttributes(text("http.request.method", "POST")).addAttributes(text("http.route", "/v1/chat"))
        .addAttributes(number("http.response.status_code", ((Number) e.getOrDefault("http_status", 200)).longValue()));
    if (failed) root.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));

    Span.Builder retrieval = Span.newBuilder().setTraceId(trace).setSpanId(spanId()).setParentSpanId(rootId)
        .setName("search " + PipelineTraffic.INDEX).setKind(Span.SpanKind.SPAN_KIND_CLIENT)
        .setStartTimeUnixNano(rootStart + 3_000_000L).setEndTimeUnixNano(rootStart + 3_000_000L + retrievalNanos)
        .addAttributes(text("db.system.name", "qdrant")).addAttributes(text("db.operation.name", "search"))
        .addAttributes(text("db.collection.name", PipelineTraffic.INDEX))
        .addAttributes(text("openinference.span.kind", "RETRIEVER"));
    if (e.get("retrieved_context") instanceof List<?> docs) {
      for (int i = 0; i < docs.size(); i++) {
        retrieval.addAttributes(text("retrieval.documents." + i + ".document.content", String.valueOf(docs.get(i))));
      }
    }

    String model = (String) e.get("model");
    Span.Builder call = Span.newBuilder().setTraceId(trace).setSpanId(spanId()).setParentSpanId(rootId)
        .setName(e.get("operation") + " " + model).setKind(Span.SpanKind.SPAN_KIND_CLIENT)
        .setStartTimeUnixNano(callStart).setEndTimeUnixNano(callStart + callNanos)
        .addAttributes(text("gen_ai.operation.name", String.valueOf(e.get("operation"))))
        .addAttributes(text("gen_ai.provider.name", "openai"))
        .addAttributes(text("gen_ai.request.model", model)).addAttributes(text("gen_ai.response.model", model))
        .addAttributes(text("gen_ai.model.version", String.valueOf(e.get("model_version"))))
        .addAttributes(text("gen_ai.deployment.name", String.valueOf(e.get("deployment"))))
        .addAttributes(text("gen_ai.response.id", String.valueOf(e.get("request_id"))))
        .addAttributes(text("tenant", String.valueOf(e.get("tenant"))))
        .addAttributes(number("http.response.status_code", ((Number) e.getOrDefault("http_status", 200)).longValue()));
    if (e.get("input_tokens") instanceof Number n) call.addAttributes(number("gen_ai.usage.input_tokens", n.longValue()));
    if (e.get("output_tokens") instanceof Number n) call.addAttributes(number("gen_ai.usage.output_tokens", n.longValue()));
    if (e.get("ttft_ms") instanceof Number n) {
      call.addAttributes(KeyValue.newBuilder().setKey("gen_ai.response.time_to_first_chunk")
          .setValue(AnyValue.newBuilder().setDoubleValue(n.doubleValue() / 1000)));
    }
    if (e.get("finish_reason") instanceof String reason) {
      call.addAttributes(KeyValue.newBuilder().setKey("gen_ai.response.finish_reasons").setValue(AnyValue.newBuilder()
          .setArrayValue(io.opentelemetry.proto.common.v1.ArrayValue.newBuilder()
              .addValues(AnyValue.newBuilder().setStringValue(reason)))));
    }
    if (e.get("prompt") instanceof String prompt) call.addAttributes(text("gen_ai.prompt", prompt));
    if (e.get("completion") instanceof String completion) call.addAttributes(text("gen_ai.completion", completion));
    if (failed) call.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
    return List.of(root.build(), retrieval.build(), call.build());
  }

  private ByteString spanId() {
    byte[] id = new byte[8];
    random.nextBytes(id);
    return ByteString.copyFrom(id);
  }

  private static KeyValue text(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static KeyValue number(String key, long value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }
}
