package dev.loupe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/v1/traces} over a real server fed OTLP/JSON: listings ordered by time, a clear 404
 * for an unknown trace, and span attributes served back with their OTLP types.
 */
class TracesApiTest {
  static final Instant NOW = Instant.parse("2026-11-28T10:30:00Z");
  /** A whole second: its RFC 3339 text ({@code …:39Z}) sorts above {@code …:39.500Z}. */
  static final Instant WHOLE = Instant.parse("2026-11-28T10:20:39Z");

  @TempDir Path dir;
  MutableClock clock = new MutableClock(NOW);

  @Test
  void listingIsNewestFirstByTimeNotByTheTextOfTheTime() {
    try (TestServer loupe = TestServer.start(dir, clock)) {
      export(loupe, span("5b8efff798038103d269b633813fc600", "eee19b7ec3c1b100", "earlier", WHOLE, "[]"), "[]");
      export(loupe, span("5b8efff798038103d269b633813fc601", "eee19b7ec3c1b101", "later",
          WHOLE.plusMillis(500), "[]"), "[]");
      export(loupe, span("5b8efff798038103d269b633813fc602", "eee19b7ec3c1b102", "latest",
          WHOLE.plusMillis(1_250), "[]"), "[]");

      JsonNode listed = loupe.get("api/v1/traces").json().get("data");
      assertThat(listed).extracting(t -> t.get("root").asText()).containsExactly("latest", "later", "earlier");
      assertThat(listed).extracting(t -> t.get("start").asText())
          .containsExactly("2026-11-28T10:20:40.250Z", "2026-11-28T10:20:39.500Z", "2026-11-28T10:20:39Z");
    }
  }

  @Test
  void anUnknownTraceIsNotFoundByName() {
    try (TestServer loupe = TestServer.start(dir, clock)) {
      TestServer.Answer a = loupe.get("api/v1/traces/0AF7651916CD43DD8448EB211C80319C");
      assertThat(a.status()).isEqualTo(404);
      assertThat(a.json().get("error").asText())
          .isEqualTo("trace 0af7651916cd43dd8448eb211c80319c not found: no span of it is stored");
      assertThat(loupe.get("api/v1/tracez").json().get("error").asText())
          .as("an unknown path is still an unknown endpoint").startsWith("no such endpoint");
    }
  }

  @Test
  void spanAttributesKeepTheirOtlpTypesAndTheResourceIsShown() throws Exception {
    try (TestServer loupe = TestServer.start(dir, clock)) {
      String attributes = "["
          + kv("gen_ai.request.model", "{\"stringValue\":\"gpt-4o\"}") + ","
          + kv("gen_ai.usage.input_tokens", "{\"intValue\":\"100\"}") + ","
          + kv("gen_ai.request.temperature", "{\"doubleValue\":0.5}") + ","
          + kv("gen_ai.request.top_p", "{\"doubleValue\":1.0}") + ","
          + kv("stream", "{\"boolValue\":true}") + ","
          + kv("gen_ai.response.finish_reasons",
              "{\"arrayValue\":{\"values\":[{\"stringValue\":\"stop\"},{\"intValue\":\"7\"}]}}") + ","
          + kv("tool", "{\"kvlistValue\":{\"values\":[" + kv("name", "{\"stringValue\":\"search\"}") + ","
              + kv("calls", "{\"intValue\":\"2\"}") + "]}}") + ","
          + kv("digest", "{\"bytesValue\":\"3q2+7w==\"}") + "]";
      String resource = "[" + kv("service.name", "{\"stringValue\":\"chat-api\"}") + ","
          + kv("deployment.name", "{\"stringValue\":\"chat-prod\"}") + ","
          + kv("process.pid", "{\"intValue\":\"4242\"}") + "]";
      String traceId = "5b8efff798038103d269b633813fc60c";
      export(loupe, span(traceId, "eee19b7ec3c1b174", "chat gpt-4o", WHOLE, attributes), resource);

      JsonNode span = loupe.get("api/v1/traces/" + traceId).json().at("/data/roots/0");
      JsonNode a = span.get("attributes");
      assertThat(a.get("gen_ai.request.model").isTextual()).isTrue();
      assertThat(a.get("gen_ai.usage.input_tokens").isIntegralNumber()).as(a.toString()).isTrue();
      assertThat(a.get("gen_ai.usage.input_tokens").asLong()).isEqualTo(100);
      assertThat(a.get("gen_ai.request.temperature").isDouble()).isTrue();
      assertThat(a.get("gen_ai.request.temperature").asDouble()).isEqualTo(0.5);
      assertThat(a.get("gen_ai.request.top_p").isDouble()).as("a double stays a double").isTrue();
      assertThat(a.get("stream").isBoolean()).isTrue();
      assertThat(a.get("gen_ai.response.finish_reasons").toString()).isEqualTo("[\"stop\",7]");
      assertThat(a.get("tool").toString()).isEqualTo("{\"name\":\"search\",\"calls\":2}");
      assertThat(a.get("digest").asText()).as("bytes in base64, as OTLP/JSON writes them").isEqualTo("3q2+7w==");
      assertThat(span.get("resource").toString())
          .isEqualTo("{\"service.name\":\"chat-api\",\"deployment.name\":\"chat-prod\",\"process.pid\":4242}");
      assertThat(span.get("service").asText()).isEqualTo("chat-api");

      JsonNode inference = loupe.get("api/v1/inferences").json().get("data").get(0);
      assertThat(inference.get("input_tokens").asLong()).as("typed values still map").isEqualTo(100);
      assertThat(inference.get("finish_reason").asText()).isEqualTo("stop");
      assertThat(inference.get("deployment").asText()).isEqualTo("chat-prod");
    }
  }

  static String kv(String key, String value) {
    return "{\"key\":\"" + key + "\",\"value\":" + value + "}";
  }

  static String span(String traceId, String spanId, String name, Instant start, String attributes) {
    long ns = start.getEpochSecond() * 1_000_000_000L + start.getNano();
    return "{\"traceId\":\"" + traceId + "\",\"spanId\":\"" + spanId + "\",\"name\":\"" + name + "\","
        + "\"startTimeUnixNano\":\"" + ns + "\",\"endTimeUnixNano\":\"" + (ns + 900_000_000L) + "\","
        + "\"attributes\":" + attributes + "}";
  }

  static void export(TestServer loupe, String span, String resource) {
    String body = "{\"resourceSpans\":[{\"resource\":{\"attributes\":" + resource + "},"
        + "\"scopeSpans\":[{\"spans\":[" + span + "]}]}]}";
    TestServer.Answer a = loupe.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + loupe.server().otlpHttpPort() + "/v1/traces"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    assertThat(a.body()).doesNotContain("rejected");
  }
}
