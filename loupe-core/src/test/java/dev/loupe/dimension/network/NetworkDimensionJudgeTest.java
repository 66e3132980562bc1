package dev.loupe.dimension.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.dimension.DimensionHealth;
import dev.loupe.dimension.HealthStatus;
import dev.loupe.model.Alert;
import dev.loupe.model.AlertState;
import dev.loupe.model.LabelMatcher;
import dev.loupe.model.Sample;
import dev.loupe.testing.ExpositionLines;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkDimensionJudgeTest {
  static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
  static final long SCRAPE = 15;

  NetworkDimensionJudge judge = new NetworkDimensionJudge(NetworkFreshness.DEFAULTS, List.of(), at(0));

  static long at(long seconds) {
    return T0.plusSeconds(seconds).toEpochMilli();
  }

  static Map<String, String> port(String node, String device, String port) {
    return Map.of("instance", node + ":9100", "node", node, "device", device, "port", port);
  }

  static final Map<String, String> P1 = port("gpu-node-1", "mlx5_0", "1");

  void sample(String name, Map<String, String> labels, long atSeconds, double value) {
    judge.observe(new Sample(name, labels, at(atSeconds), value));
  }

  /** An active, linked-up port scraped every 15 s in [from, to], its counters following {@code counter}. */
  void healthyPort(Map<String, String> labels, long from, long to) {
    for (long s = from; s <= to; s += SCRAPE) {
      sample("node_infiniband_state_id", labels, s, 4);
      sample("node_infiniband_physical_state_id", labels, s, 5);
    }
  }

  /** A counter rising by {@code perScrape} each scrape in [from, to], starting at {@code base}. */
  void counter(String name, Map<String, String> labels, long from, long to, double base, double perScrape) {
    for (long s = from; s <= to; s += SCRAPE) sample(name, labels, s, base + perScrape * ((s - from) / SCRAPE));
  }

  DimensionHealth health(long atSeconds) {
    return judge.judge(at(atSeconds));
  }

  @Test
  void oldAndNewMetricNamesAreOneCounter() {
    assertThat(InfinibandCounter.of("node_infiniband_port_data_received_bytes")).isEqualTo(InfinibandCounter.DATA_RECEIVED_BYTES);
    assertThat(InfinibandCounter.of("node_infiniband_port_data_received_bytes_total")).isEqualTo(InfinibandCounter.DATA_RECEIVED_BYTES);
    assertThat(InfinibandCounter.of("node_infiniband_port_transmit_discards_total")).isEqualTo(InfinibandCounter.TRANSMIT_DISCARDS);
    assertThat(InfinibandCounter.of("node_infiniband_port_discards_transmitted_total")).isEqualTo(InfinibandCounter.TRANSMIT_DISCARDS);
    assertThat(InfinibandCounter.of("node_infiniband_port_receive_constraint_errors_total"))
        .isEqualTo(InfinibandCounter.of("node_infiniband_port_constraint_errors_received_total"));
    assertThat(InfinibandCounter.of("node_infiniband_port_receive_errors_total")).isEqualTo(InfinibandCounter.RECEIVE_ERRORS);
    assertThat(InfinibandCounter.of("node_infiniband_legacy_data_received_bytes_total")).isNull();
    assertThat(InfinibandCounter.of("node_network_receive_bytes_total")).isNull();
    assertThat(NetworkDimensionJudge.watches("node_infiniband_state_id")).isTrue();
    assertThat(NetworkDimensionJudge.watches("node_infiniband_info")).isFalse();
    assertThat(NetworkDimensionJudge.watches("probe_success")).isTrue();

    // an old node_exporter (data counters without _total) and a newer one feed the same throughput
    healthyPort(P1, 0, 60);
    for (long s = 0; s <= 30; s += SCRAPE) sample("node_infiniband_port_data_received_bytes", P1, s, 1e9 * s);
    for (long s = 45; s <= 60; s += SCRAPE) sample("node_infiniband_port_data_received_bytes_total", P1, s, 1e9 * s);
    counter("node_infiniband_port_transmit_discards_total", P1, 0, 60, 0, 500);
    InfinibandPortState p = judge.ports(at(60)).get(0);
    assertThat(p.signals().receiveBytesPerSecond()).isEqualTo(1e9);
    assertThat(p.signals().counters()).containsEntry(InfinibandCounter.TRANSMIT_DISCARDS, 2000.0);
    assertThat(health(60).status()).as("2000 transmit discards: the pack's rule says so, not the judge")
        .isEqualTo(HealthStatus.OK);
    assertThat(InfinibandCounter.TRANSMIT_DISCARDS.signalName()).isEqualTo("loupe_infiniband_port_transmit_discards_total");
    assertThat(InfinibandCounter.ofSignal("loupe_infiniband_port_symbol_errors_total")).isEqualTo(InfinibandCounter.SYMBOL_ERRORS);
    assertThat(InfinibandCounter.TRANSMIT_DISCARDS.metricNames()).containsExactly(
        "node_infiniband_port_discards_transmitted_total", "node_infiniband_port_discards_transmitted",
        "node_infiniband_port_transmit_discards_total", "node_infiniband_port_transmit_discards");
  }

  @Test
  void aPortNeverActiveIsOnlyANoteAndWhenAPortWasFirstActiveIsKnown() {
    Map<String, String> unused = port("gpu-node-1", "mlx5_1", "1");
    healthyPort(P1, 30, 60);
    for (long s = 0; s <= 120; s += SCRAPE) {
      sample("node_infiniband_state_id", unused, s, 1);
      sample("node_infiniband_physical_state_id", unused, s, 2);
    }
    sample("node_infiniband_state_id", P1, 75, 1);
    sample("node_infiniband_physical_state_id", P1, 75, 3);
    DimensionHealth h = health(75);
    assertThat(h.status()).as("a port going down is the pack's InfinibandPortDown, not the judge's").isEqualTo(HealthStatus.OK);
    assertThat(h.reasons()).containsExactly(
        "InfiniBand mlx5_1 port 1 on node gpu-node-1 is state DOWN (1), physical state Polling (2) and has not been "
            + "ACTIVE since first seen at 2026-11-29T10:00:00Z: not judged, as unused ports stay down");
    assertThat(judge.firstActiveMillis(InfinibandPortKey.from(P1))).isEqualTo(at(30));
    assertThat(judge.firstActiveMillis(InfinibandPortKey.from(unused))).isEqualTo(Long.MAX_VALUE);
    assertThat(judge.firstActiveMillis(new InfinibandPortKey("elsewhere", "mlx5_0", "1"))).isEqualTo(Long.MAX_VALUE);
    assertThat(judge.ports(at(75))).filteredOn(p -> p.key().device().equals("mlx5_0")).singleElement()
        .satisfies(p -> {
          assertThat(p.signals().stateId()).isEqualTo(1);
          assertThat(p.signals().physicalStateId()).isEqualTo(3);
          assertThat(p.notes()).isEmpty();
        });
  }

  @Test
  void theTransmitWaitShareOfTheLastIntervalIsShownPerPort() {
    healthyPort(P1, 0, 60);
    // per scrape: 4e6 bytes = 1e6 words sent and 5e4 ticks waited: 5e4 / 1.05e6
    for (long s = 0; s <= 60; s += SCRAPE) {
      sample("node_infiniband_port_data_transmitted_bytes_total", P1, s, 4e6 * (s / SCRAPE));
      sample("node_infiniband_port_transmit_wait_total", P1, s, 5e4 * (s / SCRAPE));
    }
    InfinibandPortSignals signals = judge.ports(at(60)).get(0).signals();
    assertThat(signals.transmitWaitRatio()).isCloseTo(0.0476, org.assertj.core.api.Assertions.within(1e-3));
    assertThat(signals.transmitBytesPerSecond()).isCloseTo(4e6 / 15, org.assertj.core.api.Assertions.within(1e-6));
  }

  static Alert alert(String rule, String severity, AlertState state, Map<String, String> subject, String summary) {
    Map<String, String> labels = new HashMap<>(subject);
    labels.put("alertname", rule);
    labels.put("severity", severity);
    labels.put("dimension", "network");
    return new Alert(rule, labels, state, at(0), state == AlertState.FIRING ? at(0) : 0, 0, 1, Map.of("summary", summary));
  }

  @Test
  void aPortsAndAProbesRowIsTheirFiringAlertsAndAStaleOneWarnsAtLeast() {
    Map<String, String> p2 = port("gpu-node-2", "mlx5_0", "1");
    Map<String, String> ab = probe("gpu-node-1", "gpu-node-2");
    healthyPort(P1, 0, 600);
    healthyPort(p2, 0, 60);
    probes(ab, 0, 600, 0, 5.0);
    probes(Map.of("target", "gpu-node-2", "instance", "prober:9115"), 0, 600, 1, 0.0002);
    List<Alert> alerts = List.of(
        alert("InfinibandSymbolErrors", "warning", AlertState.FIRING,
            Map.of("host", "gpu-node-1", "device", "mlx5_0", "port", "1"), "symbol errors on mlx5_0"),
        alert("InfinibandPortDown", "critical", AlertState.PENDING,
            Map.of("host", "gpu-node-1", "device", "mlx5_0", "port", "1"), "not yet"),
        alert("InfinibandPortDown", "critical", AlertState.FIRING,
            Map.of("host", "gpu-node-1", "device", "mlx5_0", "port", "2"), "another port"),
        alert("NetworkProbeFailing", "critical", AlertState.FIRING,
            Map.of("source", "gpu-node-1", "target", "gpu-node-2"), "gpu-node-1 cannot reach gpu-node-2"));

    List<InfinibandPortState> ports = judge.ports(at(600), alerts);
    assertThat(ports).extracting(p -> p.key().host() + " " + p.status().wireName() + " " + p.reasons())
        .containsExactly("gpu-node-1 warning [symbol errors on mlx5_0]",
            "gpu-node-2 warning [no samples from InfiniBand mlx5_0 port 1 on node gpu-node-2 since 2026-11-29T10:01:00Z]");
    List<ProbeState> probes = judge.probes(at(600), alerts);
    assertThat(probes).extracting(p -> p.key().subject() + " " + p.status().wireName() + " " + p.reasons())
        .containsExactly("gpu-node-1->gpu-node-2 critical [gpu-node-1 cannot reach gpu-node-2]",
            "prober:9115->gpu-node-2 ok []");
    assertThat(judge.ports(at(600))).extracting(InfinibandPortState::status)
        .as("without alerts: ok, or stale").containsExactly(HealthStatus.OK, HealthStatus.WARNING);
  }

  Map<String, String> probe(String source, String target) {
    return Map.of("source", source, "target", target, "instance", source + ":9115", "job", "node-mesh");
  }

  void probes(Map<String, String> labels, long from, long to, double success, double seconds) {
    for (long s = from; s <= to; s += SCRAPE) {
      sample("probe_duration_seconds", labels, s, seconds);
      sample("probe_success", labels, s, success);
    }
  }

  @Test
  void probesOutsideTheSelectorAreNotNetworkProbes() {
    judge = new NetworkDimensionJudge(NetworkFreshness.DEFAULTS, List.of(LabelMatcher.eq("job", "node-mesh")), at(0));
    Map<String, String> website = Map.of("instance", "https://example.org", "job", "blackbox-http");
    for (long s = 0; s <= 300; s += SCRAPE) sample("probe_success", website, s, 0);
    assertThat(health(300).status()).isEqualTo(HealthStatus.NO_DATA);
    probes(probe("a", "b"), 0, 300, 1, 0.0002);
    assertThat(health(300).status()).isEqualTo(HealthStatus.OK);
    assertThat(judge.probes(at(300))).singleElement().satisfies(p -> {
      assertThat(p.key()).isEqualTo(new ProbeKey("a", "b", null));
      assertThat(p.signals().durationSeconds()).isEqualTo(0.0002);
    });
    assertThat(ProbeKey.from(Map.of("instance", "10.0.0.7"))).isEqualTo(new ProbeKey(null, "10.0.0.7", null));
    assertThat(ProbeKey.from(Map.of("instance", "gpu-node-1:9115", "target", "10.0.0.7")).source()).isEqualTo("gpu-node-1:9115");
  }

  @Test
  void stalePortsAndProbesWarnAndAllSilenceIsNoData() {
    DimensionHealth none = health(60);
    assertThat(none.status()).isEqualTo(HealthStatus.NO_DATA);
    assertThat(none.reasons()).containsExactly("no network telemetry received for network since 2026-11-29T10:00:00Z");

    healthyPort(P1, 0, 120);
    probes(probe("gpu-node-1", "gpu-node-2"), 0, 900, 1, 0.0003);
    DimensionHealth h = health(900);
    assertThat(h.status()).isEqualTo(HealthStatus.WARNING);
    assertThat(h.reasons()).containsExactly(
        "no samples from InfiniBand mlx5_0 port 1 on node gpu-node-1 since 2026-11-29T10:02:00Z");
    DimensionHealth silent = health(900 + 301);
    assertThat(silent.status()).isEqualTo(HealthStatus.NO_DATA);
    assertThat(silent.reasons()).containsExactly("no network telemetry received for network since 2026-11-29T10:15:00Z");
    assertThat(judge.ports(at(120 + 24 * 3600 + 1))).isEmpty();
  }

  /** The infiniband part of node_exporter's end-to-end test output (shared fixture node-exporter-e2e-output.txt). */
  static final String NODE_EXPORTER = """
      node_infiniband_link_downed_total{device="mlx4_0",port="1"} 0
      node_infiniband_link_downed_total{device="mlx4_0",port="2"} 0
      node_infiniband_link_error_recovery_total{device="mlx4_0",port="1"} 0
      node_infiniband_link_error_recovery_total{device="mlx4_0",port="2"} 0
      node_infiniband_physical_state_id{device="i40iw0",port="1"} 5
      node_infiniband_physical_state_id{device="mlx4_0",port="1"} 5
      node_infiniband_physical_state_id{device="mlx4_0",port="2"} 5
      node_infiniband_port_constraint_errors_received_total{device="mlx4_0",port="1"} 0
      node_infiniband_port_constraint_errors_transmitted_total{device="mlx4_0",port="1"} 0
      node_infiniband_port_data_received_bytes_total{device="mlx4_0",port="1"} 1.8527668e+07
      node_infiniband_port_data_received_bytes_total{device="mlx4_0",port="2"} 0
      node_infiniband_port_data_transmitted_bytes_total{device="mlx4_0",port="1"} 1.493376e+07
      node_infiniband_port_data_transmitted_bytes_total{device="mlx4_0",port="2"} 0
      node_infiniband_port_discards_received_total{device="mlx4_0",port="1"} 0
      node_infiniband_port_discards_transmitted_total{device="mlx4_0",port="1"} 5
      node_infiniband_port_errors_received_total{device="mlx4_0",port="1"} 0
      node_infiniband_port_transmit_wait_total{device="mlx4_0",port="1"} 4.294967295e+09
      node_infiniband_rate_bytes_per_second{device="i40iw0",port="1"} 1.25e+09
      node_infiniband_rate_bytes_per_second{device="mlx4_0",port="1"} 5e+09
      node_infiniband_rate_bytes_per_second{device="mlx4_0",port="2"} 5e+09
      node_infiniband_state_id{device="i40iw0",port="1"} 4
      node_infiniband_state_id{device="mlx4_0",port="1"} 4
      node_infiniband_state_id{device="mlx4_0",port="2"} 4
      node_infiniband_unicast_packets_received_total{device="mlx4_0",port="1"} 61148
      node_scrape_collector_success{collector="infiniband"} 1
      """;

  @Test
  void nodeExporterOutputGivesThreeHealthyPortsAndNotesTheSaturatedWaitCounter() {
    for (long s = 0; s <= 60; s += SCRAPE) {
      for (Sample x : ExpositionLines.parse(NODE_EXPORTER, at(s))) {
        Map<String, String> labels = new HashMap<>(x.labels());
        labels.put("instance", "ib-host:9100");
        judge.observe(new Sample(x.name(), labels, x.timestampMillis(), x.value()));
      }
    }
    DimensionHealth h = health(60);
    assertThat(h.status()).isEqualTo(HealthStatus.OK);
    assertThat(h.findings()).isEmpty();
    assertThat(h.reasons()).containsExactly(
        "InfiniBand counter node_infiniband_port_transmit_wait_total of InfiniBand mlx4_0 port 1 on node ib-host:9100 "
            + "is stuck at its maximum 4294967295: later transmit wait ticks cannot be seen until the port counters "
            + "are cleared (perfquery -R)");
    List<InfinibandPortState> ports = judge.ports(at(60));
    assertThat(ports).extracting(p -> p.key().device() + "/" + p.key().port())
        .containsExactly("i40iw0/1", "mlx4_0/1", "mlx4_0/2");
    InfinibandPortSignals mlx = ports.get(1).signals();
    assertThat(mlx.stateId()).isEqualTo(4);
    assertThat(mlx.rateBytesPerSecond()).isEqualTo(5e9);
    assertThat(mlx.counters()).containsEntry(InfinibandCounter.TRANSMIT_DISCARDS, 5.0)
        .doesNotContainKey(InfinibandCounter.SYMBOL_ERRORS);
    assertThat(mlx.receiveBytesPerSecond()).isZero();
  }
}
