package dev.loupe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.model.PipelineRun;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/v1/pipelines/{name}/runs} against a real server and DuckDB file. */
class PipelineRunsIngestTest {
  static final Instant NOW = Instant.parse("2026-11-28T10:00:30Z");
  static final long T = Instant.parse("2026-11-28T09:00:00Z").toEpochMilli();

  @TempDir Path dir;
  MutableClock clock = new MutableClock(NOW);
  TestServer loupe;

  @BeforeEach
  void start() {
    loupe = TestServer.start(dir, clock, "");
  }

  @AfterEach
  void stop() {
    loupe.close();
  }

  private List<PipelineRun> stored() {
    return loupe.server().store().pipelineRuns(0, Long.MAX_VALUE, 100);
  }

  @Test
  void aRunWithItsChecksIsKeptAsSentAndARetryCountsOnce() {
    String run = "{\"status\":\"failed\",\"started_at\":\"2026-11-28T09:00:00Z\",\"finished_at\":\"2026-11-28T09:12:00Z\","
        + "\"rows_in\":1200000,\"rows_out\":0,\"bytes\":734003200,"
        + "\"checks\":[{\"name\":\"null_rate.email\",\"passed\":false,\"value\":0.12},{\"name\":\"schema\",\"passed\":true}],"
        + "\"error\":\"s3://exports/2026-11-28.parquet not found\"}";
    TestServer.Answer a = loupe.post("api/v1/pipelines/nightly-etl/runs", run);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    assertThat(a.json().get("accepted").asInt()).isEqualTo(1);
    assertThat(stored()).containsExactly(new PipelineRun("nightly-etl", false, T, T + 12 * 60_000, 1_200_000L, 0L,
        734_003_200L, List.of(new PipelineRun.Check("null_rate.email", false, 0.12),
            new PipelineRun.Check("schema", true, null)), "s3://exports/2026-11-28.parquet not found"));

    TestServer.Answer again = loupe.post("api/v1/pipelines/nightly-etl/runs", run);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("duplicates").asInt()).as(again.body()).isEqualTo(1);
    assertThat(stored()).hasSize(1);
  }

  @Test
  void badRunsOfANdjsonBodyAreNamedByLineAndFieldAndTheValidOnesKept() {
    String body = String.join("\n",
        "{\"status\":\"success\",\"started_at\":\"2026-11-28T08:00:00Z\",\"finished_at\":\"2026-11-28T08:01:00Z\",\"rows_out\":10}",
        "{\"status\":\"maybe\",\"started_at\":\"2026-11-28T08:00:00Z\"}",
        "{\"status\":\"success\",\"started_at\":\"2026-11-28T07:00:00Z\",\"checks\":[{\"name\":\"rows\",\"passed\":true},{\"name\":\"nulls\",\"passed\":\"sometimes\"}]}",
        "{\"status\":\"success\",\"started_at\":\"2026-11-28T07:00:00Z\",\"finished_at\":\"2026-11-28T06:00:00Z\"}",
        "{\"status\":\"success\",\"started_at\":\"2026-11-28T06:00:00Z\",\"rows_in\":-4}",
        "{\"status\":\"success\"}",
        "{\"status\":\"success\",\"started_at\":\"2026-11-28T05:00:00Z\",\"pipeline\":\"other\"}",
        "{\"status\":\"ok\",\"started_at\":\"2026-11-28T04:00:00Z\"}");
    TestServer.Answer a = loupe.post("api/v1/pipelines/kb-refresh/runs", body);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    assertThat(a.json().get("accepted").asInt()).isEqualTo(2);
    assertThat(a.json().get("rejected").asInt()).isEqualTo(6);
    JsonNode errors = a.json().get("errors");
    assertThat(errors).extracting(e -> e.get("line").asInt() + " " + e.get("field").asText())
        .containsExactly("2 status", "3 checks[1].passed", "4 finished_at", "5 rows_in", "6 started_at", "7 pipeline");
    assertThat(errors.get(0).get("reason").asText()).contains("\"success\" or \"failed\"").contains("maybe");
    // Without finished_at a run finished when its report arrived.
    assertThat(stored()).extracting(PipelineRun::startedAtMillis, PipelineRun::finishedAtMillis).containsExactly(
        org.assertj.core.groups.Tuple.tuple(Instant.parse("2026-11-28T04:00:00Z").toEpochMilli(), NOW.toEpochMilli()),
        org.assertj.core.groups.Tuple.tuple(Instant.parse("2026-11-28T08:00:00Z").toEpochMilli(),
            Instant.parse("2026-11-28T08:01:00Z").toEpochMilli()));
    assertThat(stored()).allMatch(r -> r.pipeline().equals("kb-refresh"));

    String metrics = loupe.get("metrics").body();
    assertThat(metrics).contains(
        "loupe_ingest_records_rejected_total{endpoint=\"/api/v1/pipelines/{name}/runs\",reason=\"status\"} 1.0");
  }

  @Test
  void aJsonArrayIsReadAndAnEmptyOrAllBadBodyIsRefused() {
    TestServer.Answer a = loupe.post("api/v1/pipelines/kb-refresh/runs",
        "[{\"status\":\"success\",\"started_at\":" + T + ",\"finished_at\":" + (T + 1000) + "},"
            + "{\"status\":\"failed\",\"started_at\":" + (T + 60_000) + ",\"error\":\"timeout\"}]");
    assertThat(a.json().get("accepted").asInt()).as(a.body()).isEqualTo(2);
    TestServer.Answer bad = loupe.post("api/v1/pipelines/kb-refresh/runs", "{\"status\":\"success\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("error").asText()).contains("line 1").contains("started_at");
    String longName = "x".repeat(300);
    TestServer.Answer named = loupe.post("api/v1/pipelines/" + longName + "/runs",
        "{\"status\":\"success\",\"started_at\":" + T + "}");
    assertThat(named.status()).isEqualTo(400);
    assertThat(named.json().at("/details/0/field").asText()).isEqualTo("pipeline");
  }
}
