package dev.loupe.auth;

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
 * Debian's real Prometheus against a Loupe with tokens, configured the way Prometheus users
 * write it: {@code basic_auth} with the token's name and the token, for scraping {@code /metrics}
 * and for {@code remote_write}. The same job and remote without credentials are refused.
 */
class PrometheusWithTokenTest {
  static final String TOKEN = "prom-0123456789abcdef";

  @TempDir Path dir;

  @Test
  void prometheusScrapesAndRemoteWritesWithBasicAuthAndIsRefusedWithout() throws Exception {
    Path prometheusBinary = ExternalServer.binary("prometheus", "prometheus");
    Files.createDirectories(dir.resolve("prom"));
    String yaml = "auth:\n  tokens:\n    - {name: prometheus, token: " + TOKEN + ", scopes: [read, write]}\n";
    try (TestServer loupe = TestServer.start(dir.resolve("loupe"), Clock.systemUTC(), yaml)) {
      int loupePort = loupe.server().port();
      int promPort = ExternalServer.freePort();
      String target = "      - targets: ['127.0.0.1:" + loupePort + "']";
      String auth = "    basic_auth: {username: prometheus, password: " + TOKEN + "}";
      String queue = "    queue_config: {batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s}";
      Files.writeString(dir.resolve("prom/prometheus.yml"), String.join("\n",
          "global:", "  scrape_interval: 1s",
          "scrape_configs:",
          "  - job_name: with-token", auth, "    static_configs:", target,
          "  - job_name: anonymous", "    static_configs:", target,
          "remote_write:",
          "  - url: http://127.0.0.1:" + loupePort + "/api/v1/write", "    name: with-token", auth, queue,
          "  - url: http://127.0.0.1:" + loupePort + "/api/v1/write", "    name: anonymous", queue,
          ""));
      try (ExternalServer prometheus = ExternalServer.start(prometheusBinary, List.of(
              "--config.file=prometheus.yml", "--storage.tsdb.path=data",
              "--web.listen-address=127.0.0.1:" + promPort), dir.resolve("prom"), promPort, "/-/ready")) {
        HttpClient http = HttpClient.newHttpClient();
        Polling.until(Duration.ofSeconds(60),
            () -> promQuery(http, prometheus, "up").size() == 2,
            () -> "Prometheus never scraped both jobs: " + get(http, prometheus, "/api/v1/targets") + "\n" + prometheus.log());
        assertThat(promQuery(http, prometheus, "up{job=\"with-token\"}").get(0).at("/value/1").asText()).isEqualTo("1");
        assertThat(promQuery(http, prometheus, "up{job=\"anonymous\"}").get(0).at("/value/1").asText()).isEqualTo("0");
        assertThat(get(http, prometheus, "/api/v1/targets")).contains("401");

        // What Prometheus scraped reaches Loupe through the remote with the token…
        String query = "api/v1/signals/query_range?query="
            + URLEncoder.encode("up{job=\"with-token\"}", StandardCharsets.UTF_8);
        Polling.until(Duration.ofSeconds(60), () -> {
              long t = Instant.now().getEpochSecond();
              JsonNode r = TokenOverHttpApiTest.get(loupe, query + "&start=" + (t - 30) + "&end=" + t + "&step=1",
                  "Bearer " + TOKEN).json();
              return r.at("/data/result").size() == 1;
            },
            () -> "no remote-written up{job=\"with-token\"} in Loupe\n" + prometheus.log());
        // …and the remote without it is refused: Prometheus counts those samples as failed.
        Polling.until(Duration.ofSeconds(60), () -> failed(http, prometheus, "anonymous") > 0,
            () -> "the anonymous remote_write was never refused:\n" + prometheus.log());
        assertThat(failed(http, prometheus, "with-token")).isZero();
      }
    }
  }

  /** {@code prometheus_remote_storage_samples_failed_total} of one remote, from Prometheus's own /metrics. */
  private static double failed(HttpClient http, ExternalServer prometheus, String remote) {
    return get(http, prometheus, "/metrics").lines()
        .filter(l -> l.startsWith("prometheus_remote_storage_samples_failed_total{") && l.contains("remote_name=\"" + remote + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private static JsonNode promQuery(HttpClient http, ExternalServer prometheus, String promql) {
    return prometheus.promQuery(promql);
  }

  private static String get(HttpClient http, ExternalServer server, String path) {
    return server.get(path);
  }
}
