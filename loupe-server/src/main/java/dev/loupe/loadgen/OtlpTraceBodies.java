package dev.loupe.loadgen;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * OTLP trace exports shaped like a RAG service's: traces of five spans (gateway, embedding,
 * vector search, an LLM call with GenAI attributes, post-processing), {@code spansPerBody} spans
 * per export, encoded as protobuf before a benchmark starts.
 */
public final class OtlpTraceBodies {
  private static final String[] STEPS = {"gateway", "embedding", "vector-search", "chat gpt-4o", "post-processing"};

  private OtlpTraceBodies() {}

  public static List<byte[]> build(int bodies, int spansPerBody, long nowMillis) {
    Random random = new Random(42);
    List<byte[]> out = new ArrayList<>();
    for (int b = 0; b < bodies; b++) {
      ScopeSpans.Builder scope = ScopeSpans.newBuilder();
      byte[] traceId = new byte[16];
      byte[] rootId = new byte[8];
      for (int i = 0; i < spansPerBody; i++) {
        int step = i % STEPS.length;
        if (step == 0) {
          random.nextBytes(traceId);
          random.nextBytes(rootId);
          // The load generator writes each send's number over the marker, so reused bodies are
          // new traces each time and not dropped as re-sent spans.
          byte[] marker = IngestLoadGenerator.SEND_MARKER.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
          System.arraycopy(marker, 0, traceId, 0, marker.length);
        }
        byte[] spanId = step == 0 ? rootId : new byte[8];
        if (step != 0) random.nextBytes(spanId);
        long start = (nowMillis - random.nextInt(60_000)) * 1_000_000L;
        Span.Builder s = Span.newBuilder().setTraceId(ByteString.copyFrom(traceId)).setSpanId(ByteString.copyFrom(spanId))
            .setName(STEPS[step]).setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
            .setStartTimeUnixNano(start).setEndTimeUnixNano(start + (50 + random.nextInt(900)) * 1_000_000L);
        if (step != 0) s.setParentSpanId(ByteString.copyFrom(rootId));
        if (step == 3) {
          s.addAttributes(attr("gen_ai.operation.name", "chat"))
              .addAttributes(attr("gen_ai.provider.name", "openai"))
              .addAttributes(attr("gen_ai.request.model", "gpt-4o"))
              .addAttributes(KeyValue.newBuilder().setKey("gen_ai.usage.input_tokens")
                  .setValue(AnyValue.newBuilder().setIntValue(200 + random.nextInt(1500))))
              .addAttributes(KeyValue.newBuilder().setKey("gen_ai.usage.output_tokens")
                  .setValue(AnyValue.newBuilder().setIntValue(20 + random.nextInt(400))));
        } else {
          s.addAttributes(attr("component", STEPS[step]));
        }
        scope.addSpans(s);
      }
      out.add(ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
              .setResource(Resource.newBuilder().addAttributes(attr("service.name", "rag-api"))
                  .addAttributes(attr("deployment.name", "rag-prod")))
              .addScopeSpans(scope))
          .build().toByteArray());
    }
    return out;
  }

  private static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }
}
