package dev.loupe.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.model.Sample;
import dev.loupe.store.RecordType;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.RemoteWrite;
import dev.loupe.testing.TestServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sender re-sends what it got no answer for (an OTLP exporter's retry, Prometheus's
 * remote_write retry, a client posting a batch again): Loupe stores and counts it once.
 */
class ResentRecordsTest {
  @TempDir Path dir;

  /** Loupe's clock a little after the SDK's spans, so they sit inside the signal windows. */
  private final MutableClock clock = new MutableClock(Instant.now().plusSeconds(5));

  @Test
  void theOtelSdkExportingTheSameSpansAgainStoresAndCountsThemOnce() throws Exception {
    List<SpanData> export = recordATrace();
    String traceId = export.get(0).getTraceId();
    double requests;
    double tokens;
    try (TestServer loupe = TestServer.start(dir, clock)) {
      send(loupe, export);
      requests = family(loupe, "loupe_model_requests_per_second");
      tokens = family(loupe, "loupe_model_tokens_per_minute");
      assertThat(requests).as("the first export is counted").isPositive();
      assertThat(tokens).isPositive();

      send(loupe, export); // what the exporter's retry sends: the same spans again
      assertOnce(loupe, traceId);
      assertThat(family(loupe, "loupe_model_requests_per_second")).isEqualTo(requests);
      assertThat(family(loupe, "loupe_model_tokens_per_minute")).isEqualTo(tokens);
    }
    try (TestServer loupe = TestServer.start(dir, clock)) {
      double requestsAfterRestart = family(loupe, "loupe_model_requests_per_second");
      double tokensAfterRestart = family(loupe, "loupe_model_tokens_per_minute");
      send(loupe, export);
      assertOnce(loupe, traceId);
      assertThat(family(loupe, "loupe_model_requests_per_second")).as("a retry after a restart is known too")
          .isEqualTo(requestsAfterRestart);
      assertThat(family(loupe, "loupe_model_tokens_per_minute")).isEqualTo(tokensAfterRestart);
    }
  }

  @Test
  void aJsonInferenceWithAStoredRequestIdOfItsDeploymentIsNotStoredOrCountedAgain() {
    long t = clock.millis() - 1_000;
    String first = event(t, "chat-prod", "req-1") + "\n" + event(t, "chat-prod", "req-2");
    try (TestServer loupe = TestServer.start(dir, clock)) {
      JsonNode a = loupe.post("api/v1/inferences", first).json();
      assertThat(a.get("accepted").asInt()).isEqualTo(2);
      assertThat(a.has("duplicates")).isFalse();
      double requests = family(loupe, "loupe_model_requests_per_second");

      TestServer.Answer again = loupe.post("api/v1/inferences", first + "\n" + event(t, "chat-prod", "req-3"));
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.json().get("accepted").asInt()).isEqualTo(3);
      assertThat(again.json().get("duplicates").asInt()).isEqualTo(2);
      assertThat(loupe.server().store().count(RecordType.INFERENCE)).isEqualTo(3);
      assertThat(family(loupe, "loupe_model_requests_per_second")).as("only req-3 is new")
          .isCloseTo(requests * 3 / 2, org.assertj.core.data.Offset.offset(1e-9));

      TestServer.Answer otherDeployment = loupe.post("api/v1/inferences", event(t, "summarize-prod", "req-1"));
      assertThat(otherDeployment.json().has("duplicates")).as("a request id is one deployment's").isFalse();
      assertThat(loupe.server().store().count(RecordType.INFERENCE)).isEqualTo(4);
    }
    try (TestServer loupe = TestServer.start(dir, clock)) {
      assertThat(loupe.post("api/v1/inferences", first).json().get("duplicates").asInt()).isEqualTo(2);
      assertThat(loupe.server().store().count(RecordType.INFERENCE)).isEqualTo(4);
    }
  }

  @Test
  void aRemoteWriteSentAgainStoresEachSampleOnceAndKeepsTheFirstValueAtATimestamp() {
    long t = clock.millis() - 10_000;
    try (TestServer loupe = TestServer.start(dir, clock)) {
      var up = RemoteWrite.series("up", Map.of("job", "node"), t, 1);
      var temp = RemoteWrite.series("gpu_temp", Map.of("gpu", "0"), t, 61);
      RemoteWrite.send(loupe, up, temp);
      RemoteWrite.send(loupe, up, temp);
      RemoteWrite.send(loupe, RemoteWrite.series("gpu_temp", Map.of("gpu", "0"), t, 99));
      RemoteWrite.send(loupe, RemoteWrite.series("gpu_temp", Map.of("gpu", "0"), t + 15_000, 62));

      assertThat(loupe.server().store().samples("up", 0, Long.MAX_VALUE, 100)).hasSize(1);
      assertThat(loupe.server().store().samples("gpu_temp", 0, Long.MAX_VALUE, 100))
          .extracting(Sample::value).as("the first value at a timestamp stays, as in Prometheus")
          .containsExactly(61.0, 62.0);
    }
  }

  private static String event(long t, String deployment, String requestId) {
    return "{\"timestamp\":" + t + ",\"service\":\"chat-api\",\"deployment\":\"" + deployment
        + "\",\"model\":\"gpt-4o\",\"request_id\":\"" + requestId
        + "\",\"input_tokens\":100,\"output_tokens\":20,\"latency_ms\":300}";
  }

  private static void assertOnce(TestServer loupe, String traceId) {
    JsonNode tree = loupe.get("api/v1/traces/" + traceId).json().get("data");
    assertThat(tree.get("span_count").asInt()).isEqualTo(3);
    assertThat(tree.get("roots").size()).isEqualTo(1);
    assertThat(loupe.server().store().spans(traceId)).hasSize(3);
    JsonNode inferences = loupe.get("api/v1/inferences").json().get("data");
    assertThat(inferences.size()).as("one inference for the one LLM span").isEqualTo(1);
  }

  private static void send(TestServer loupe, List<SpanData> export) {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + loupe.server().otlpHttpPort() + "/v1/traces").build();
    CompletableResultCode sent = exporter.export(export).join(10, TimeUnit.SECONDS);
    assertThat(sent.isSuccess()).as("Loupe answered the export with success").isTrue();
    exporter.shutdown().join(10, TimeUnit.SECONDS);
  }

  /** A trace of a gateway, a retrieval and an LLM call, as the SDK hands it to its exporter. */
  private static List<SpanData> recordATrace() {
    List<SpanData> finished = new ArrayList<>();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(
            AttributeKey.stringKey("service.name"), "rag-api",
            AttributeKey.stringKey("deployment.name"), "rag-prod")))
        .addSpanProcessor(SimpleSpanProcessor.create(new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> spans) {
            finished.addAll(spans);
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }
        }))
        .build();
    Tracer tracer = provider.get("loupe-test");
    var gateway = tracer.spanBuilder("gateway").startSpan();
    try (Scope ignored = gateway.makeCurrent()) {
      tracer.spanBuilder("vector-search").setAttribute("db.system", "qdrant").startSpan().end();
      tracer.spanBuilder("chat gpt-4o")
          .setAttribute("gen_ai.operation.name", "chat")
          .setAttribute("gen_ai.request.model", "gpt-4o")
          .setAttribute("gen_ai.response.id", "chatcmpl-1")
          .setAttribute("gen_ai.usage.input_tokens", 812L)
          .setAttribute("gen_ai.usage.output_tokens", 164L)
          .startSpan().end();
    } finally {
      gateway.end();
    }
    provider.shutdown().join(10, TimeUnit.SECONDS);
    assertThat(finished).hasSize(3);
    return List.copyOf(finished);
  }

  /** The sum of a family's values on {@code /metrics}. */
  private static double family(TestServer loupe, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*\\} (\\S+)$").matcher(loupe.get("metrics").body());
    double sum = 0;
    while (m.find()) sum += Double.parseDouble(m.group(1));
    return sum;
  }
}
