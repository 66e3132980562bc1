package dev.loupe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data dimension end to end through a real server: runs posted as a pipeline would, traces
 * tying an index to a deployment, the pack's rules evaluated on a test clock; the data tile says
 * no data, then ok, then names the stale and the failing pipeline, the model tile names the stale
 * index its deployment answers from, and {@code GET /api/v1/pipelines} and {@code /metrics} tell
 * the detail. Runs are durable: a restart judges them the same.
 */
class DataTileTest {
  static final Instant START = Instant.parse("2026-11-28T10:00:00Z");
  static final String CONFIG = """
      data:
        pipelines:
          kb-refresh: {every: 1h, max_delay: 30m, kind: rag_index, index: kb-prod}
          nightly-etl: {every: 24h, max_delay: 2h}
      rules:
        evaluation_interval: 1h
      """;

  @TempDir Path dir;

  static String run(String status, Instant started, String extra) {
    return "{\"status\":\"" + status + "\",\"started_at\":\"" + started + "\",\"finished_at\":\""
        + started.plusSeconds(120) + "\"" + extra + "}";
  }

  /** Moves the clock and evaluates the rules (the pipeline rules have no for: one evaluation decides). */
  static void advance(TestServer loupe, MutableClock clock, Duration d) {
    clock.advance(d);
    loupe.server().evaluateRules();
  }

  static JsonNode dimension(TestServer loupe, String d) {
    return loupe.get("api/v1/health").json().at("/dimensions/" + d);
  }

  static List<String> reasons(JsonNode dim) {
    List<String> out = new ArrayList<>();
    dim.get("reasons").forEach(r -> out.add(r.asText()));
    return out;
  }

  @Test
  void theDataTileNamesTheStaleIndexAndTheFailingPipelineAndTheModelTileTheIndexItsAnswersComeFrom() {
    MutableClock clock = new MutableClock(START);
    try (TestServer loupe = TestServer.start(dir, clock, "rules:\n  evaluation_interval: 1h\n")) {
      loupe.server().evaluateRules();
      JsonNode empty = dimension(loupe, "data");
      assertThat(empty.get("status").asText()).isEqualTo("no_data");
      assertThat(reasons(empty).get(0)).contains("no data pipeline telemetry received for data since")
          .contains("POST /api/v1/pipelines/NAME/runs");
    }

    MutableClock clock2 = new MutableClock(START);
    try (TestServer loupe = TestServer.start(dir.resolve("2"), clock2, CONFIG)) {
      // A week of nightly runs at 02:00 and the index refreshed hourly until 10:00.
      for (int d = 7; d >= 0; d--) {
        assertThat(loupe.post("api/v1/pipelines/nightly-etl/runs",
            run("success", START.minus(Duration.ofDays(d)).minusSeconds(8 * 3600), ",\"rows_out\":1000000")).status())
            .isEqualTo(200);
      }
      StringBuilder refreshes = new StringBuilder();
      for (int h = 5; h >= 0; h--) refreshes.append(run("success", START.minusSeconds(h * 3600L + 300), "")).append('\n');
      assertThat(loupe.post("api/v1/pipelines/kb-refresh/runs", refreshes.toString()).json().get("accepted").asInt())
          .isEqualTo(6);
      // A chat-prod answer whose trace retrieved from kb-prod: its LLM call and its retrieval span.
      String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
      assertThat(loupe.post("api/v1/inferences", "{\"timestamp\":\"" + START + "\",\"service\":\"chat-api\","
          + "\"deployment\":\"chat-prod\",\"model\":\"gpt-4o\",\"trace_id\":\"" + trace + "\",\"latency_ms\":900}").status())
          .isEqualTo(200);
      long ns = START.toEpochMilli() * 1_000_000;
      String span = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"" + trace + "\","
          + "\"spanId\":\"00f067aa0ba902b7\",\"name\":\"retrieve\",\"startTimeUnixNano\":\"" + ns + "\",\"endTimeUnixNano\":\""
          + (ns + 5_000_000) + "\",\"attributes\":[{\"key\":\"db.collection.name\",\"value\":{\"stringValue\":\"kb-prod\"}}]}]}]}]}";
      TestServer.Answer otlp = loupe.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://127.0.0.1:" + loupe.server().otlpHttpPort() + "/v1/traces"))
          .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(span)).build());
      assertThat(otlp.status()).isEqualTo(200);

      loupe.server().evaluateRules();
      JsonNode ok = dimension(loupe, "data");
      assertThat(ok.get("status").asText()).as(ok.toString()).isEqualTo("ok");
      assertThat(reasons(ok).get(0)).isEqualTo("2 pipelines watched: kb-refresh (index kb-prod → chat-prod), nightly-etl");

      // Tonight's run fails; the index is not refreshed again.
      assertThat(loupe.post("api/v1/pipelines/nightly-etl/runs", run("failed", START.plusSeconds(60),
          ",\"error\":\"s3://exports/2026-11-28.parquet not found\"")).status()).isEqualTo(200);
      advance(loupe, clock2, Duration.ofMinutes(10));
      JsonNode failing = dimension(loupe, "data");
      assertThat(failing.get("status").asText()).isEqualTo("warning");
      assertThat(reasons(failing).get(0)).startsWith("nightly-etl is failing: 1 failed runs since its last success");

      // 1h + 30m after the refresh that finished at 09:57 the index is stale; its deployment says so too.
      advance(loupe, clock2, Duration.ofMinutes(80));
      JsonNode stale = dimension(loupe, "data");
      assertThat(reasons(stale)).anyMatch(r -> r.startsWith("kb-refresh is stale for "))
          .anyMatch(r -> r.startsWith("nightly-etl is failing"));
      JsonNode model = dimension(loupe, "model");
      assertThat(reasons(model)).anyMatch(r -> r.startsWith("answers of chat-prod come from index kb-prod, stale for "));

      JsonNode pipelines = loupe.get("api/v1/pipelines").json();
      JsonNode kb = pipelines.at("/data/0");
      assertThat(kb.get("pipeline").asText()).isEqualTo("kb-refresh");
      assertThat(kb.get("status").asText()).isEqualTo("warning");
      assertThat(kb.get("index").asText()).isEqualTo("kb-prod");
      assertThat(kb.at("/feeds/0").asText()).isEqualTo("chat-prod");
      assertThat(kb.at("/cadence/every_seconds").asLong()).isEqualTo(3600);
      assertThat(kb.at("/freshness/stale").asBoolean()).isTrue();
      assertThat(kb.at("/last_success/finished_at").asText()).isEqualTo("2026-11-28T09:57:00Z");
      JsonNode etl = pipelines.at("/data/1");
      assertThat(etl.at("/last_run/error").asText()).isEqualTo("s3://exports/2026-11-28.parquet not found");
      assertThat(etl.at("/failures/consecutive").asInt()).isEqualTo(1);
      assertThat(etl.at("/failures/failure_ratio_7d").asDouble()).as("the 7 nights of the week and tonight's failure")
          .isEqualTo(1 / 8.0);
      assertThat(etl.at("/rows/basis").asText()).isEqualTo("all days");
      assertThat(etl.at("/rows/last").asLong()).isEqualTo(1_000_000);
      assertThat(pipelines.at("/ingest/window_minutes").asInt()).isEqualTo(15);

      String metrics = loupe.get("metrics").body();
      assertThat(metrics).contains("loupe_pipeline_failed_runs{kind=\"batch\",pipeline=\"nightly-etl\"} 1.0")
          .contains("loupe_deployment_index_stale_seconds{deployment=\"chat-prod\",index=\"kb-prod\"");
    }

    // After a restart the runs are read back: the pipeline is still failing, the index still stale.
    try (TestServer loupe = TestServer.start(dir.resolve("2"), clock2, CONFIG)) {
      loupe.server().evaluateRules();
      JsonNode etl = loupe.get("api/v1/pipelines").json().at("/data/1");
      assertThat(etl.at("/failures/consecutive").asInt()).isEqualTo(1);
      assertThat(etl.at("/failures/runs_7d").asInt()).isEqualTo(8);
      assertThat(reasons(dimension(loupe, "data"))).anyMatch(r -> r.startsWith("kb-refresh is stale for "))
          .anyMatch(r -> r.startsWith("nightly-etl is failing"));
    }
  }

  @Test
  void aSenderWhoseRecordsAreRejectedTurnsTheDataTileCritical() {
    MutableClock clock = new MutableClock(START);
    try (TestServer loupe = TestServer.start(dir, clock, "rules:\n  evaluation_interval: 1h\n")) {
      // One record of four kept, every 15 s: 75 % rejected once 20 records are in (2 min), for 5 m.
      for (int i = 0; i < 29; i++) {
        String bad = "{\"timestamp\":\"" + clock.instant() + "\",\"deployment\":\"chat-prod\",\"model\":\"gpt-4o\","
            + "\"latency_ms\":\"slow\"}";
        String good = "{\"timestamp\":\"" + clock.instant() + "\",\"deployment\":\"chat-prod\",\"model\":\"gpt-4o\"}";
        loupe.post("api/v1/inferences", "[" + good + "," + bad + "," + bad + "," + bad + "]");
        clock.advance(Duration.ofSeconds(15));
        loupe.server().evaluateRules();
      }
      JsonNode data = dimension(loupe, "data");
      assertThat(data.get("status").asText()).as(data.toString()).isEqualTo("critical");
      assertThat(reasons(data).get(0)).isEqualTo("/api/v1/inferences rejected 75% of the records sent to it in the"
          + " last 15 minutes: telemetry that never arrived (GET /api/v1/pipelines names the reasons)");
      JsonNode ingest = loupe.get("api/v1/pipelines").json().at("/ingest/endpoints/0");
      assertThat(ingest.at("/rejected_by_reason/latency_ms").asInt()).isEqualTo(3 * 29);
    }
  }
}
