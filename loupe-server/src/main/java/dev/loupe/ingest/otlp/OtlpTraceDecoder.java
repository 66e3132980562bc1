package dev.loupe.ingest.otlp;

import com.google.protobuf.ByteString;
import dev.loupe.model.Batch;
import dev.loupe.model.Inference;
import dev.loupe.model.InferenceContext;
import dev.loupe.model.InvalidRecordException;
import dev.loupe.model.PipelineRun;
import dev.loupe.model.Score;
import dev.loupe.model.ScoreSource;
import dev.loupe.model.Span;
import dev.loupe.model.TimestampAdmission;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes an OTLP trace export (protobuf, or the OTLP JSON mapping with hex ids) into spans, the
 * spans that are LLM calls into inferences, and the spans that name a pipeline into its runs
 * ({@link PipelineRunAttributes}). A span that breaks the model (no id, ends before
 * it starts, dated outside the admitted time) is rejected alone and counted; a body that is not an export request fails whole.
 * Text in attributes (prompts, completions, documents, tool calls) is read into the inference and
 * its context and left on the span: the ingest pipeline lets the security detectors read it, then
 * applies the capture policy to the inference and the span alike before anything is stored.
 */
public final class OtlpTraceDecoder {
  private static final HexFormat HEX = HexFormat.of();

  private final GenAiSpanMapping mapping;
  private final TimestampAdmission admission;

  /** Admits spans of any time; the server passes its {@link TimestampAdmission}. */
  public OtlpTraceDecoder(GenAiSpanMapping mapping) {
    this(mapping, TimestampAdmission.anyTime());
  }

  /** Rejects a span whose start or end {@code admission} does not admit, as the JSON endpoints do. */
  public OtlpTraceDecoder(GenAiSpanMapping mapping, TimestampAdmission admission) {
    this.mapping = mapping;
    this.admission = admission;
  }

  /** Decodes a parsed request; {@link OtlpSignal} reads the body into one. */
  public OtlpDecoded decode(ExportTraceServiceRequest request) {
    List<Span> spans = new ArrayList<>();
    List<Inference> inferences = new ArrayList<>();
    List<Score> scores = new ArrayList<>();
    List<PipelineRun> runs = new ArrayList<>();
    Map<String, InferenceContext> contexts = new java.util.HashMap<>();
    int rejected = 0;
    String first = null;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      Map<String, Object> resource = values(rs.getResource().getAttributesList());
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (io.opentelemetry.proto.trace.v1.Span s : ss.getSpansList()) {
          try {
            Span span = new Span(hex(s.getTraceId(), 16, "trace_id"), hex(s.getSpanId(), 8, "span_id"),
                s.getParentSpanId().isEmpty() ? null : hex(s.getParentSpanId(), 8, "parent_span_id"),
                s.getName(), s.getStartTimeUnixNano(), s.getEndTimeUnixNano(), status(s.getStatus()),
                values(s.getAttributesList()), resource);
            // After the span's own invariants, so a span that ends before it starts is told so first.
            admission.check("start_time_unix_nano", span.startNanos() / 1_000_000);
            admission.check("end_time_unix_nano", span.endNanos() / 1_000_000);
            long firstChunk = 0;
            for (io.opentelemetry.proto.trace.v1.Span.Event e : s.getEventsList()) {
              if (GenAiSpanMapping.marksFirstChunk(e.getName()) && (firstChunk == 0 || e.getTimeUnixNano() < firstChunk)) {
                firstChunk = e.getTimeUnixNano();
              }
            }
            Inference inference = mapping.toInference(span, firstChunk);
            if (inference != null) {
              String prompt = SpanContent.prompt(span.attributes());
              String completion = SpanContent.completion(span.attributes());
              if (prompt != null || completion != null) inference = inference.withContent(prompt, completion);
            }
            PipelineRun run = PipelineRunAttributes.fromSpan(span, s.getStatus().getMessage(), checkEvents(s));
            spans.add(span);
            if (run != null) runs.add(run);
            if (inference != null) inferences.add(inference);
            context(span, inference, contexts);
            for (io.opentelemetry.proto.trace.v1.Span.Event e : s.getEventsList()) {
              Score score = evaluation(e, span, inference);
              if (score != null) scores.add(score);
            }
          } catch (InvalidRecordException e) {
            rejected++;
            if (first == null) first = "span '" + s.getName() + "': " + e.getMessage();
          }
        }
      }
    }
    return new OtlpDecoded(new Batch(inferences, List.of(), List.of(), scores, List.of(), spans, contexts, runs),
        rejected, first);
  }

  /**
   * What a span tells the evaluators and the security detectors about its trace's model calls: a
   * retrieval's documents (with the retrieval span's id) and a tool span's arguments serve every
   * call of the trace; a call's requested format, system instructions, tool calls and end user are
   * its own when it has a response id. Spans of the same trace in other batches are not joined.
   */
  private static void context(Span span, Inference inference, Map<String, InferenceContext> contexts) {
    Map<String, Object> a = span.attributes();
    String format = SpanContent.responseFormat(a);
    String system = inference == null ? null : SpanContent.systemPrompt(a);
    String user = SpanContent.user(a);
    if (user == null) user = SpanContent.user(span.resource());
    InferenceContext c = new InferenceContext(SpanContent.retrieved(a, span.spanId()), format, null, null, system,
        SpanContent.toolArguments(a), inference == null ? null : user);
    if (c.isEmpty()) return;
    String key = inference == null ? null : InferenceContext.keyOf(inference);
    contexts.merge(key != null ? key : InferenceContext.traceKey(span.traceId()), c, InferenceContext::merge);
  }

  /**
   * A {@code gen_ai.evaluation.result} span event (an evaluator's verdict on the call) as a
   * score tied to the trace and, when known, the response id. Events without a numeric score are
   * not scores.
   */
  private Score evaluation(io.opentelemetry.proto.trace.v1.Span.Event e, Span span, Inference inference) {
    if (!e.getName().equals("gen_ai.evaluation.result")) return null;
    Map<String, String> a = attributes(e.getAttributesList());
    String name = a.get("gen_ai.evaluation.name");
    String value = a.get("gen_ai.evaluation.score.value");
    if (name == null || value == null) return null;
    double v;
    try {
      v = Double.parseDouble(value);
    } catch (NumberFormatException bad) {
      return null;
    }
    String label = a.get("gen_ai.evaluation.score.label");
    String explanation = a.get("gen_ai.evaluation.explanation");
    String comment = label == null ? explanation : explanation == null ? label : label + ": " + explanation;
    long ts = e.getTimeUnixNano() > 0 ? e.getTimeUnixNano() / 1_000_000 : span.endNanos() / 1_000_000;
    return new Score(ts, name, v, ScoreSource.LLM_JUDGE, inference == null ? null : inference.requestId(),
        span.traceId(), comment, inference == null ? null : inference.key());
  }

  /** The attributes of a span's {@code pipeline.check} events: the checks of a pipeline run. */
  private List<Map<String, Object>> checkEvents(io.opentelemetry.proto.trace.v1.Span s) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (io.opentelemetry.proto.trace.v1.Span.Event e : s.getEventsList()) {
      if (e.getName().equals(PipelineRunAttributes.CHECK_EVENT)) out.add(values(e.getAttributesList()));
    }
    return out;
  }

  /** Span and resource attributes, with their OTLP types. */
  private Map<String, Object> values(List<KeyValue> kvs) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (KeyValue kv : kvs) {
      out.put(kv.getKey(), AnyValues.value(kv.getValue()));
    }
    return out;
  }

  private Map<String, String> attributes(List<KeyValue> kvs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (KeyValue kv : kvs) {
      out.put(kv.getKey(), AnyValues.text(kv.getValue()));
    }
    return out;
  }

  private static String status(Status s) {
    return switch (s.getCode()) {
      case STATUS_CODE_ERROR -> "error";
      case STATUS_CODE_OK -> "ok";
      default -> null;
    };
  }

  private static String hex(ByteString id, int bytes, String field) {
    if (id.size() != bytes) {
      throw new InvalidRecordException(field, "must be " + bytes + " bytes, got " + id.size());
    }
    String h = HEX.formatHex(id.toByteArray());
    if (h.chars().allMatch(c -> c == '0')) throw new InvalidRecordException(field, "is all zeroes");
    return h;
  }

}
