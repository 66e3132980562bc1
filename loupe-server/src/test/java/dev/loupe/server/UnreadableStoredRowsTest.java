package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows no valid record could have written (a 234,001-character model, attributes that are not
 * JSON, a sketch that is not one) are put straight into the DuckDB file: the server still starts,
 * serves every good row, and counts the bad ones on {@code /metrics} instead of failing.
 */
class UnreadableStoredRowsTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));

  @Test
  void aBadStoredRowIsSkippedAndCountedAndNeverStopsAStart() throws Exception {
    Path data = dir.resolve("data");
    long t = clock.millis() - Duration.ofMinutes(3).toMillis();
    try (TestServer server = TestServer.start(data, clock)) {
      assertThat(server.post("api/v1/inferences", "{\"timestamp\":" + t + ",\"deployment\":\"chat-prod\","
          + "\"model\":\"gpt-4o\",\"request_id\":\"good\",\"latency_ms\":120}").status()).isEqualTo(200);
      assertThat(server.post("api/v1/deployments", "{\"timestamp\":" + t + ",\"deployment\":\"chat-prod\","
          + "\"model\":\"gpt-4o\",\"to_version\":\"v2\"}").status()).isEqualTo(200);
    }
    String longModel = "repeat('m', 234001)";
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + data.resolve("loupe.duckdb"));
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO inferences SELECT * REPLACE (" + longModel + " AS model, 'bad' AS request_id)"
          + " FROM inferences");
      s.execute("INSERT INTO deployments SELECT * REPLACE (" + longModel + " AS model) FROM deployments");
      s.execute("INSERT INTO inference_rollups (minute_ms, service, deployment, model, model_version, requests,"
          + " errors, throttled, input_tokens, output_tokens, total_tokens, latency_count, ttft_count,"
          + " latency_sketch) VALUES (" + (t - t % 60_000) + ", 'unknown', 'chat-prod', repeat('m', 300)" // the key index takes no longer one
          + ", 'unknown', 1, 0, 0, 0, 0, 0, 1, 0, NULL), (" + (t - t % 60_000) + ", 'unknown', 'chat-prod',"
          + " 'gpt-4o', 'v9', 1, 0, 0, 0, 0, 0, 1, 0, 'not a sketch'::BLOB)");
      s.execute("INSERT INTO series VALUES (999, 'DCGM_FI_DEV_GPU_UTIL', 'not json')");
      s.execute("INSERT INTO samples VALUES (" + t + ", 999, 50)");
      s.execute("INSERT INTO spans VALUES (" + t + ", 'trace-1', 'span-1', NULL, 'chat', " + t * 1_000_000
          + ", " + (t + 1) * 1_000_000 + ", 'ok', 'not json', '{}')");
    }

    try (TestServer restarted = TestServer.start(data, clock)) {
      assertThat(restarted.get("readyz").status()).isEqualTo(200);
      var inferences = restarted.get("api/v1/inferences?start=2020-01-01T00:00:00Z&limit=100").json().get("data");
      assertThat(inferences).hasSize(1);
      assertThat(inferences.get(0).get("request_id").asText()).isEqualTo("good");
      assertThat(restarted.get("api/v1/health").status()).isEqualTo(200);
      String metrics = restarted.get("metrics").body();
      assertThat(metrics)
          .containsPattern("loupe_store_unreadable_rows_total\\{table=\"inferences\"} [1-9]")
          .containsPattern("loupe_store_unreadable_rows_total\\{table=\"deployments\"} [1-9]")
          .containsPattern("loupe_store_unreadable_rows_total\\{table=\"inference_rollups\"} [1-9]")
          .containsPattern("loupe_store_unreadable_rows_total\\{table=\"series\"} [1-9]");
      assertThat(restarted.server().store().spans("trace-1")).isEmpty();
      assertThat(restarted.server().store().unreadableRows()).containsKey("spans");
    }
  }
}
