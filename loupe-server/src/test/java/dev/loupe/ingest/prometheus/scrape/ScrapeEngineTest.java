package dev.loupe.ingest.prometheus.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.loupe.model.Batch;
import dev.loupe.model.Sample;
import dev.loupe.server.ConfigLoader;
import dev.loupe.server.ScrapeConfig;
import dev.loupe.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scrape engine against real HTTP targets on loopback serving real exporter pages. */
class ScrapeEngineTest {
  static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
  static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");

  /** What each path of the fake exporter answers: status, content type, body, gzip. */
  record Page(int status, String contentType, String body, boolean gzip) {}

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(NOW);
  final Map<String, Page> pages = new ConcurrentHashMap<>();
  final List<Batch> delivered = new CopyOnWriteArrayList<>();
  HttpServer exporter;
  String address;
  ScrapeEngine engine;

  @BeforeEach
  void startExporter() throws IOException {
    exporter = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    exporter.createContext("/", exchange -> {
      Page p = pages.getOrDefault(exchange.getRequestURI().getPath(), new Page(404, "text/plain", "no page\n", false));
      byte[] body = p.body().getBytes(StandardCharsets.UTF_8);
      if (p.gzip()) {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(z)) {
          g.write(body);
        }
        body = z.toByteArray();
        exchange.getResponseHeaders().add("Content-Encoding", "gzip");
      }
      exchange.getResponseHeaders().add("Content-Type", p.contentType());
      exchange.sendResponseHeaders(p.status(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    exporter.start();
    address = "127.0.0.1:" + exporter.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    if (engine != null) engine.close();
    exporter.stop(0);
  }

  static String fixture(String name) throws IOException {
    try (InputStream in = ScrapeEngineTest.class.getResourceAsStream("/fixtures/prometheus/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  ScrapeEngine engine(String yaml) {
    List<ScrapeConfig> configs = ConfigLoader.parse(yaml, "test.yml").scrapeConfigs();
    engine = new ScrapeEngine(configs, clock, delivered::add, 2);
    engine.sync();
    return engine;
  }

  String job(String name, String path, String extra) {
    return "scrape_configs:\n  - job_name: " + name + "\n    metrics_path: " + path + "\n"
        + "    static_configs:\n      - targets: ['" + address + "']\n        labels: {cluster: a}\n" + extra;
  }

  List<Sample> lastScrape() {
    return delivered.get(delivered.size() - 1).samples();
  }

  static Sample named(List<Sample> samples, String name) {
    return samples.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + samples));
  }

  @Test
  void scrapesTheDcgmExporterPageWithTargetLabelsAndHealth() throws IOException {
    pages.put("/metrics", new Page(200, TEXT, fixture("dcgm-exporter-nvidia-l4.prom"), false));
    engine(job("dcgm", "/metrics", "")).scrapeAllNow();

    List<Sample> samples = lastScrape();
    Sample temp = named(samples, "DCGM_FI_DEV_GPU_TEMP");
    assertThat(temp.value()).isEqualTo(31);
    assertThat(temp.timestampMillis()).isEqualTo(NOW.toEpochMilli());
    assertThat(temp.labels()).containsEntry("job", "dcgm").containsEntry("instance", address)
        .containsEntry("cluster", "a").containsEntry("gpu", "0").containsEntry("modelName", "NVIDIA L4")
        .containsEntry("Hostname", "i-030791dc5a37cd257");
    assertThat(named(samples, "up").value()).isEqualTo(1);
    assertThat(named(samples, "scrape_samples_scraped").value()).isEqualTo(23);
    assertThat(samples).hasSize(23 + 5);

    TargetHealth t = engine.targets().get(0);
    assertThat(t.health()).isEqualTo("up");
    assertThat(t.lastError()).isEmpty();
    assertThat(t.samplesScraped()).isEqualTo(23);
    assertThat(t.scrapeUrl()).isEqualTo("http://" + address + "/metrics");
    assertThat(t.lastScrapeMillis()).isEqualTo(NOW.toEpochMilli());
  }

  @Test
  void theParserFollowsTheContentTypeAndGzipIsUnpacked() {
    // Valid text (no # EOF) would be invalid OpenMetrics: the Content-Type decides.
    pages.put("/text", new Page(200, TEXT, "# TYPE a gauge\na 1\n", true));
    pages.put("/om", new Page(200, OPENMETRICS, "# TYPE b gauge\nb 2\n# EOF\n", true));
    pages.put("/om-broken", new Page(200, OPENMETRICS, "# TYPE c gauge\nc 3\n", false));
    engine(job("text", "/text", "") + job("om", "/om", "").replace("scrape_configs:\n", "")
        + job("broken", "/om-broken", "").replace("scrape_configs:\n", "")).scrapeAllNow();
    Map<String, TargetHealth> byJob = new java.util.HashMap<>();
    engine.targets().forEach(t -> byJob.put(t.job(), t));
    assertThat(byJob.get("text").health()).isEqualTo("up");
    assertThat(byJob.get("om").health()).isEqualTo("up");
    assertThat(byJob.get("broken").health()).isEqualTo("down");
    assertThat(byJob.get("broken").lastError()).contains("EOF");
  }

  @Test
  void aParseErrorDropsTheWholeScrapeAndNamesLineAndColumn() {
    pages.put("/metrics", new Page(200, TEXT, "good 1\nbad{x=\"1\" 2\n", false));
    engine(job("j", "/metrics", "")).scrapeAllNow();
    TargetHealth t = engine.targets().get(0);
    assertThat(t.health()).isEqualTo("down");
    assertThat(t.lastError()).matches("parse error at 2:\\d+: .+");
    assertThat(lastScrape()).extracting(Sample::name).doesNotContain("good").contains("up");
    assertThat(named(lastScrape(), "up").value()).isZero();

    pages.put("/metrics", new Page(200, TEXT, "good 1\n", false));
    clock.advance(java.time.Duration.ofSeconds(15));
    engine.scrapeAllNow();
    assertThat(engine.targets().get(0).health()).as("the loop goes on after a bad page").isEqualTo("up");
  }

  @Test
  void httpErrorsAndDeadTargetsAreDownWithTheReason() {
    pages.put("/metrics", new Page(500, "text/plain", "boom\n", false));
    engine(job("j", "/metrics", "") + "  - job_name: dead\n    static_configs:\n      - targets: ['127.0.0.1:1']\n")
        .scrapeAllNow();
    Map<String, TargetHealth> byJob = new java.util.HashMap<>();
    engine.targets().forEach(t -> byJob.put(t.job(), t));
    assertThat(byJob.get("j").lastError()).isEqualTo("server returned HTTP status 500");
    assertThat(byJob.get("dead").health()).isEqualTo("down");
    assertThat(byJob.get("dead").lastError()).isNotEmpty();
  }

  @Test
  void aSeriesThatVanishesIsEndedWithAStalenessMarker() {
    pages.put("/metrics", new Page(200, TEXT, "x{a=\"1\"} 1\nx{a=\"2\"} 2\n", false));
    engine(job("j", "/metrics", "")).scrapeAllNow();
    pages.put("/metrics", new Page(200, TEXT, "x{a=\"1\"} 1\n", false));
    clock.advance(java.time.Duration.ofSeconds(15));
    engine.scrapeAllNow();
    List<Sample> second = lastScrape();
    List<Sample> markers = second.stream().filter(Sample::isStaleMarker).toList();
    assertThat(markers).hasSize(1);
    assertThat(markers.get(0).labels()).containsEntry("a", "2");
    assertThat(markers.get(0).timestampMillis()).isEqualTo(clock.millis());
    assertThat(named(second, "scrape_series_added").value()).isZero();
  }

  @Test
  void aFailedScrapeEndsEverySeriesItHadStored() {
    pages.put("/metrics", new Page(200, TEXT, "x{a=\"1\"} 1\nx{a=\"2\"} 2\n", false));
    engine(job("j", "/metrics", "")).scrapeAllNow();
    // Breaks after a series never seen before: only the two stored series are ended.
    pages.put("/metrics", new Page(200, TEXT, "x{a=\"1\"} 1\nx{a=\"3\"} 3\nbroken{\n", false));
    clock.advance(java.time.Duration.ofSeconds(15));
    engine.scrapeAllNow();
    List<Sample> markers = lastScrape().stream().filter(Sample::isStaleMarker).toList();
    assertThat(markers).extracting(m -> m.labels().get("a")).containsExactlyInAnyOrder("1", "2");

    pages.put("/metrics", new Page(200, TEXT, "x{a=\"1\"} 1\n", false));
    clock.advance(java.time.Duration.ofSeconds(15));
    engine.scrapeAllNow();
    assertThat(lastScrape().stream().filter(Sample::isStaleMarker)).isEmpty();
    assertThat(named(lastScrape(), "scrape_series_added").value()).as("x{a=1} starts again").isEqualTo(1);
  }

  @Test
  void targetLabelsWinUnlessHonorLabelsIsSet() {
    pages.put("/metrics", new Page(200, TEXT, "m{job=\"inner\",instance=\"pod-1\"} 1\n", false));
    engine(job("outer", "/metrics", "")).scrapeAllNow();
    assertThat(named(lastScrape(), "m").labels()).containsEntry("job", "outer")
        .containsEntry("exported_job", "inner").containsEntry("exported_instance", "pod-1");
    engine.close();

    delivered.clear();
    engine(job("outer", "/metrics", "    honor_labels: true\n")).scrapeAllNow();
    assertThat(named(lastScrape(), "m").labels()).containsEntry("job", "inner").containsEntry("instance", "pod-1")
        .doesNotContainKey("exported_job");
  }

  @Test
  void metricRelabelingKeepsDropsAndRewrites() throws IOException {
    pages.put("/metrics", new Page(200, TEXT, fixture("dcgm-exporter-nvidia-l4.prom"), false));
    engine(job("dcgm", "/metrics",
        "    metric_relabel_configs:\n"
            + "      - source_labels: [__name__]\n        regex: 'DCGM_FI_DEV_(GPU_TEMP|FB_.*)'\n        action: keep\n"
            + "      - regex: 'pci_bus_id|DCGM_FI_DRIVER_VERSION'\n        action: labeldrop\n"
            + "      - source_labels: [Hostname]\n        target_label: node\n")).scrapeAllNow();
    List<Sample> kept = lastScrape().stream().filter(s -> s.name().startsWith("DCGM")).toList();
    assertThat(kept).extracting(Sample::name)
        .containsExactlyInAnyOrder("DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_FB_USED",
            "DCGM_FI_DEV_FB_RESERVED");
    assertThat(kept.get(0).labels()).doesNotContainKeys("pci_bus_id", "DCGM_FI_DRIVER_VERSION")
        .containsEntry("node", "i-030791dc5a37cd257");
    assertThat(named(lastScrape(), "scrape_samples_post_metric_relabeling").value()).isEqualTo(4);
  }

  @Test
  void fileSdTargetsFollowTheFileAndAnUnreadableFileKeepsTheLastGoodOnes() throws IOException {
    pages.put("/metrics", new Page(200, TEXT, "x 1\n", false));
    Path file = dir.resolve("targets.json");
    Files.writeString(file, "[{\"targets\": [\"" + address + "\"], \"labels\": {\"pool\": \"train\"}}]");
    engine("scrape_configs:\n  - job_name: sd\n    file_sd_configs:\n      - files: ['" + dir + "/*.json']\n");
    assertThat(engine.targets()).extracting(TargetHealth::labels)
        .containsExactly(Map.of("job", "sd", "instance", address, "pool", "train"));
    engine.scrapeAllNow();

    Files.writeString(file, "[{\"targets\": [\"" + address + "\"], \"labels\": {\"pool\": \"serve\"}},"
        + " {\"targets\": [\"127.0.0.1:1\"]}]");
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
    delivered.clear();
    engine.sync();
    assertThat(engine.targets()).hasSize(2);
    assertThat(engine.targets()).extracting(t -> t.labels().get("pool")).contains("serve");
    assertThat(delivered).as("the old target's series were ended").hasSize(1);
    assertThat(delivered.get(0).samples()).allMatch(Sample::isStaleMarker);

    Files.writeString(file, "[{\"targets\": [\"" + address + "\"],\n  \"labls\": {}}]");
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 10000));
    engine.sync();
    assertThat(engine.targets()).hasSize(2);
    assertThat(engine.discoveryErrors().values()).singleElement().asString().contains("targets.json:2:");
  }

  @Test
  void manyTargetsScrapedAtOnceNeverStarveTheTwoParseThreads() throws IOException {
    // Bodies are read blocking on the parse threads; were the HTTP client fed by those same
    // threads, a dozen simultaneous scrapes would deadlock (JUnit's timeout would fail this).
    pages.put("/metrics", new Page(200, TEXT, fixture("dcgm-exporter-nvidia-l4.prom"), false));
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < 24; i++) yaml.append(job("j" + i, "/metrics", "").replace("scrape_configs:\n", ""));
    engine("scrape_configs:\n" + yaml).scrapeAllNow();
    assertThat(engine.targets()).hasSize(24).allMatch(t -> t.health().equals("up") && t.samplesScraped() == 23);
  }

  @Test
  void manyTargetsSpreadOverTheInterval() {
    long interval = 15_000;
    int[] perSecond = new int[15];
    List<Long> offsets = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      long o = ScrapeEngine.offset("dcgm http://10.0.0." + i + ":9400/metrics {}", interval);
      assertThat(o).isBetween(0L, interval - 1);
      offsets.add(o);
      perSecond[(int) (o / 1000)]++;
    }
    for (int n : perSecond) assertThat(n).as("targets per second of the interval").isBetween(5, 40);
    assertThat(ScrapeEngine.offset("same", interval)).isEqualTo(ScrapeEngine.offset("same", interval));
  }
}
