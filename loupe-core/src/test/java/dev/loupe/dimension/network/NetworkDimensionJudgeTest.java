package dev.loupe.dimension.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.dimension.DimensionHealth;
import dev.loupe.dimension.HealthStatus;
import dev.loupe.model.LabelMatcher;
import dev.loupe.model.Sample;
import dev.loupe.model.Severity;
import dev.loupe.testing.ExpositionLines;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkDimensionJudgeTest {
  static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
  static final long SCRAPE = 15;

  NetworkDimensionJudge judge = new NetworkDimensionJudge(NetworkThresholds.DEFAULTS, List.of(), at(0));

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
  void aLinkDownIsCriticalForAnHourAndACounterResetIsNot() {
    healthyPort(P1, 0, 4000);
    counter("node_infiniband_link_downed_total", P1, 0, 60, 3, 0);
    assertThat(health(60).status()).isEqualTo(HealthStatus.OK);
    sample("node_infiniband_link_downed_total", P1, 75, 4);
    DimensionHealth h = health(75);
    assertThat(h.status()).isEqualTo(HealthStatus.CRITICAL);
    assertThat(h.reasons()).containsExactly(
        "InfiniBand mlx5_0 port 1 on node gpu-node-1: 1 link downs in the last 1 h since 2026-11-29T10:01:15Z");
    assertThat(h.findings().get(0).evidence()).containsEntry("counter", "node_infiniband_link_downed_total");
    counter("node_infiniband_link_downed_total", P1, 90, 75 + 3600, 4, 0);
    assertThat(health(75 + 3599).status()).isEqualTo(HealthStatus.CRITICAL);
    assertThat(health(75 + 3600).status()).isEqualTo(HealthStatus.OK);
    // host reboot: counters start again from 0
    sample("node_infiniband_link_downed_total", P1, 3690, 0);
    sample("node_infiniband_link_downed_total", P1, 3705, 0);
    assertThat(health(3705).status()).isEqualTo(HealthStatus.OK);
  }

  @Test
  void symbolErrorsWarnAboveTwoAMinuteOverFiveMinutes() {
    healthyPort(P1, 0, 1200);
    // one error every minute: 5 in 5 m, within the allowance of 10
    for (long s = 0; s <= 600; s += SCRAPE) sample("node_infiniband_symbol_error_total", P1, s, s / 60);
    assertThat(health(600).status()).isEqualTo(HealthStatus.OK);
    // then one every scrape: 4 a minute
    counter("node_infiniband_symbol_error_total", P1, 615, 1200, 11, 1);
    DimensionHealth h = health(1200);
    assertThat(h.status()).isEqualTo(HealthStatus.WARNING);
    assertThat(h.reasons()).singleElement().asString()
        .startsWith("InfiniBand mlx5_0 port 1 on node gpu-node-1: 20 symbol errors in the last 5 m (4/min > 2/min) since");
  }

  @Test
  void linkIntegrityRecoveryAndReceiveErrorsWarn() {
    healthyPort(P1, 0, 1800);
    counter("node_infiniband_local_link_integrity_errors_total", P1, 0, 1800, 0, 0);
    counter("node_infiniband_link_error_recovery_total", P1, 0, 1800, 0, 0);
    counter("node_infiniband_port_errors_received_total", P1, 0, 1800, 0, 0);
    sample("node_infiniband_local_link_integrity_errors_total", P1, 1815, 1);
    sample("node_infiniband_link_error_recovery_total", P1, 1815, 1);
    sample("node_infiniband_port_errors_received_total", P1, 1815, 40);
    healthyPort(P1, 1815, 1815);
    DimensionHealth h = health(1815);
    assertThat(h.status()).isEqualTo(HealthStatus.WARNING);
    assertThat(h.reasons()).hasSize(3).anySatisfy(r -> assertThat(r).contains("1 local link integrity errors in the last 5 m"))
        .anySatisfy(r -> assertThat(r).contains("1 link error recoveries in the last 15 m"))
        .anySatisfy(r -> assertThat(r).contains("40 receive errors in the last 5 m (8/min > 2/min)"));
    counter("node_infiniband_local_link_integrity_errors_total", P1, 1830, 1815 + 900, 1, 0);
    healthyPort(P1, 1830, 1815 + 900);
    assertThat(health(1815 + 300).reasons()).hasSize(1).first().asString().contains("link error recoveries");
    assertThat(health(1815 + 900).status()).isEqualTo(HealthStatus.OK);
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
    assertThat(health(60).reasons()).singleElement().asString().contains("2000 transmit discards in the last 5 m (400/min > 20/min)");
  }

  @Test
  void aHighTransmitWaitRatioSustainedFor5mIsCongestion() {
    healthyPort(P1, 0, 1200);
    // per scrape: 4e6 bytes = 1e6 words sent and 5e4 ticks waited: ratio 0.048
    for (long s = 0; s <= 600; s += SCRAPE) {
      sample("node_infiniband_port_data_transmitted_bytes_total", P1, s, 4e6 * (s / SCRAPE));
      sample("node_infiniband_port_transmit_wait_total", P1, s, 5e4 * (s / SCRAPE));
    }
    assertThat(health(600).status()).isEqualTo(HealthStatus.OK);
    assertThat(judge.ports(at(600)).get(0).signals().transmitWaitRatio()).isCloseTo(0.0476, org.assertj.core.api.Assertions.within(1e-3));
    // then 2.5e5 ticks per 1e6 words: 0.2
    for (long s = 615; s <= 1200; s += SCRAPE) {
      sample("node_infiniband_port_transmit_wait_total", P1, s, 40 * 5e4 + 2.5e5 * ((s - 600) / SCRAPE));
      sample("node_infiniband_port_data_transmitted_bytes_total", P1, s, 4e6 * (s / SCRAPE));
    }
    assertThat(health(615 + 299).status()).isEqualTo(HealthStatus.OK);
    DimensionHealth h = health(615 + 300);
    assertThat(h.status()).isEqualTo(HealthStatus.WARNING);
    assertThat(h.reasons()).singleElement().asString()
        .contains("transmit wait 20 % of transmit opportunities > 10 % for 5 m (congestion) since 2026-11-29T10:10:15Z");
  }

  @Test
  void aPortThatLeavesActiveIsCriticalAndOneNeverActiveIsOnlyANote() {
    Map<String, String> unused = port("gpu-node-1", "mlx5_1", "1");
    healthyPort(P1, 0, 60);
    for (long s = 0; s <= 120; s += SCRAPE) {
      sample("node_infiniband_state_id", unused, s, 1);
      sample("node_infiniband_physical_state_id", unused, s, 2);
    }
    sample("node_infiniband_state_id", P1, 75, 1);
    sample("node_infiniband_physical_state_id", P1, 75, 3);
    healthyPort(port("gpu-node-1", "mlx5_2", "1"), 0, 120);
    DimensionHealth h = health(75);
    assertThat(h.status()).isEqualTo(HealthStatus.CRITICAL);
    assertThat(h.reasons()).containsExactly(
        "InfiniBand mlx5_0 port 1 on node gpu-node-1: link not up (state DOWN (1), physical state Disabled (3), "
            + "expected ACTIVE and LinkUp) since 2026-11-29T10:01:15Z",
        "InfiniBand mlx5_1 port 1 on node gpu-node-1 is state DOWN (1), physical state Polling (2) and has not been "
            + "ACTIVE since first seen at 2026-11-29T10:00:00Z: not judged, as unused ports stay down");
    assertThat(h.findings()).singleElement().satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.CRITICAL));

    NetworkThresholds strict = new NetworkThresholds(NetworkThresholds.DEFAULT_COUNTER_RULES,
        NetworkThresholds.DEFAULTS.transmitWaitRatio(), java.time.Duration.ofSeconds(30), true,
        NetworkThresholds.DEFAULTS.probeSuccess(), NetworkThresholds.DEFAULTS.probeLatencySeconds(),
        java.time.Duration.ofMinutes(5), java.time.Duration.ofHours(24));
    judge = new NetworkDimensionJudge(strict, List.of(), at(0));
    for (long s = 0; s <= 30; s += SCRAPE) sample("node_infiniband_state_id", unused, s, 1);
    assertThat(health(15).status()).as("30 s not yet").isEqualTo(HealthStatus.OK);
    assertThat(health(30).status()).isEqualTo(HealthStatus.CRITICAL);
  }

  @Test
  void anActivePortWhosePhysicalLinkIsNotUpIsCritical() {
    healthyPort(P1, 0, 60);
    sample("node_infiniband_state_id", P1, 75, 4);
    sample("node_infiniband_physical_state_id", P1, 75, 6);
    assertThat(health(75).reasons()).singleElement().asString().contains("physical state LinkErrorRecovery (6)");
    healthyPort(P1, 90, 90);
    assertThat(health(90).status()).isEqualTo(HealthStatus.OK);
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
  void aProbeFailingFor1mIsCriticalNamingBothNodes() {
    Map<String, String> ab = probe("gpu-node-1", "gpu-node-2");
    probes(ab, 0, 60, 1, 0.0004);
    probes(ab, 75, 120, 0, 5.0);
    assertThat(health(120 + 14).status()).as("59 s").isEqualTo(HealthStatus.OK);
    probes(ab, 135, 135, 0, 5.0);
    DimensionHealth h = health(135);
    assertThat(h.status()).isEqualTo(HealthStatus.CRITICAL);
    assertThat(h.reasons()).containsExactly(
        "node gpu-node-1 cannot reach node gpu-node-2 since 2026-11-29T10:01:15Z (probe_success 0 for 1 m)");
    probes(ab, 150, 150, 1, 0.0004);
    assertThat(health(150).status()).isEqualTo(HealthStatus.OK);
  }

  @Test
  void slowSuccessfulProbesWarnAfter5mAndTimeoutsAreNotLatency() {
    Map<String, String> ab = probe("gpu-node-1", "gpu-node-2");
    probes(ab, 0, 285, 1, 0.0072);
    assertThat(health(285).status()).isEqualTo(HealthStatus.OK);
    probes(ab, 300, 300, 1, 0.0072);
    DimensionHealth h = health(300);
    assertThat(h.status()).isEqualTo(HealthStatus.WARNING);
    assertThat(h.reasons()).containsExactly(
        "probe from node gpu-node-1 to node gpu-node-2 takes 7.2 ms > 5 ms for 5 m since 2026-11-29T10:00:00Z");

    Map<String, String> cd = probe("gpu-node-3", "gpu-node-4");
    judge = new NetworkDimensionJudge(NetworkThresholds.DEFAULTS, List.of(), at(0));
    for (long s = 0; s <= 900; s += SCRAPE) {
      boolean fails = (s / SCRAPE) % 4 == 0;
      sample("probe_success", cd, s, fails ? 0 : 1);
      sample("probe_duration_seconds", cd, s, fails ? 5.0 : 0.0003);
    }
    assertThat(health(900).status()).as("one timeout in four: neither a failure for 1 m nor latency").isEqualTo(HealthStatus.OK);
  }

  @Test
  void probesOutsideTheSelectorAreNotNetworkProbes() {
    judge = new NetworkDimensionJudge(NetworkThresholds.DEFAULTS, List.of(LabelMatcher.eq("job", "node-mesh")), at(0));
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
