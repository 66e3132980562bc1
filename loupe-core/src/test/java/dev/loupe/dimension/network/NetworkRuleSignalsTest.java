package dev.loupe.dimension.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.loupe.model.LabelMatcher;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.Sample;
import dev.loupe.model.SeriesSelector;
import dev.loupe.rule.SampleSignals;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The loupe_infiniband_port_* and loupe_probe_* signals the network rules read, derived from raw samples. */
class NetworkRuleSignalsTest {
  static final long T0 = 1_764_000_000_000L;
  static final Map<String, String> P1 = Map.of("instance", "10.0.0.1:9100", "node", "gpu-node-1", "device", "mlx5_0",
      "port", "1", "job", "node");

  final List<Sample> samples = new ArrayList<>();
  List<LabelMatcher> probeSelector = List.of();
  NetworkRuleSignals.ActivePorts activePorts = NetworkRuleSignals.ActivePorts.NONE;

  void add(String metric, Map<String, String> labels, long atSeconds, double value) {
    samples.add(new Sample(metric, labels, T0 + atSeconds * 1000, value));
  }

  List<RangeSeries> read(String selector, long fromSeconds, long toSeconds) {
    return new NetworkRuleSignals(new SampleSignals(samples), probeSelector, activePorts)
        .range(SeriesSelector.parse(selector), T0 + fromSeconds * 1000, T0 + toSeconds * 1000);
  }

  static List<String> points(RangeSeries s) {
    return s.points().stream().map(p -> (p.timeMillis() - T0) / 1000 + "=" + p.value()).toList();
  }

  @Test
  void aCounterUnderItsOldAndNewNamesIsOneSeriesPerPortWithMetricsLabels() {
    add("node_infiniband_port_discards_transmitted", P1, 0, 5);
    add("node_infiniband_port_discards_transmitted", P1, 15, 7);
    add("node_infiniband_port_transmit_discards_total", P1, 30, 9);
    add("node_infiniband_port_transmit_discards_total", Map.of("instance", "gpu-node-2:9100", "device", "mlx5_0",
        "port", "1"), 30, 1);
    add("node_infiniband_symbol_error_total", P1, 30, 100);

    List<RangeSeries> all = read("loupe_infiniband_port_transmit_discards_total", -1, 60);
    assertThat(all).hasSize(2);
    RangeSeries p1 = all.stream().filter(s -> s.labels().get("host").equals("gpu-node-1")).findFirst().orElseThrow();
    assertThat(p1.labels()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "__name__", "loupe_infiniband_port_transmit_discards_total", "host", "gpu-node-1", "device", "mlx5_0", "port", "1"));
    assertThat(points(p1)).containsExactly("0=5.0", "15=7.0", "30=9.0");
    assertThat(read("loupe_infiniband_port_transmit_discards_total{host=\"gpu-node-2:9100\"}", -1, 60))
        .as("no node label: the instance names the host").singleElement()
        .satisfies(s -> assertThat(points(s)).containsExactly("30=1.0"));
    assertThat(read("loupe_infiniband_port_transmit_discards_total{instance=\"10.0.0.1:9100\"}", -1, 60))
        .as("the raw labels are not the signal's").isEmpty();
    assertThat(read("loupe_infiniband_port_transmit_discards_total{host=\"gpu-node-1\"}", 0, 60))
        .as("(from, to]").singleElement().satisfies(s -> assertThat(points(s)).containsExactly("15=7.0", "30=9.0"));
    assertThat(read("loupe_infiniband_port_link_downed_total", -1, 60)).isEmpty();
    assertThat(NetworkRuleSignals.rawInputs("loupe_infiniband_port_symbol_errors_total"))
        .contains("node_infiniband_symbol_error_total", "node_infiniband_symbol_errors");
  }

  @Test
  void theTransmitWaitRatioPairsTheCountersOfTheSameTwoScrapes() {
    for (int s = 0; s <= 60; s += 15) {
      add("node_infiniband_port_data_transmitted_bytes_total", P1, s, 4e6 * s / 15);
      // the wait counter a few milliseconds later, as a remote_write batch may carry it
      samples.add(new Sample("node_infiniband_port_transmit_wait_total", P1, T0 + s * 1000L + 3,
          s <= 30 ? 5e4 * s / 15 : s == 45 ? 0 : 2.5e5));
    }
    RangeSeries ratio = read("loupe_infiniband_port_transmit_wait_ratio", -1, 61).get(0);
    // 5e4 ticks against 1e6 words twice; the wait counter reset at 45 s gives no ratio; then 2.5e5 against 1e6.
    assertThat(ratio.points()).extracting(p -> p.timeMillis() - T0).containsExactly(15_003L, 30_003L, 60_003L);
    assertThat(ratio.points().get(0).value()).isCloseTo(5e4 / 1.05e6, within(1e-9));
    assertThat(ratio.points().get(2).value()).isCloseTo(0.2, within(1e-9));
    assertThat(ratio.labels()).containsEntry("host", "gpu-node-1");

    samples.removeIf(x -> x.name().startsWith("node_infiniband_port_data"));
    assertThat(read("loupe_infiniband_port_transmit_wait_ratio", -1, 61)).as("no bytes, no ratio").isEmpty();
  }

  @Test
  void aPortIsUpWhenActiveAndLinkUpAndIsJudgedOnlyFromItsFirstActiveReading() {
    Map<String, String> unused = Map.of("node", "gpu-node-1", "device", "mlx5_1", "port", "1");
    for (int s = 0; s <= 120; s += 15) {
      add("node_infiniband_state_id", P1, s, s < 30 ? 2 : s < 75 ? 4 : 1);
      add("node_infiniband_physical_state_id", P1, s, s < 75 ? 5 : s < 105 ? 3 : 5);
      add("node_infiniband_state_id", unused, s, 1);
      add("node_infiniband_physical_state_id", unused, s, 2);
    }
    List<RangeSeries> up = read("loupe_infiniband_port_link_up", -1, 120);
    assertThat(up).as("the unused port, never ACTIVE, has no series").singleElement().satisfies(s -> {
      assertThat(s.labels()).containsEntry("device", "mlx5_0");
      // INIT until 30 s (not judged yet), ACTIVE and LinkUp until 75 s, then DOWN (and Disabled until 105 s)
      assertThat(points(s)).containsExactly("30=1.0", "45=1.0", "60=1.0", "75=0.0", "90=0.0", "105=0.0", "120=0.0");
    });
    assertThat(read("loupe_infiniband_port_link_up", 90, 120)).as("ACTIVE before the range: not known here").isEmpty();

    activePorts = port -> port.device().equals("mlx5_0") ? T0 + 30_000 : Long.MAX_VALUE;
    assertThat(read("loupe_infiniband_port_link_up", 90, 120)).as("known to have been ACTIVE at 30 s")
        .singleElement().satisfies(s -> assertThat(points(s)).containsExactly("105=0.0", "120=0.0"));

    samples.clear();
    add("node_infiniband_state_id", P1, 0, 4);
    add("node_infiniband_state_id", P1, 15, 4);
    add("node_infiniband_physical_state_id", P1, 15, 6);
    assertThat(read("loupe_infiniband_port_link_up", -1, 60)).singleElement()
        .as("ACTIVE but in LinkErrorRecovery is not up; physical state unknown at 0 s")
        .satisfies(s -> assertThat(points(s)).containsExactly("0=1.0", "15=0.0"));
  }

  @Test
  void probesAreTheSelectorsWithTheDurationOfSuccessfulOnesOnly() {
    probeSelector = List.of(LabelMatcher.eq("job", "ib-mesh"));
    Map<String, String> ab = Map.of("source", "gpu-node-1", "target", "gpu-node-2", "job", "ib-mesh", "module", "icmp");
    Map<String, String> web = Map.of("instance", "https://example.org", "job", "blackbox-http");
    for (int s = 0; s <= 45; s += 15) {
      add("probe_success", ab, s, s == 30 ? 0 : 1);
      add("probe_duration_seconds", ab, s, s == 30 ? 5.0 : 0.0004);
      add("probe_success", web, s, 0);
    }
    add("probe_duration_seconds", ab, 60, 0.0009); // its success never came
    RangeSeries success = read("loupe_probe_success", -1, 60).get(0);
    assertThat(read("loupe_probe_success", -1, 60)).as("the website is no network probe").hasSize(1);
    assertThat(success.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("__name__", "loupe_probe_success",
        "source", "gpu-node-1", "target", "gpu-node-2", "module", "icmp"));
    assertThat(points(success)).containsExactly("0=1.0", "15=1.0", "30=0.0", "45=1.0");
    assertThat(read("loupe_probe_duration_seconds{target=\"gpu-node-2\"}", -1, 60)).singleElement()
        .satisfies(s -> assertThat(points(s)).containsExactly("0=4.0E-4", "15=4.0E-4", "45=4.0E-4"));

    probeSelector = List.of();
    assertThat(read("loupe_probe_success", -1, 60)).extracting(s -> s.labels().get("target"))
        .containsExactlyInAnyOrder("gpu-node-2", "https://example.org");
    assertThat(read("loupe_probe_success{target=\"https://example.org\"}", -1, 60)).singleElement()
        .satisfies(s -> assertThat(s.labels()).doesNotContainKey("source"));
  }

  @Test
  void otherNamesGoToTheWrappedSource() {
    add("node_infiniband_state_id", P1, 0, 4);
    assertThat(read("node_infiniband_state_id", -1, 0)).singleElement()
        .satisfies(s -> assertThat(s.labels()).containsEntry("instance", "10.0.0.1:9100"));
    assertThat(NetworkRuleSignals.derives("loupe_infiniband_port_link_up")).isTrue();
    assertThat(NetworkRuleSignals.derives("loupe_infiniband_port_status")).isFalse();
    assertThat(NetworkRuleSignals.rawInputs("node_infiniband_state_id")).containsExactly("node_infiniband_state_id");
  }
}
