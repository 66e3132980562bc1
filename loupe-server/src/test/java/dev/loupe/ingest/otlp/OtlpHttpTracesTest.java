package dev.loupe.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.model.Span;
import dev.loupe.testing.TestServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real OpenTelemetry Java SDK, unmodified, exports a RAG-shaped trace over OTLP/HTTP
 * protobuf (and a span over OTLP/gRPC); Loupe stores every span with its attributes, turns the
 * LLM span into an inference and serves the trace back as a tree.
 */
class OtlpHttpTracesTest {
  @TempDir Path dir;

  @Test
  void theSdkExportsARagTraceAndTheLlmSpanBecomesAnInference() throws Exception {
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC())) {
      OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
          .setEndpoint("http://127.0.0.1:" + loupe.server().otlpHttpPort() + "/v1/traces").build();
      SdkTracerProvider provider = SdkTracerProvider.builder()
          .setResource(Resource.create(Attributes.of(
              AttributeKey.stringKey("service.name"), "rag-api",
              AttributeKey.stringKey("deployment.name"), "rag-prod")))
          .addSpanProcessor(SimpleSpanProcessor.create(exporter))
          .build();
      Tracer tracer = provider.get("loupe-test");
      String traceId;
      var gateway = tracer.spanBuilder("gateway").startSpan();
      try (Scope ignored = gateway.makeCurrent()) {
        traceId = gateway.getSpanContext().getTraceId();
        tracer.spanBuilder("embedding").startSpan().end();
        tracer.spanBuilder("vector-search").setAttribute("db.system", "qdrant").startSpan().end();
        var llm = tracer.spanBuilder("chat gpt-4o")
            .setAttribute("gen_ai.operation.name", "chat")
            .setAttribute("gen_ai.provider.name", "openai")
            .setAttribute("gen_ai.request.model", "gpt-4o")
            .setAttribute("gen_ai.response.model", "gpt-4o-2024-08-06")
            .setAttribute("gen_ai.response.id", "chatcmpl-1")
            .setAttribute(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), List.of("stop"))
            .setAttribute("gen_ai.usage.input_tokens", 812L)
            .setAttribute("gen_ai.usage.output_tokens", 164L)
            .setAttribute("model_version", "2024-08-06")
            .setAttribute("gen_ai.input.messages", "[{\"role\":\"user\",\"content\":\"secret\"}]")
            .startSpan();
        llm.addEvent("gen_ai.evaluation.result", Attributes.of(
            AttributeKey.stringKey("gen_ai.evaluation.name"), "groundedness",
            AttributeKey.doubleKey("gen_ai.evaluation.score.value"), 0.42,
            AttributeKey.stringKey("gen_ai.evaluation.score.label"), "ungrounded"));
        llm.end();
        var post = tracer.spanBuilder("post-processing").startSpan();
        post.setStatus(StatusCode.ERROR, "validator failed");
        post.end();
      } finally {
        gateway.end();
      }
      CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
      assertThat(flushed.isSuccess()).as("the exporter got a success answer").isTrue();
      provider.shutdown().join(10, TimeUnit.SECONDS);

      List<Span> spans = loupe.server().store().spans(traceId);
      assertThat(spans).extracting(Span::name)
          .containsExactlyInAnyOrder("gateway", "embedding", "vector-search", "chat gpt-4o", "post-processing");
      Map<String, Span> byName = spans.stream().collect(Collectors.toMap(Span::name, s -> s));
      String root = byName.get("gateway").spanId();
      assertThat(byName.get("gateway").parentSpanId()).isNull();
      assertThat(byName.values()).filteredOn(s -> !s.name().equals("gateway"))
          .allMatch(s -> root.equals(s.parentSpanId()));
      assertThat(byName.get("vector-search").attributes()).containsEntry("db.system", "qdrant");
      assertThat(byName.get("post-processing").status()).isEqualTo("error");
      Span llm = byName.get("chat gpt-4o");
      assertThat(llm.resource()).containsEntry("service.name", "rag-api");
      assertThat(llm.attributes()).containsEntry("gen_ai.usage.input_tokens", 812L)
          .as("prompt content is dropped by the default capture policy").doesNotContainKey("gen_ai.input.messages");

      JsonNode inferences = loupe.get("api/v1/inferences").json().get("data");
      assertThat(inferences.size()).as("only the LLM span is an inference").isEqualTo(1);
      JsonNode i = inferences.get(0);
      assertThat(i.get("service").asText()).isEqualTo("rag-api");
      assertThat(i.get("deployment").asText()).isEqualTo("rag-prod");
      assertThat(i.get("model").asText()).isEqualTo("gpt-4o-2024-08-06");
      assertThat(i.get("model_version").asText()).isEqualTo("2024-08-06");
      assertThat(i.get("input_tokens").asLong()).isEqualTo(812);
      assertThat(i.get("output_tokens").asLong()).isEqualTo(164);
      assertThat(i.get("finish_reason").asText()).isEqualTo("stop");
      assertThat(i.get("trace_id").asText()).isEqualTo(traceId);
      assertThat(loupe.get("metrics").body()).as("the LLM span feeds the model signals")
          .containsPattern("loupe_model_requests_per_second\\{[^}]*model=\"gpt-4o-2024-08-06\"[^}]*"
              + "model_version=\"2024-08-06\"[^}]*\\} [0-9.]*[1-9]");
      JsonNode score = loupe.get("api/v1/scores").json().get("data").get(0);
      assertThat(score.get("name").asText()).isEqualTo("groundedness");
      assertThat(score.get("value").asDouble()).isEqualTo(0.42);
      assertThat(score.get("source").asText()).isEqualTo("llm_judge");
      assertThat(score.get("request_id").asText()).isEqualTo("chatcmpl-1");
      assertThat(score.get("trace_id").asText()).isEqualTo(traceId);
      assertThat(score.get("comment").asText()).isEqualTo("ungrounded");

      JsonNode tree = loupe.get("api/v1/traces/" + traceId).json().get("data");
      assertThat(tree.get("span_count").asInt()).isEqualTo(5);
      assertThat(tree.get("roots").size()).isEqualTo(1);
      JsonNode top = tree.get("roots").get(0);
      assertThat(top.get("name").asText()).isEqualTo("gateway");
      assertThat(top.get("children")).extracting(c -> c.get("name").asText())
          .containsExactly("embedding", "vector-search", "chat gpt-4o", "post-processing");
      double shares = top.get("share").asDouble();
      for (JsonNode c : top.get("children")) shares += c.get("share").asDouble();
      assertThat(shares).as("self times add up to the trace").isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));

      JsonNode listed = loupe.get("api/v1/traces?model=gpt-4o-2024-08-06&status=error").json().get("data");
      assertThat(listed).extracting(t -> t.get("trace_id").asText()).containsExactly(traceId);
      assertThat(listed.get(0).get("services").get(0).asText()).isEqualTo("rag-api");
      assertThat(loupe.get("api/v1/traces?model=other").json().get("data")).isEmpty();
      assertThat(loupe.get("api/v1/traces/0af7651916cd43dd8448eb211c80319c").status()).isEqualTo(404);
    }
  }

  @Test
  void theSdkExportsOverGrpcToo() throws Exception {
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC())) {
      io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter exporter =
          io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter.builder()
              .setEndpoint("http://127.0.0.1:" + loupe.server().otlpGrpcPort()).build();
      SdkTracerProvider provider = SdkTracerProvider.builder()
          .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "chat-api")))
          .addSpanProcessor(SimpleSpanProcessor.create(exporter))
          .build();
      var span = provider.get("loupe-test").spanBuilder("chat")
          .setAttribute("gen_ai.request.model", "gpt-4o-mini")
          .setAttribute("gen_ai.usage.input_tokens", 5L)
          .setAttribute("gen_ai.usage.output_tokens", 7L)
          .setStartTimestamp(java.time.Instant.now().minusSeconds(1))
          .startSpan();
      String traceId = span.getSpanContext().getTraceId();
      long start = System.currentTimeMillis() - 1000;
      // OpenInference marks a streamed call's first token with this event; no TTFT attribute is set.
      span.addEvent("First Token Stream Event", java.time.Instant.ofEpochMilli(start + 250));
      span.end(java.time.Instant.ofEpochMilli(start + 900));
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      provider.shutdown().join(10, TimeUnit.SECONDS);
      assertThat(loupe.server().store().spans(traceId)).extracting(Span::name).containsExactly("chat");
      JsonNode i = loupe.get("api/v1/inferences").json().get("data").get(0);
      assertThat(i.get("model").asText()).isEqualTo("gpt-4o-mini");
      assertThat(i.get("total_tokens").asLong()).isEqualTo(12);
      assertThat(i.get("ttft_ms").asDouble()).as("from the first-token event").isBetween(200.0, 300.0);
    }
  }

  @Test
  void badBodiesGetTheAnswersOtlpSpecifiesAndTheServerGoesOn() {
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC())) {
      String url = "http://127.0.0.1:" + loupe.server().otlpHttpPort() + "/v1/traces";
      TestServer.Answer garbage = loupe.send(HttpRequest.newBuilder(java.net.URI.create(url))
          .header("Content-Type", "application/x-protobuf")
          .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, 0x01, 0x02})).build());
      assertThat(garbage.status()).isEqualTo(400);
      TestServer.Answer badJson = loupe.send(HttpRequest.newBuilder(java.net.URI.create(url))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"resourceSpans\": [")).build());
      assertThat(badJson.status()).isEqualTo(400);
      assertThat(badJson.json().get("message").asText()).contains("line 1");
      TestServer.Answer xml = loupe.send(HttpRequest.newBuilder(java.net.URI.create(url))
          .header("Content-Type", "text/xml").POST(HttpRequest.BodyPublishers.ofString("<a/>")).build());
      assertThat(xml.status()).isEqualTo(415);

      // OTLP JSON with hex ids: one good span, one whose end precedes its start.
      String json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
          + "\"value\":{\"stringValue\":\"chat-api\"}}]},\"scopeSpans\":[{\"spans\":["
          + "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"llm\","
          + "\"startTimeUnixNano\":\"" + System.currentTimeMillis() * 1_000_000 + "\",\"endTimeUnixNano\":\""
          + (System.currentTimeMillis() + 900) * 1_000_000 + "\",\"kind\":3,\"attributes\":["
          + "{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"gpt-4o\"}},"
          + "{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":\"10\"}}]},"
          + "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b175\",\"name\":\"bad\","
          + "\"startTimeUnixNano\":\"2000\",\"endTimeUnixNano\":\"1000\"}]}]}]}";
      TestServer.Answer partial = loupe.send(HttpRequest.newBuilder(java.net.URI.create(url))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
      assertThat(partial.status()).isEqualTo(200);
      assertThat(partial.json().at("/partialSuccess/rejectedSpans").asText()).isEqualTo("1");
      assertThat(partial.json().at("/partialSuccess/errorMessage").asText()).contains("bad").contains("end_time");
      assertThat(loupe.server().store().spans("5b8efff798038103d269b633813fc60c")).extracting(Span::name)
          .containsExactly("llm");
      assertThat(loupe.get("api/v1/inferences").json().get("data").get(0).get("model_version").asText())
          .as("no version attribute: unknown, never invented").isEqualTo("unknown");
    }
  }

  @Test
  void versionAndDeploymentAttributesAreConfigurable() {
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC(),
        "otlp:\n  model_version_attributes: [release]\n  deployment_attributes: [k8s.namespace.name]\n")) {
      long now = System.currentTimeMillis() * 1_000_000;
      String json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":["
          + "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"chat-api\"}},"
          + "{\"key\":\"k8s.namespace.name\",\"value\":{\"stringValue\":\"llm-prod\"}},"
          + "{\"key\":\"service.version\",\"value\":{\"stringValue\":\"not-this\"}}]},"
          + "\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5b8efff798038103d269b633813fc60d\","
          + "\"spanId\":\"eee19b7ec3c1b176\",\"name\":\"chat\",\"startTimeUnixNano\":\"" + now + "\","
          + "\"endTimeUnixNano\":\"" + (now + 500_000_000L) + "\",\"attributes\":["
          + "{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"gpt-4o\"}},"
          + "{\"key\":\"release\",\"value\":{\"stringValue\":\"r42\"}}]}]}]}]}";
      TestServer.Answer a = loupe.send(HttpRequest.newBuilder(java.net.URI.create(
              "http://127.0.0.1:" + loupe.server().otlpHttpPort() + "/v1/traces"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
      assertThat(a.status()).as(a.body()).isEqualTo(200);
      JsonNode i = loupe.get("api/v1/inferences").json().get("data").get(0);
      assertThat(i.get("model_version").asText()).isEqualTo("r42");
      assertThat(i.get("deployment").asText()).isEqualTo("llm-prod");
    }
  }
}
