package dev.loupe.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.testing.TestServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A RAG trace from the real OpenTelemetry SDK, with capture on: the LLM span's messages (GenAI
 * conventions) become the inference's prompt and completion, and the retrieval span's documents
 * (OpenInference's flattened attributes) the context its groundedness is measured against.
 */
class OtlpContentEvaluationTest {
  static final String DOC = "Refunds are accepted within 30 days of purchase when the receipt is shown at the store.";

  @TempDir Path dir;

  @Test
  void theLlmSpansAnswerIsScoredAgainstTheDocumentsItsTraceRetrieved() throws Exception {
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC(),
        "ingest: {capture: {prompts: true, completions: true}}\n")) {
      send(loupe, "grounded", "Refunds are accepted within 30 days of purchase with the receipt.");
      send(loupe, "ungrounded", "Our store sells fresh bread baked every morning by local bakers.");
      Map<String, Double> groundedness = new HashMap<>();
      for (JsonNode s : loupe.get("api/v1/scores").json().path("data")) {
        if (s.path("name").asText().equals("groundedness")) groundedness.put(s.path("request_id").asText(), s.path("value").asDouble());
        assertThat(s.path("deployment").asText()).isEqualTo("support-prod");
      }
      assertThat(groundedness.get("grounded")).isGreaterThan(0.6);
      assertThat(groundedness.get("ungrounded")).isLessThan(0.2);
      JsonNode inference = loupe.get("api/v1/inferences").json().path("data").get(0);
      assertThat(inference.path("prompt").asText()).isEqualTo("You answer from the documents.\n\nCan I get a refund?");
    }
  }

  private static void send(TestServer loupe, String responseId, String answer) throws Exception {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + loupe.server().otlpHttpPort() + "/v1/traces").build();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "support",
            AttributeKey.stringKey("deployment.name"), "support-prod")))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
        .build();
    Tracer tracer = provider.get("loupe-test");
    var root = tracer.spanBuilder("answer").startSpan();
    try (Scope ignored = root.makeCurrent()) {
      tracer.spanBuilder("retrieve").setAttribute("openinference.span.kind", "RETRIEVER")
          .setAttribute("retrieval.documents.0.document.id", "policy-7")
          .setAttribute("retrieval.documents.0.document.content", DOC)
          .startSpan().end();
      tracer.spanBuilder("chat gpt-4o")
          .setAttribute("gen_ai.operation.name", "chat")
          .setAttribute("gen_ai.request.model", "gpt-4o")
          .setAttribute("gen_ai.response.id", responseId)
          .setAttribute("gen_ai.system_instructions", "[{\"type\":\"text\",\"content\":\"You answer from the documents.\"}]")
          .setAttribute("gen_ai.input.messages",
              "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Can I get a refund?\"}]}]")
          .setAttribute("gen_ai.output.messages", "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":"
              + TestServer.JSON.valueToTree(answer) + "}],\"finish_reason\":\"stop\"}]")
          .startSpan().end();
    } finally {
      root.end();
    }
    assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }
}
