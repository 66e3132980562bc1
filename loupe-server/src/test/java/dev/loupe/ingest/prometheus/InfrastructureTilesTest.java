package dev.loupe.ingest.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.loupe.ingest.prometheus.remote.proto.TimeSeries;
import dev.loupe.testing.ExternalServer;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.RemoteWrite;
import dev.loupe.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compute and network tiles fed the way users feed them: scraping a real node_exporter and
 * exporter pages (dcgm-exporter cannot run without a GPU, so its real output is served from a
 * local target), and a GPU driven across thresholds through remote_write on an injected clock.
 */
class InfrastructureTilesTest {
  static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
  @TempDir Path dir;

  static byte[] fixture(String name) throws IOException {
    try (InputStream in = InfrastructureTilesTest.class.getResourceAsStream("/fixtures/prometheus/" + name)) {
      return in.readAllBytes();
    }
  }

  static HttpServer serve(Map<String, byte[]> pages) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    pages.forEach((path, body) -> s.createContext(path, exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }));
    s.start();
    return s;
  }

  @Test
  void scrapedExportersFeedTheComputeAndNetworkTiles() throws Exception {
    Path nodeExporter = ExternalServer.binary("prometheus-node-exporter", "prometheus-node-exporter");
    int nodePort = ExternalServer.freePort();
    Files.createDirectories(dir.resolve("node"));
    HttpServer pages = serve(Map.of(
        "/dcgm", fixture("dcgm-exporter-nvidia-l4.prom"),
        "/ib-node", fixture("node-exporter-e2e-output.txt")));
    String local = "127.0.0.1:" + pages.getAddress().getPort();
    MutableClock clock = new MutableClock(NOW);
    try (ExternalServer node = ExternalServer.start(nodeExporter,
            List.of("--web.listen-address=127.0.0.1:" + nodePort), dir.resolve("node"), nodePort, "/metrics");
        TestServer loupe = TestServer.start(dir.resolve("loupe"), clock, String.join("\n",
            "scrape_configs:",
            "  - job_name: node",
            "    scrape_interval: 1h", // scraped on demand below, on the test's clock
            "    static_configs: [{targets: ['127.0.0.1:" + nodePort + "']}]",
            "  - job_name: dcgm",
            "    scrape_interval: 1h",
            "    metrics_path: /dcgm",
            "    static_configs: [{targets: ['" + local + "']}]",
            "  - job_name: ib-node",
            "    scrape_interval: 1h",
            "    metrics_path: /ib-node",
            "    static_configs: [{targets: ['" + local + "']}]",
            ""))) {
      JsonNode before = loupe.get("api/v1/health").json().get("dimensions");
      assertThat(before.at("/compute/status").asText()).isEqualTo("no_data");
      assertThat(before.at("/network/status").asText()).isEqualTo("no_data");

      for (int i = 0; i < 3; i++) {
        loupe.server().scrapes().scrapeAllNow();
        clock.advance(Duration.ofSeconds(15));
      }

      JsonNode targets = loupe.get("api/v1/targets").json().at("/data/activeTargets");
      assertThat(targets.size()).isEqualTo(3);
      for (JsonNode t : targets) {
        assertThat(t.get("health").asText()).as(t.toString()).isEqualTo("up");
        assertThat(t.get("lastSamplesScraped").asInt()).isGreaterThan(20);
      }

      JsonNode dims = loupe.get("api/v1/health").json().get("dimensions");
      JsonNode compute = dims.get("compute");
      assertThat(compute.get("status").asText()).as(compute.toString()).isEqualTo("ok");
      assertThat(compute.get("reasons").toString())
          .as("the L4's exporter sends no ECC metric, and the tile says so")
          .contains("ECC").contains("i-030791dc5a37cd257").contains("counters.csv");
      assertThat(dims.at("/network/status").asText()).as(dims.get("network").toString()).isNotEqualTo("no_data");

      JsonNode gpus = loupe.get("api/v1/gpus").json().get("data");
      assertThat(gpus.size()).isEqualTo(1);
      assertThat(gpus.get(0).get("host").asText()).isEqualTo("i-030791dc5a37cd257");
      assertThat(gpus.get(0).get("model_name").asText()).isEqualTo("NVIDIA L4");
      assertThat(gpus.get(0).at("/signals/temperature_celsius").asDouble()).isEqualTo(31);
      JsonNode ports = loupe.get("api/v1/network").json().at("/data/ports");
      assertThat(ports.size()).isGreaterThanOrEqualTo(2);

      String metrics = loupe.get("metrics").body();
      assertThat(metrics).contains("loupe_gpu_status{Hostname=\"i-030791dc5a37cd257\"")
          .contains("loupe_gpu_temperature_celsius{").contains("loupe_infiniband_port_status{")
          // the signals the network rules read, for the same rules exported to a Prometheus scraping Loupe
          .contains("# TYPE loupe_infiniband_port_link_downed_total counter")
          .contains("loupe_infiniband_port_link_downed_total{device=\"mlx4_0\",host=\"" + local + "\",port=\"1\"} 0.0")
          .contains("loupe_infiniband_port_transmit_discards_total{device=\"mlx4_0\",host=\"" + local + "\",port=\"1\"} 5.0")
          .contains("loupe_infiniband_port_link_up{device=\"mlx4_0\",host=\"" + local + "\",port=\"2\"} 1.0")
          .contains("loupe_dimension_status{dimension=\"compute\"} 0.0");
    } finally {
      pages.stop(0);
    }
  }

  static final Map<String, String> TRAINER = Map.of("Hostname", "gpu-node-1", "gpu", "0", "UUID", "GPU-0000",
      "modelName", "NVIDIA H100", "namespace", "llm-train", "pod", "trainer-0");

  /** One remote-written DCGM gauge of GPU 0 on gpu-node-1 in a training namespace. */
  static TimeSeries gpu(String metric, long ts, double value) {
    return RemoteWrite.series(metric, TRAINER, ts, value);
  }

  static void write(TestServer loupe, TimeSeries... series) {
    RemoteWrite.send(loupe, series);
  }

  @Test
  void aGpuDrivenAcrossThresholdsMovesTheComputeTileAtTheRightTime() throws Exception {
    MutableClock clock = new MutableClock(NOW);
    try (TestServer loupe = TestServer.start(dir, clock, String.join("\n",
            "compute:",
            "  workload_classes:",
            "    - {label: namespace, regex: '.*-train', class: training}",
            "rules: {evaluation_interval: 1h}", // the test evaluates at each step itself
            ""))) {
      // Hot but busy: 80 °C is over the 78 °C warning bound, which must hold 5 minutes
      // (the pack's GpuTemperatureHigh: the 1m average, for 5m).
      long t0 = clock.millis();
      for (int s = 0; s <= 5 * 60; s += 15) {
        clock.set(Instant.ofEpochMilli(t0 + s * 1000L));
        write(loupe, gpu("DCGM_FI_DEV_GPU_TEMP", clock.millis(), 80), gpu("DCGM_FI_DEV_GPU_UTIL", clock.millis(), 95),
            gpu("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", clock.millis(), 0));
        loupe.server().evaluateRules();
        String status = compute(loupe).get("status").asText();
        assertThat(status).as("at %ds", s).isEqualTo(s < 5 * 60 ? "ok" : "warning");
      }
      JsonNode warning = compute(loupe);
      assertThat(warning.get("reasons").get(0).asText())
          .contains("GPU 0").contains("gpu-node-1").contains("80 °C").contains("thermal throttling");
      assertThat(warning.get("since").asText()).isEqualTo("2026-11-29T10:00:00Z");

      // 84 °C crosses the critical bound once the 1m average is over 83 (45 s: all four samples
      // at 84), which must then hold 2 minutes.
      long hot = clock.millis() + 15_000;
      for (long t = hot; t <= hot + 165_000; t += 15_000) {
        clock.set(Instant.ofEpochMilli(t));
        write(loupe, gpu("DCGM_FI_DEV_GPU_TEMP", t, 84), gpu("DCGM_FI_DEV_GPU_UTIL", t, 95));
        loupe.server().evaluateRules();
        assertThat(compute(loupe).get("status").asText()).as("%d s at 84 °C", (t - hot) / 1000)
            .isEqualTo(t - hot < 165_000 ? "warning" : "critical");
      }

      // Cooled down, but a double-bit ECC error is critical at once and names the GPU.
      long cool = clock.millis() + 15_000;
      clock.set(Instant.ofEpochMilli(cool));
      write(loupe, gpu("DCGM_FI_DEV_GPU_TEMP", cool, 60), gpu("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", cool, 2));
      loupe.server().evaluateRules();
      JsonNode ecc = compute(loupe);
      assertThat(ecc.get("status").asText()).isEqualTo("critical");
      assertThat(ecc.get("reasons").toString()).contains("ECC").contains("gpu-node-1");

      JsonNode gpus = loupe.get("api/v1/gpus").json().get("data");
      assertThat(gpus.get(0).get("workload").asText()).as("the configured rule").isEqualTo("training");
      assertThat(gpus.get(0).get("status").asText()).as("the GPU's row is its firing alerts'").isEqualTo("critical");
    }
  }

  static final Map<String, String> IB_PORT = Map.of("node", "gpu-node-1", "device", "mlx5_0", "port", "1",
      "instance", "gpu-node-1:9100");
  static final Map<String, String> PROBE = Map.of("source", "gpu-node-1", "target", "gpu-node-2", "job", "ib-mesh",
      "instance", "gpu-node-1:9115");

  @Test
  void aPortGoingDownAndAFailingProbeMoveTheNetworkTileAndTheirRows() throws Exception {
    MutableClock clock = new MutableClock(NOW);
    try (TestServer loupe = TestServer.start(dir, clock, String.join("\n",
            "network: {probe_selector: '{job=\"ib-mesh\"}'}",
            "rules: {evaluation_interval: 1h}", // the test evaluates at each step itself
            ""))) {
      long t0 = clock.millis();
      for (int s = 0; s <= 180; s += 15) {
        clock.set(Instant.ofEpochMilli(t0 + s * 1000L));
        long t = clock.millis();
        boolean down = s >= 60;
        boolean failing = s >= 90;
        write(loupe, RemoteWrite.series("node_infiniband_state_id", IB_PORT, t, down ? 1 : 4),
            RemoteWrite.series("node_infiniband_physical_state_id", IB_PORT, t, down ? 3 : 5),
            RemoteWrite.series("probe_success", PROBE, t, failing ? 0 : 1),
            RemoteWrite.series("probe_duration_seconds", PROBE, t, failing ? 5 : 0.0004));
        loupe.server().evaluateRules();
        JsonNode network = loupe.get("api/v1/health").json().at("/dimensions/network");
        // The port is critical at once; the probe after failing for 1m (150 s): critical already.
        assertThat(network.get("status").asText()).as("at %ds: %s", s, network).isEqualTo(down ? "critical" : "ok");
      }
      JsonNode network = loupe.get("api/v1/health").json().at("/dimensions/network");
      assertThat(network.get("reasons").toString())
          .contains("InfiniBand mlx5_0 port 1 on gpu-node-1: link not up")
          .contains("gpu-node-1 cannot reach gpu-node-2: probes failing");
      assertThat(network.get("since").asText()).isEqualTo("2026-11-29T10:01:00Z");

      JsonNode rows = loupe.get("api/v1/network").json().get("data");
      assertThat(rows.at("/ports/0/status").asText()).isEqualTo("critical");
      assertThat(rows.at("/ports/0/reasons/0").asText()).contains("link not up");
      assertThat(rows.at("/probes/0/status").asText()).isEqualTo("critical");
      String metrics = loupe.get("metrics").body();
      assertThat(metrics)
          .contains("loupe_infiniband_port_status{device=\"mlx5_0\",host=\"gpu-node-1\",port=\"1\"} 2.0")
          .contains("loupe_probe_status{source=\"gpu-node-1\",target=\"gpu-node-2\"} 2.0")
          .contains("loupe_infiniband_port_link_up{device=\"mlx5_0\",host=\"gpu-node-1\",port=\"1\"} 0.0");
    }
  }

  static JsonNode compute(TestServer loupe) {
    return loupe.get("api/v1/health").json().at("/dimensions/compute");
  }
}
