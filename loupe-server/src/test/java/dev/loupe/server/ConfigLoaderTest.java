package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  @Test
  void emptyOrAbsentConfigIsAllDefaults() {
    LoupeConfig c = ConfigLoader.parse("", "loupe.yml");
    assertThat(c.server().port()).isEqualTo(9710);
    assertThat(c.server().dataDir()).isEqualTo("./loupe-data");
    assertThat(c.retention().inference()).isEqualTo(Duration.ofDays(30));
    assertThat(c.retention().rollup()).isEqualTo(Duration.ofDays(400));
    assertThat(c.ingest().capture().prompts()).isFalse();
    assertThat(c.ingest().maxInFlightRequests()).isEqualTo(64);
    assertThat(c.limits().deployments()).isEmpty();
    assertThat(c.rules().builtin().enabled()).isTrue();
    assertThat(ConfigLoader.parse("# only a comment\n", "loupe.yml")).isEqualTo(c);
  }

  @Test
  void readsEveryKindOfValue() {
    LoupeConfig c = ConfigLoader.parse(
        "server:\n  port: 9999\n  data_dir: /tmp/x\n"
            + "ingest:\n  max_body_bytes: 2048\n  max_future: 90s\n  max_in_flight_requests: 8\n  capture:\n    prompts: true\n"
            + "retention:\n  inference: 7d\n  rollup: 2y\n"
            + "limits:\n  deployments:\n    chat-prod: {tpm: 150000, rpm: 900}\n",
        "loupe.yml");
    assertThat(c.server().port()).isEqualTo(9999);
    assertThat(c.ingest().maxFuture()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.ingest().maxInFlightRequests()).isEqualTo(8);
    assertThat(c.ingest().capture().prompts()).isTrue();
    assertThat(c.ingest().capture().completions()).isFalse();
    assertThat(c.retention().inference()).isEqualTo(Duration.ofDays(7));
    assertThat(c.retention().rollup()).isEqualTo(Duration.ofDays(730));
    assertThat(c.retention().log()).isEqualTo(Duration.ofDays(30));
    assertThat(c.limits().deployments().get("chat-prod").tpm()).isEqualTo(150_000);
    assertThat(c.limits().deployments().get("chat-prod").rpm()).isEqualTo(900);
  }

  @Test
  void theTelemetryBudgetReadsSizesAndCountsAsPeopleWriteThem() {
    LoupeConfig.Telemetry t = ConfigLoader.parse(
        "limits:\n  telemetry: {max_stored_bytes: 50GB, max_records_per_day: 1.4M}\n", "loupe.yml").limits().telemetry();
    assertThat(t.maxStoredBytes()).isEqualTo(50_000_000_000L);
    assertThat(t.maxRecordsPerDay()).isEqualTo(1_400_000);
    assertThat(ConfigLoader.parse("limits:\n  telemetry:\n    max_stored_bytes: 500MiB\n", "loupe.yml")
        .limits().telemetry()).isEqualTo(new LoupeConfig.Telemetry(500L * 1024 * 1024, null));
    assertThat(ConfigLoader.parse("limits:\n  telemetry:\n    max_stored_bytes: 2048\n    max_records_per_day: 250000\n",
        "loupe.yml").limits().telemetry()).isEqualTo(new LoupeConfig.Telemetry(2048L, 250_000.0));
    assertThat(ConfigLoader.parse("", "loupe.yml").limits().telemetry()).isEqualTo(LoupeConfig.Telemetry.NONE);
    assertThat(QuantityText.bytes("1.5 TB")).isEqualTo(1_500_000_000_000L);
    assertThat(QuantityText.bytes("1.5TiB")).isEqualTo(1_649_267_441_664L);
    assertThat(QuantityText.bytes("64Ki")).isEqualTo(65_536);
    assertThat(QuantityText.bytes("10gb")).isEqualTo(10_000_000_000L);
    assertThat(QuantityText.bytes("300B")).isEqualTo(300);
    assertThat(QuantityText.count("250k")).isEqualTo(250_000);
    assertThat(QuantityText.count("2G")).isEqualTo(2e9);
    assertThat(QuantityText.count("1.4e6")).isEqualTo(1.4e6);
    assertThatThrownBy(() -> QuantityText.bytes("50 gigs")).hasMessageContaining("not a size");
    assertThatThrownBy(() -> QuantityText.bytes("0.5")).hasMessageContaining("out of range");
    assertThatThrownBy(() -> QuantityText.bytes("9EB")).hasMessageContaining("not a size");
    assertThatThrownBy(() -> QuantityText.count("0")).hasMessageContaining("positive");
    assertThatThrownBy(() -> QuantityText.count("1.4 million")).hasMessageContaining("not a count");
  }

  @Test
  void theOldHealthThresholdsSayWhereTheyMoved() {
    assertThatThrownBy(() -> ConfigLoader.parse("health:\n  min_samples: 10\n", "loupe.yml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("loupe.yml:2:")
        .hasMessageContaining("health.min_samples")
        .hasMessageContaining("rules.builtin.override")
        .hasMessageContaining("ModelLatencyRegression");
  }

  @Test
  void unknownKeyNamesPathLineAndNearestKey() {
    assertThatThrownBy(() -> ConfigLoader.parse("server:\n  port: 9710\n  prot: 1\n", "loupe.yml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("loupe.yml:3:")
        .hasMessageContaining("server.prot")
        .hasMessageContaining("did you mean 'port'")
        .satisfies(e -> assertThat(((ConfigException) e).line()).isEqualTo(3));
    assertThatThrownBy(() -> ConfigLoader.parse("retension:\n  inference: 1d\n", "loupe.yml"))
        .hasMessageContaining("retension").hasMessageContaining("did you mean 'retention'");
    assertThatThrownBy(() -> ConfigLoader.parse("ingest:\n  capture:\n    prompt: true\n", "loupe.yml"))
        .hasMessageContaining("ingest.capture.prompt").hasMessageContaining("'prompts'");
  }

  @Test
  void badValuesNameTheKeyAndLine() {
    assertThatThrownBy(() -> ConfigLoader.parse("retention:\n  inference: 30 days\n", "loupe.yml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("loupe.yml:2:")
        .hasMessageContaining("retention.inference")
        .hasMessageContaining("not a duration");
    assertThatThrownBy(() -> ConfigLoader.parse("server:\n  port: 70000\n", "loupe.yml"))
        .hasMessageContaining("server").hasMessageContaining("0..65535");
    assertThatThrownBy(() -> ConfigLoader.parse("ingest:\n  max_in_flight_requests: 0\n", "loupe.yml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest")
        .hasMessageContaining("max_in_flight_requests must be at least 1");
    assertThatThrownBy(() -> ConfigLoader.parse("server:\n  port: many\n", "loupe.yml"))
        .hasMessageContaining("loupe.yml:2:").hasMessageContaining("server.port");
    assertThatThrownBy(() -> ConfigLoader.parse("server: [1, 2\n", "loupe.yml"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("loupe.yml:");
  }

  @Test
  void durationsAreWrittenThePrometheusWay() {
    assertThat(DurationText.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(DurationText.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationText.format(Duration.ofDays(30))).isEqualTo("30d");
    assertThatThrownBy(() -> DurationText.parse("5 m")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DurationText.parse("m5")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void scrapeConfigsReadInPrometheussOwnShapeWithItsDefaults() {
    LoupeConfig c = ConfigLoader.parse(
        "global:\n  scrape_interval: 15s\n"
            + "scrape_configs:\n"
            + "  - job_name: dcgm\n"
            + "    static_configs:\n"
            + "      - targets: ['gpu-node-1:9400', 'gpu-node-2:9400']\n"
            + "        labels: {cluster: a}\n"
            + "    metric_relabel_configs:\n"
            + "      - source_labels: [__name__]\n"
            + "        regex: 'DCGM_FI_DEV_(GPU_UTIL|FB_.*)'\n"
            + "        action: keep\n"
            + "  - job_name: node\n"
            + "    scrape_interval: 30s\n"
            + "    scrape_timeout: 5s\n"
            + "    metrics_path: /node/metrics\n"
            + "    params:\n      collect[]: [infiniband]\n"
            + "    honor_labels: true\n"
            + "    file_sd_configs:\n"
            + "      - files: ['/etc/loupe/targets/*.json']\n",
        "loupe.yml");
    ScrapeConfig dcgm = c.scrapeConfigs().get(0);
    assertThat(dcgm.scrapeInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(dcgm.scrapeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(dcgm.metricsPath()).isEqualTo("/metrics");
    assertThat(dcgm.staticConfigs().get(0).targets()).containsExactly("gpu-node-1:9400", "gpu-node-2:9400");
    assertThat(dcgm.metricRelabelConfigs().get(0).action()).isEqualTo("keep");
    ScrapeConfig node = c.scrapeConfigs().get(1);
    assertThat(node.scrapeInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(node.params()).containsEntry("collect[]", java.util.List.of("infiniband"));
    assertThat(node.honorLabels()).isTrue();
    assertThat(node.fileSdConfigs().get(0).refreshInterval()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void scrapeConfigMistakesNameTheEntryAndLine() {
    assertThatThrownBy(() -> ConfigLoader.parse(
            "scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: ['no-port']\n", "loupe.yml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("scrape_configs[0].static_configs[0]")
        .hasMessageContaining("'no-port' is not host:port");
    assertThatThrownBy(() -> ConfigLoader.parse(
            "scrape_configs:\n  - job_name: a\n    scrape_intervall: 5s\n", "loupe.yml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("scrape_intervall")
        .hasMessageContaining("did you mean 'scrape_interval'");
    assertThatThrownBy(() -> ConfigLoader.parse(
            "scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 10s\n", "loupe.yml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("longer than scrape_interval");
    assertThatThrownBy(() -> ConfigLoader.parse(
            "scrape_configs:\n  - job_name: a\n    metric_relabel_configs:\n      - action: keepp\n", "loupe.yml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown relabel action 'keepp'");
    assertThatThrownBy(() -> ConfigLoader.parse(
            "scrape_configs:\n  - job_name: a\n  - job_name: a\n", "loupe.yml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("job_name 'a' is used by two");
  }
}
