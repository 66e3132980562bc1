package dev.loupe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON ingest endpoints against a real server on a free port and a real DuckDB file. */
class IngestApiTest {
  static final Instant NOW = Instant.parse("2026-11-28T10:00:30Z");

  @TempDir Path dir;
  MutableClock clock = new MutableClock(NOW);
  TestServer loupe;

  @BeforeEach
  void start() {
    loupe = TestServer.start(dir, clock, "ingest:\n  max_body_bytes: 4096\n");
  }

  @AfterEach
  void stop() {
    loupe.close();
  }

  static String inference(String requestId, String extra) {
    return "{\"timestamp\":\"2026-11-28T10:00:00Z\",\"service\":\"chat-api\",\"deployment\":\"chat-prod\","
        + "\"model\":\"gpt-4o\",\"model_version\":\"2024-08-06\",\"request_id\":\"" + requestId + "\","
        + "\"input_tokens\":812,\"output_tokens\":164,\"latency_ms\":1234.5,\"ttft_ms\":310" + extra + "}";
  }

  @Test
  void keepsAJsonArrayAndReadsItBack() {
    TestServer.Answer a = loupe.post("api/v1/inferences",
        "[" + inference("r-1", ",\"api_key\":\"k-secret\",\"prompt\":\"hello\"") + ","
            + inference("r-2", ",\"status\":\"throttled\",\"http_status\":429") + "]");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().get("accepted").asInt()).isEqualTo(2);
    assertThat(a.json().get("rejected").asInt()).isZero();

    JsonNode data = loupe.get("api/v1/inferences?start=2026-11-28T09:00:00Z").json().get("data");
    assertThat(data).hasSize(2);
    JsonNode first = data.get(0);
    assertThat(first.get("model").asText()).isEqualTo("gpt-4o");
    assertThat(first.get("input_tokens").asLong()).isEqualTo(812);
    assertThat(first.get("total_tokens").asLong()).isEqualTo(976);
    assertThat(first.get("api_key_hash").asText()).startsWith("sha256:").doesNotContain("k-secret");
    assertThat(first.has("prompt")).as("capture policy is off by default").isFalse();
    assertThat(a.body()).doesNotContain("k-secret");
    assertThat(data.get(1).get("status").asText()).isEqualTo("throttled");
  }

  @Test
  void ndjsonKeepsTheGoodLinesAndNamesTheBadOnes() {
    String body = inference("r-1", "") + "\n"
        + "{\"timestamp\": \"2026-11-28T10:00:00Z\", \"model\": }\n"
        + inference("r-3", ",\"input_tokens\":-5").replace("\"input_tokens\":812,", "") + "\n"
        + "\n"
        + inference("r-5", "") + "\n";
    TestServer.Answer a = loupe.post("api/v1/inferences", body);
    assertThat(a.status()).isEqualTo(200);
    JsonNode j = a.json();
    assertThat(j.get("accepted").asInt()).isEqualTo(2);
    assertThat(j.get("rejected").asInt()).isEqualTo(2);
    JsonNode errors = j.get("errors");
    assertThat(errors.get(0).get("line").asInt()).isEqualTo(2);
    assertThat(errors.get(0).get("column").asInt()).isEqualTo(48);
    assertThat(errors.get(0).get("reason").asText()).contains("malformed JSON");
    assertThat(errors.get(1).get("line").asInt()).isEqualTo(3);
    assertThat(errors.get(1).get("field").asText()).isEqualTo("input_tokens");
    assertThat(errors.get(1).get("reason").asText()).contains("negative");
    JsonNode data = loupe.get("api/v1/inferences?start=2026-11-28T09:00:00Z").json().get("data");
    assertThat(data).extracting(n -> n.get("request_id").asText()).containsExactly("r-1", "r-5");
  }

  @Test
  void malformedArrayIs400WithLineAndColumnAndKeepsNothing() {
    TestServer.Answer a = loupe.post("api/v1/inferences", "[\n" + inference("r-1", "") + ",\n  {\"model\": tru }\n]");
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.json().get("error").asText()).contains("line 3").contains("column");
    assertThat(a.json().get("details").get(0).get("line").asInt()).isEqualTo(3);
    assertThat(loupe.get("api/v1/inferences?start=2026-11-28T09:00:00Z").json().get("data")).isEmpty();
  }

  @Test
  void everyRecordInvalidIs400NamingTheFirstProblem() {
    TestServer.Answer a = loupe.post("api/v1/inferences",
        "[{\"timestamp\":\"2026-11-28T10:00:00Z\",\"deployment\":\"d\"},"
            + "{\"timestamp\":\"2030-01-01T00:00:00Z\",\"model\":\"m\",\"deployment\":\"d\"}]");
    assertThat(a.status()).isEqualTo(400);
    JsonNode j = a.json();
    assertThat(j.get("rejected").asInt()).isEqualTo(2);
    assertThat(j.get("details").get(0).get("field").asText()).isEqualTo("model");
    assertThat(j.get("details").get(1).get("field").asText()).isEqualTo("timestamp");
    assertThat(j.get("details").get(1).get("reason").asText()).contains("in the future");
  }

  @Test
  void bodyOverTheLimitIs413() {
    StringBuilder big = new StringBuilder();
    while (big.length() < 5000) big.append(inference("r", "")).append('\n');
    TestServer.Answer a = loupe.post("api/v1/inferences", big.toString());
    assertThat(a.status()).isEqualTo(413);
    assertThat(a.json().get("error").asText()).contains("max_body_bytes");
  }

  @Test
  void gzipBodiesAreAcceptedAndAGzipBombStillHitsTheLimit() throws Exception {
    TestServer.Answer a = loupe.post("api/v1/inferences", gzip(inference("r-gz", "")),
        "Content-Type", "application/x-ndjson", "Content-Encoding", "gzip");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().get("accepted").asInt()).isEqualTo(1);

    TestServer.Answer bomb = loupe.post("api/v1/inferences", gzip(" ".repeat(100_000) + inference("x", "")),
        "Content-Type", "application/x-ndjson", "Content-Encoding", "gzip");
    assertThat(bomb.status()).isEqualTo(413);

    TestServer.Answer corrupt = loupe.post("api/v1/inferences", "not gzip".getBytes(StandardCharsets.UTF_8),
        "Content-Encoding", "gzip");
    assertThat(corrupt.status()).isEqualTo(400);
  }

  @Test
  void logLinesAreAllKeptAndRequestLinesBecomeInferences() {
    String body =
        "{\"timestamp\":\"2026-11-28T10:00:01Z\",\"level\":\"INFO\",\"service\":\"chat-api\",\"message\":\"started\"}\n"
            + "{\"time\":1795860002.5,\"level\":\"info\",\"service\":\"chat-api\",\"model\":\"gpt-4o\","
            + "\"model_version\":\"v2\",\"request_id\":\"q-1\",\"tokens_used\":900,\"latency_ms\":850,\"user\":\"u1\"}\n"
            + "{\"@timestamp\":\"2026-11-28T10:00:03Z\",\"level\":\"ERROR\",\"service\":\"chat-api\",\"model\":\"gpt-4o\","
            + "\"latency_ms\":30,\"status_code\":503,\"msg\":\"upstream failed\"}\n";
    TestServer.Answer a = loupe.post("api/v1/logs", body);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().get("accepted").asInt()).isEqualTo(3);

    JsonNode logs = loupe.get("api/v1/logs?start=2026-11-28T09:00:00Z").json().get("data");
    assertThat(logs).hasSize(3);
    assertThat(logs.get(1).get("attributes").get("user").asText()).isEqualTo("u1");
    assertThat(logs.get(2).get("message").asText()).isEqualTo("upstream failed");

    JsonNode inf = loupe.get("api/v1/inferences?start=2026-11-28T09:00:00Z").json().get("data");
    assertThat(inf).hasSize(2);
    assertThat(inf.get(0).get("timestamp").asText()).isEqualTo("2026-11-28T10:00:02.500Z");
    assertThat(inf.get(0).get("total_tokens").asLong()).isEqualTo(900);
    assertThat(inf.get(0).get("model_version").asText()).isEqualTo("v2");
    assertThat(inf.get(0).get("deployment").asText()).as("never invented").isEqualTo("unknown");
    assertThat(inf.get(1).get("status").asText()).isEqualTo("error");
    assertThat(inf.get(1).get("http_status").asInt()).isEqualTo(503);
  }

  @Test
  void deploymentsAndScores() {
    TestServer.Answer d = loupe.post("api/v1/deployments",
        "{\"timestamp\":\"2026-11-28T10:00:00Z\",\"service\":\"chat-api\",\"deployment\":\"chat-prod\","
            + "\"model\":\"gpt-4o\",\"from_version\":\"v1\",\"to_version\":\"v2\"}");
    assertThat(d.status()).isEqualTo(200);
    JsonNode deps = loupe.get("api/v1/deployments?start=2026-11-28T09:00:00Z").json().get("data");
    assertThat(deps.get(0).get("to_version").asText()).isEqualTo("v2");

    TestServer.Answer s = loupe.post("api/v1/scores",
        "{\"timestamp\":\"2026-11-28T10:00:00Z\",\"name\":\"helpfulness\",\"value\":0.8,\"source\":\"llm_judge\",\"request_id\":\"r-1\"}\n"
            + "{\"timestamp\":\"2026-11-28T10:00:00Z\",\"name\":\"helpfulness\",\"value\":1}\n");
    assertThat(s.status()).isEqualTo(200);
    assertThat(s.json().get("accepted").asInt()).isEqualTo(1);
    assertThat(s.json().get("errors").get(0).get("field").asText()).isEqualTo("request_id");
    JsonNode scores = loupe.get("api/v1/scores?start=2026-11-28T09:00:00Z").json().get("data");
    assertThat(scores.get(0).get("source").asText()).isEqualTo("llm_judge");
  }

  @Test
  void selfMetricsCountAcceptedAndRejectedByEndpointAndReason() {
    loupe.post("api/v1/inferences", inference("r-1", "") + "\n" + inference("r-2", ",\"latency_ms\":-1") + "\n");
    loupe.post("api/v1/inferences", "[ nope");
    String metrics = loupe.get("metrics").body();
    assertThat(metrics).contains("loupe_ingest_records_accepted_total{endpoint=\"/api/v1/inferences\"} 1.0");
    assertThat(metrics).contains(
        "loupe_ingest_records_rejected_total{endpoint=\"/api/v1/inferences\",reason=\"latency_ms\"} 1.0");
    assertThat(metrics).contains(
        "loupe_ingest_records_rejected_total{endpoint=\"/api/v1/inferences\",reason=\"malformed_json\"} 1.0");
    assertThat(metrics).contains("loupe_store_append_seconds_count");
    assertThat(metrics).contains("jvm_memory_used_bytes");
  }

  @Test
  void probesAndUnknownApiPaths() {
    assertThat(loupe.get("healthz").status()).isEqualTo(200);
    TestServer.Answer ready = loupe.get("readyz");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.body()).contains("schema version");
    TestServer.Answer missing = loupe.get("api/v1/nope");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("error").asText()).contains("/api/v1/nope");
  }

  static byte[] gzip(String s) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(out)) {
      g.write(s.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }
}
