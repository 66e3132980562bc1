package dev.loupe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.loupe.rule.Transition;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.RemoteWrite;
import dev.loupe.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of source that used to report and went quiet is a finding in the dimension its
 * records feed: each reports every 15 s until 2:00, is silent until 15:00, then reports again.
 * The silence passes 600 s between the evaluations at 12:00 (600 s) and 12:15, so its alert goes
 * pending and fires at 12:15 (the signal is a duration: the rule needs no {@code for}), fires
 * until 14:45, and resolves at 15:00 when the source reports again. Scrape targets are real HTTP
 * pages scraped on the test's clock; the others arrive by remote_write and OTLP/HTTP.
 */
class SilentSourcesTest {
  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  static final List<String> SILENT_FROM_735_TO_900 = List.of("PENDING@735", "FIRING@735", "RESOLVED@900");

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0);

  /** Whether the sources report at this second of the story. */
  static boolean reporting(int sec) {
    return sec <= 120 || sec >= 900;
  }

  /**
   * Calls {@code step} at every 15 s of 20 minutes (it reports when {@link #reporting}), evaluating
   * the rules after each; the transitions of the pack's {@code alert} by subject, as "KIND@second".
   */
  private Map<String, List<String>> story(TestServer loupe, String alert, IntConsumer step, String dimension) {
    for (int sec = 0; sec <= 20 * 60; sec += 15) {
      clock.set(T0.plusSeconds(sec));
      step.accept(sec);
      loupe.server().evaluateRules();
      if (sec == 750) {
        JsonNode tile = loupe.get("api/v1/health").json().at("/dimensions/" + dimension);
        assertThat(tile.path("status").asText()).as(tile.toString()).isIn("warning", "critical");
        assertThat(tile.path("reasons").toString()).as(tile.toString()).contains("has sent nothing for 10m");
      }
    }
    Map<String, List<String>> bySubject = new java.util.TreeMap<>();
    for (Transition t : loupe.server().ruleEngine().history()) {
      if (!t.labels().get("alertname").equals(alert)) continue;
      bySubject.computeIfAbsent(t.labels().get("subject"), k -> new ArrayList<>())
          .add(t.kind() + "@" + (t.atMillis() - T0.toEpochMilli()) / 1000);
      assertThat(t.labels()).containsEntry("dimension", dimension).containsEntry("severity", "warning");
    }
    return bySubject;
  }

  @Test
  void aScrapedDcgmExporterThatStopsAnsweringSilencesItsTargetAndItsGpuHostInCompute() throws Exception {
    boolean[] up = {true};
    HttpServer dcgm = serve("/metrics", fixture("dcgm-exporter-nvidia-l4.prom"), up);
    try (TestServer loupe = TestServer.start(dir, clock, scrapeConfig("dcgm", dcgm))) {
      Map<String, List<String>> silent = story(loupe, "ComputeSourceSilent", sec -> {
        up[0] = reporting(sec); // scraped all along: a failed scrape writes up 0
        loupe.server().scrapes().scrapeAllNow();
      }, "compute");
      String target = "127.0.0.1:" + dcgm.getAddress().getPort();
      assertThat(silent).containsOnlyKeys("scrape target " + target + " (job dcgm)",
          "GPU host i-030791dc5a37cd257 (dcgm-exporter)");
      assertThat(silent.values()).allSatisfy(t -> assertThat(t).isEqualTo(SILENT_FROM_735_TO_900));
      assertThat(loupe.get("metrics").body())
          .contains("loupe_source_silence_seconds{Hostname=\"i-030791dc5a37cd257\",dimension=\"compute\","
              + "kind=\"gpu_host\",subject=\"GPU host i-030791dc5a37cd257 (dcgm-exporter)\"} 0.0");
    } finally {
      dcgm.stop(0);
    }
  }

  @Test
  void aScrapeTargetWhoseMetricsFeedNoOtherDimensionIsADataSource() throws Exception {
    boolean[] up = {true};
    HttpServer app = serve("/metrics", "# TYPE pg_up gauge\npg_up 1\n".getBytes(), up);
    try (TestServer loupe = TestServer.start(dir, clock, scrapeConfig("postgres", app))) {
      Map<String, List<String>> silent = story(loupe, "DataSourceSilent", sec -> {
        up[0] = reporting(sec); // scraped all along: a failed scrape writes up 0
        loupe.server().scrapes().scrapeAllNow();
      }, "data");
      assertThat(silent).containsExactly(
          Map.entry("scrape target 127.0.0.1:" + app.getAddress().getPort() + " (job postgres)", SILENT_FROM_735_TO_900));
    } finally {
      app.stop(0);
    }
  }

  @Test
  void remoteWrittenInfinibandCountersAndProbesThatStopAreNetworkSilences() {
    try (TestServer loupe = TestServer.start(dir, clock, "rules: {evaluation_interval: 1h}\n")) {
      Map<String, List<String>> silent = story(loupe, "NetworkSourceSilent", sec -> {
        if (!reporting(sec)) return;
        long t = T0.plusSeconds(sec).toEpochMilli();
        Map<String, String> node = Map.of("job", "node", "instance", "gpu-node-1:9100", "device", "mlx5_0", "port", "1");
        Map<String, String> probe = Map.of("job", "ib-mesh", "instance", "gpu-node-2", "source", "gpu-node-1");
        RemoteWrite.send(loupe,
            RemoteWrite.series("node_infiniband_port_data_received_bytes_total", node, t, 1e9 + sec * 1e6),
            RemoteWrite.series("probe_success", probe, t, 1));
      }, "network");
      assertThat(silent).containsOnlyKeys("remote_write series of gpu-node-1:9100 (job node)",
          "remote_write series of gpu-node-2 (job ib-mesh)", "InfiniBand host gpu-node-1:9100",
          "probe gpu-node-1 -> gpu-node-2");
      assertThat(silent.values()).allSatisfy(t -> assertThat(t).isEqualTo(SILENT_FROM_735_TO_900));
    }
  }

  @Test
  void aRemoteWriteSenderWhoseTargetIsDownSendsUpZeroAndThatIsSilenceToo() {
    try (TestServer loupe = TestServer.start(dir, clock, "rules: {evaluation_interval: 1h}\n")) {
      Map<String, String> target = Map.of("job", "vllm", "instance", "vllm-0:8000");
      Map<String, List<String>> silent = new java.util.TreeMap<>();
      silent.putAll(story(loupe, "ModelSourceSilent", sec -> {
        long t = T0.plusSeconds(sec).toEpochMilli();
        if (reporting(sec)) {
          RemoteWrite.send(loupe, RemoteWrite.series("up", target, t, 1),
              RemoteWrite.series("scrape_duration_seconds", target, t, 0.01),
              RemoteWrite.series("vllm:num_requests_waiting", Map.of("job", "vllm", "instance", "vllm-0:8000",
                  "model_name", "llama"), t, 3));
        } else {
          // Prometheus keeps writing up 0 and its scrape_* series for a target it cannot scrape.
          RemoteWrite.send(loupe, RemoteWrite.series("up", target, t, 0),
              RemoteWrite.series("scrape_duration_seconds", target, t, 10));
        }
      }, "model"));
      assertThat(silent).containsExactly(
          Map.entry("remote_write series of vllm-0:8000 (job vllm)", SILENT_FROM_735_TO_900));
    }
  }

  @Test
  void anOtlpServiceThatStopsSendingSpansIsAModelSilence() {
    try (TestServer loupe = TestServer.start(dir, clock, "rules: {evaluation_interval: 1h}\n")) {
      Map<String, List<String>> silent = story(loupe, "ModelSourceSilent", sec -> {
        if (!reporting(sec)) return;
        long ns = T0.plusSeconds(sec).toEpochMilli() * 1_000_000L;
        String body = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
            + "{\"stringValue\":\"rag-api\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":\"" + String.format("%032x", sec + 1)
            + "\",\"spanId\":\"" + String.format("%016x", sec + 1) + "\",\"name\":\"retrieve\",\"startTimeUnixNano\":\""
            + (ns - 200_000_000L) + "\",\"endTimeUnixNano\":\"" + ns + "\"}]}]}]}";
        TestServer.Answer a = loupe.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + loupe.server().otlpHttpPort() + "/v1/traces"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(a.status()).as(a.body()).isEqualTo(200);
      }, "model");
      assertThat(silent).containsExactly(Map.entry("OTLP service rag-api", SILENT_FROM_735_TO_900));
    }
  }

  @Test
  void aSourceSilentForMoreThanADayIsForgotten() {
    try (TestServer loupe = TestServer.start(dir, clock, "rules: {evaluation_interval: 1h}\n")) {
      RemoteWrite.send(loupe, RemoteWrite.series("pg_up", Map.of("job", "postgres", "instance", "db-1"),
          T0.toEpochMilli(), 1));
      clock.set(T0.plusSeconds(24 * 3600));
      loupe.server().evaluateRules();
      assertThat(firing(loupe, "DataSourceSilent")).as("a day of silence is still a finding").hasSize(1);
      assertThat(loupe.get("metrics").body()).contains("loupe_source_silence_seconds{").contains("86400.0");
      clock.set(T0.plusSeconds(24 * 3600 + 15));
      loupe.server().evaluateRules();
      assertThat(firing(loupe, "DataSourceSilent")).as("a day and 15 s: forgotten, resolved").isEmpty();
      assertThat(loupe.get("metrics").body()).doesNotContain("loupe_source_silence_seconds{");
    }
  }

  private static List<JsonNode> firing(TestServer loupe, String alert) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode a : loupe.get("api/v1/alerts").json().at("/data/alerts")) {
      if (a.at("/labels/alertname").asText().equals(alert) && a.path("state").asText().equals("firing")) out.add(a);
    }
    return out;
  }

  private static String scrapeConfig(String job, HttpServer target) {
    return String.join("\n",
        "rules: {evaluation_interval: 1h}",
        "scrape_configs:",
        "  - job_name: " + job,
        "    scrape_interval: 1h", // scraped on demand, on the test's clock
        "    static_configs: [{targets: ['127.0.0.1:" + target.getAddress().getPort() + "']}]",
        "");
  }

  static byte[] fixture(String name) throws IOException {
    try (InputStream in = SilentSourcesTest.class.getResourceAsStream("/fixtures/prometheus/" + name)) {
      return in.readAllBytes();
    }
  }

  /** A metrics page that answers 503 while {@code up[0]} is false. */
  static HttpServer serve(String path, byte[] body, boolean[] up) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext(path, exchange -> {
      byte[] answer = up[0] ? body : "exporter down".getBytes();
      exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(up[0] ? 200 : 503, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    });
    s.start();
    return s;
  }
}
