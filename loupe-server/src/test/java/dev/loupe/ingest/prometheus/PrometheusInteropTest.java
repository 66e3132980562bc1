package dev.loupe.ingest.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.testing.ExternalServer;
import dev.loupe.testing.Polling;
import dev.loupe.testing.TestServer;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's real Prometheus scrapes Loupe's {@code /metrics} and forwards everything it scrapes
 * back to Loupe through {@code remote_write}: both directions of the Prometheus ecosystem.
 */
class PrometheusInteropTest {
  @TempDir Path dir;

  @Test
  void prometheusScrapesLoupeAndRemoteWritesIntoIt() throws Exception {
    Path prometheusBinary = ExternalServer.binary("prometheus", "prometheus");
    Files.createDirectories(dir.resolve("loupe"));
    Files.createDirectories(dir.resolve("prom"));
    // Prometheus stamps samples with the wall clock, so this Loupe runs on it too.
    try (TestServer loupe = TestServer.start(dir.resolve("loupe"), Clock.systemUTC())) {
      long now = System.currentTimeMillis();
      StringBuilder events = new StringBuilder();
      for (int i = 0; i < 50; i++) {
        events.append("{\"timestamp\":").append(now - 1000 + i).append(",\"service\":\"chat-api\","
            + "\"deployment\":\"chat-prod\",\"model\":\"gpt-4o\",\"model_version\":\"v1\",\"latency_ms\":")
            .append(800 + i).append(",\"output_tokens\":10}\n");
      }
      assertThat(loupe.post("api/v1/inferences", events.toString()).status()).isEqualTo(200);

      int loupePort = loupe.server().port();
      int promPort = ExternalServer.freePort();
      Files.writeString(dir.resolve("prom/prometheus.yml"), String.join("\n",
          "global:",
          "  scrape_interval: 1s",
          "scrape_configs:",
          "  - job_name: loupe",
          "    static_configs:",
          "      - targets: ['127.0.0.1:" + loupePort + "']",
          "remote_write:",
          "  - url: http://127.0.0.1:" + loupePort + "/api/v1/write",
          "    queue_config:",
          "      batch_send_deadline: 1s",
          "      min_backoff: 100ms",
          "      max_backoff: 1s",
          ""));
      try (ExternalServer prometheus = ExternalServer.start(prometheusBinary, List.of(
              "--config.file=prometheus.yml", "--storage.tsdb.path=data",
              "--web.listen-address=127.0.0.1:" + promPort), dir.resolve("prom"), promPort, "/-/ready")) {
        HttpClient http = HttpClient.newHttpClient();

        // 1. Prometheus scrapes Loupe's /metrics and understands it.
        Polling.until(Duration.ofSeconds(60),
            () -> promQuery(http, prometheus, "loupe_dimension_status{dimension=\"model\"}").size() == 1,
            () -> "Prometheus never ingested loupe_dimension_status; its targets: "
                + get(http, prometheus, "/api/v1/targets") + "\n" + prometheus.log());
        JsonNode target = TestServer.JSON.readTree(get(http, prometheus, "/api/v1/targets"))
            .at("/data/activeTargets/0");
        assertThat(target.get("health").asText()).as(target.toString()).isEqualTo("up");
        assertThat(promQuery(http, prometheus, "loupe_dimension_status{dimension=\"compute\"}").get(0)
            .at("/value/1").asText()).as("no GPU data is -1, never ok").isEqualTo("-1");
        JsonNode p95 = promQuery(http, prometheus,
            "loupe_model_latency_seconds{deployment=\"chat-prod\",quantile=\"0.95\"}");
        assertThat(p95.size()).isEqualTo(1);
        assertThat(Double.parseDouble(p95.get(0).at("/value/1").asText())).isBetween(0.8, 0.85);

        // 2. Prometheus forwards what it scraped into Loupe through remote_write.
        String query = "api/v1/signals/query_range?query="
            + URLEncoder.encode("up{job=\"loupe\"}", StandardCharsets.UTF_8);
        Polling.until(Duration.ofSeconds(60), () -> {
              long t = Instant.now().getEpochSecond();
              JsonNode r = loupe.get(query + "&start=" + (t - 30) + "&end=" + t + "&step=1").json();
              return r.at("/data/result").size() == 1;
            },
            () -> "no remote-written up{job=\"loupe\"} in Loupe; ingest counters: "
                + loupe.get("metrics").body().lines().filter(l -> l.contains("/api/v1/write")).toList()
                + "\n" + prometheus.log());
        long t = Instant.now().getEpochSecond();
        JsonNode series = loupe.get(query + "&start=" + (t - 30) + "&end=" + t + "&step=1").json()
            .at("/data/result/0");
        assertThat(series.at("/metric/instance").asText()).isEqualTo("127.0.0.1:" + loupePort);
        JsonNode values = series.get("values");
        assertThat(values.get(values.size() - 1).get(1).asText()).isEqualTo("1");
        assertThat(loupe.get("metrics").body())
            .contains("loupe_ingest_requests_total{code=\"204\",endpoint=\"/api/v1/write\"}");
      }
    }
  }

  private static JsonNode promQuery(HttpClient http, ExternalServer prometheus, String promql) {
    return prometheus.promQuery(promql);
  }

  private static String get(HttpClient http, ExternalServer server, String path) {
    return server.get(path);
  }
}
