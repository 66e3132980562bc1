package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.dimension.compute.WorkloadClassifier;
import dev.loupe.dimension.model.DeploymentLog;
import dev.loupe.dimension.model.InferenceWindows;
import dev.loupe.dimension.network.NetworkDimensionJudge;
import dev.loupe.dimension.network.NetworkFreshness;
import dev.loupe.dimension.network.NetworkRuleSignals;
import dev.loupe.model.Alert;
import dev.loupe.model.AlertState;
import dev.loupe.model.Batch;
import dev.loupe.model.Dimension;
import dev.loupe.model.LabelMatcher;
import dev.loupe.model.Sample;
import dev.loupe.rule.Rule;
import dev.loupe.rule.RuleEngine;
import dev.loupe.rule.SampleSignals;
import dev.loupe.rule.Transition;
import dev.loupe.rule.VersionHistory;
import dev.loupe.store.duckdb.DuckDbStore;
import dev.loupe.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each network row of the built-in pack, driven across its threshold by node_exporter and
 * blackbox_exporter samples every 15 s (as scraped), through {@link NetworkRuleSignals} and the
 * rule engine evaluated every 15 s: when it goes pending, fires and resolves. The network judge is
 * fed the same samples, as the server feeds it, for what it knows of ports before a rule's window
 * (which were ACTIVE). Times are seconds after T0.
 */
class NetworkRulePackTest {
  static final long T0 = 1_764_000_000_000L;
  static final Map<String, String> P1 = port("gpu-node-1", "mlx5_0", "1");
  static final Map<String, String> AB = Map.of("source", "gpu-node-1", "target", "gpu-node-2",
      "instance", "gpu-node-1:9115", "job", "node-mesh");

  /** The network rows of the pack (network.yml); the silence of network sources has its own test. */
  static final List<Rule> NETWORK_RULES = BuiltinRules.load(RulesConfig.Builtin.DEFAULTS).stream()
      .filter(r -> r.dimension() == Dimension.NETWORK && !r.name().endsWith("SourceSilent")).toList();

  final List<Sample> samples = new ArrayList<>();
  final List<Transition> transitions = new ArrayList<>();
  List<LabelMatcher> probeSelector = List.of();
  RuleEngine engine;

  static Map<String, String> port(String node, String device, String port) {
    return Map.of("instance", node + ":9100", "node", node, "device", device, "port", port, "job", "node");
  }

  /** A metric every 15 s in [fromSec, toSec], value by second. */
  NetworkRulePackTest every15s(String metric, Map<String, String> labels, int fromSec, int toSec, IntToDoubleFunction v) {
    for (int s = fromSec; s <= toSec; s += 15) samples.add(new Sample(metric, labels, T0 + s * 1000L, v.applyAsDouble(s)));
    return this;
  }

  /** State ACTIVE and physical state LinkUp every 15 s in [fromSec, toSec]. */
  NetworkRulePackTest healthy(Map<String, String> labels, int fromSec, int toSec) {
    return states(labels, fromSec, toSec, 4, 5);
  }

  NetworkRulePackTest states(Map<String, String> labels, int fromSec, int toSec, int state, int physical) {
    return every15s("node_infiniband_state_id", labels, fromSec, toSec, s -> state)
        .every15s("node_infiniband_physical_state_id", labels, fromSec, toSec, s -> physical);
  }

  /** Probe results every 15 s in [fromSec, toSec]: success and duration by second. */
  NetworkRulePackTest probes(Map<String, String> labels, int fromSec, int toSec, IntToDoubleFunction success,
      IntToDoubleFunction seconds) {
    return every15s("probe_duration_seconds", labels, fromSec, toSec, seconds)
        .every15s("probe_success", labels, fromSec, toSec, success);
  }

  NetworkRulePackTest evaluate(String alert, int fromSec, int toSec) {
    List<Integer> times = new ArrayList<>();
    for (int s = fromSec; s <= toSec; s += 15) times.add(s);
    return evaluateAt(alert, times);
  }

  /** The pack's rules of that name, evaluated at these seconds after T0. */
  NetworkRulePackTest evaluateAt(String alert, List<Integer> seconds) {
    List<Rule> rules = NETWORK_RULES.stream().filter(r -> r.name().equals(alert)).toList();
    assertThat(rules).isNotEmpty();
    engine = new RuleEngine(rules, signals(), VersionHistory.none(), a -> { }, RuleEngine.Settings.DEFAULTS);
    for (int s : seconds) engine.evaluate(T0 + s * 1000L);
    transitions.addAll(engine.history());
    return this;
  }

  /** The network judge, fed every sample, as the server feeds it before rules read. */
  NetworkDimensionJudge judge() {
    NetworkDimensionJudge judge = new NetworkDimensionJudge(NetworkFreshness.DEFAULTS, probeSelector, T0);
    judge.observe(samples);
    return judge;
  }

  NetworkRuleSignals signals() {
    return new NetworkRuleSignals(new SampleSignals(samples), probeSelector, judge()::firstActiveMillis);
  }

  Alert firing(String severity) {
    return engine.alerts().stream()
        .filter(a -> a.state() == AlertState.FIRING && severity.equals(a.labels().get("severity")))
        .findFirst().orElseThrow();
  }

  List<String> of(String severity) {
    return transitions.stream().filter(t -> severity.equals(t.labels().get("severity")))
        .map(t -> t.kind() + "@" + (t.atMillis() - T0) / 1000).toList();
  }

  List<String> ofRule(String rule) {
    return transitions.stream().filter(t -> t.rule().equals(rule))
        .map(t -> t.kind() + "@" + (t.atMillis() - T0) / 1000).toList();
  }

  static IntToDoubleFunction steps(double before, int from, double during, int until, double after) {
    return s -> s < from ? before : s < until ? during : after;
  }

  @Test
  void aLinkDownIsCriticalAtOnceAndKeptAnHourAndACounterResetIsNot() {
    healthy(P1, -300, 4200)
        .every15s("node_infiniband_link_downed_total", P1, -300, 4200, steps(3, 75, 4, 99_999, 4))
        .evaluate("InfinibandLinkDowned", 0, 4200);
    // The rise (60 s to 75 s) is in the 5m window until 345 s; kept firing an hour after 360 s.
    assertThat(of("critical")).containsExactly("PENDING@75", "FIRING@75", "RESOLVED@3960");
    Transition fired = transitions.get(1);
    assertThat(fired.labels()).containsEntry("host", "gpu-node-1").containsEntry("device", "mlx5_0")
        .containsEntry("port", "1").containsEntry("dimension", "network").doesNotContainKey("instance");

    NetworkRulePackTest reboot = new NetworkRulePackTest().healthy(P1, -300, 900)
        .every15s("node_infiniband_link_downed_total", P1, -300, 900, steps(4, 75, 0, 99_999, 0))
        .evaluate("InfinibandLinkDowned", 0, 900);
    assertThat(reboot.transitions).as("a host reboot starts the counters from 0: no link down").isEmpty();
  }

  @Test
  void symbolErrorsWarnAboveTwoAMinuteOverFiveMinutes() {
    // One a minute until 600 s (at most 5 in a window: within the 10 allowed), then one every
    // scrape until 1200 s: 8 new ones and 3 old ones are 11 in the window ending at 720 s.
    healthy(P1, -300, 1500)
        .every15s("node_infiniband_symbol_error_total", P1, -300, 1500,
            s -> s <= 600 ? Math.floorDiv(Math.max(s, 0), 60) : 10 + (Math.min(s, 1200) - 600) / 15)
        .evaluateAt("InfinibandSymbolErrors", seconds(0, 1500));
    // The last rises (1185 s to 1200 s): 10 of them left in the window ending at 1335 s.
    assertThat(of("warning")).containsExactly("PENDING@720", "FIRING@720", "RESOLVED@1335");
    assertThat(transitions.get(1).value()).isEqualTo(11);
  }

  @Test
  void linkIntegrityBufferOverrunRecoveryReceiveAndRemotePhysicalErrorsWarn() {
    healthy(P1, -300, 2800);
    for (String counter : List.of("node_infiniband_local_link_integrity_errors_total",
        "node_infiniband_excessive_buffer_overrun_errors_total", "node_infiniband_link_error_recovery_total")) {
      every15s(counter, P1, -300, 2800, steps(0, 1815, 1, 99_999, 1));
    }
    every15s("node_infiniband_port_errors_received_total", P1, -300, 2800, steps(0, 1815, 40, 99_999, 40));
    every15s("node_infiniband_port_receive_remote_physical_errors_total", P1, -300, 2800,
        steps(0, 1815, 40, 99_999, 40));
    for (String rule : List.of("InfinibandLinkIntegrityErrors", "InfinibandBufferOverrunErrors",
        "InfinibandLinkErrorRecovery", "InfinibandReceiveErrors", "InfinibandRemotePhysicalErrors")) {
      evaluate(rule, 0, 2800);
    }
    // Any increase within 5 m (15 m for recoveries); more than 10 in 5 m for receive errors.
    assertThat(ofRule("InfinibandLinkIntegrityErrors")).containsExactly("PENDING@1815", "FIRING@1815", "RESOLVED@2100");
    assertThat(ofRule("InfinibandBufferOverrunErrors")).containsExactly("PENDING@1815", "FIRING@1815", "RESOLVED@2100");
    assertThat(ofRule("InfinibandLinkErrorRecovery")).containsExactly("PENDING@1815", "FIRING@1815", "RESOLVED@2700");
    assertThat(ofRule("InfinibandReceiveErrors")).containsExactly("PENDING@1815", "FIRING@1815", "RESOLVED@2100");
    assertThat(ofRule("InfinibandRemotePhysicalErrors")).containsExactly("PENDING@1815", "FIRING@1815", "RESOLVED@2100");
    assertThat(transitions).allSatisfy(t -> assertThat(t.labels()).containsEntry("severity", "warning"));

    NetworkRulePackTest few = new NetworkRulePackTest().healthy(P1, -300, 900)
        .every15s("node_infiniband_port_errors_received_total", P1, -300, 900, steps(0, 300, 10, 99_999, 10))
        .evaluate("InfinibandReceiveErrors", 0, 900);
    assertThat(few.transitions).as("10 in 5 m is 2 a minute: not more").isEmpty();
  }

  @Test
  void transmitDiscardsWarnAboveTwentyAMinuteAcrossTheCountersOldAndNewName() {
    Map<String, String> p2 = port("gpu-node-2", "mlx5_0", "1");
    // 6 a scrape (24 a minute) under node_exporter's old name until 150 s, its new name after.
    healthy(P1, -300, 600).healthy(p2, -300, 600)
        .every15s("node_infiniband_port_discards_transmitted", P1, -300, 150, s -> 6 * Math.max(0, s / 15))
        .every15s("node_infiniband_port_transmit_discards_total", P1, 165, 600, s -> 6 * (s / 15))
        // 5 a scrape: 20 a minute, 95 in a window, not more than 100.
        .every15s("node_infiniband_port_transmit_discards_total", p2, -300, 600, s -> 5 * Math.max(0, s / 15))
        .evaluate("InfinibandTransmitDiscards", 0, 600);
    // 17 rises of 6 in the window ending at 255 s: 102.
    assertThat(of("warning")).containsExactly("PENDING@255", "FIRING@255");
    assertThat(transitions).allSatisfy(t -> assertThat(t.labels()).containsEntry("host", "gpu-node-1"));
    assertThat(firing("warning").annotations().get("summary")).isEqualTo(
        "InfiniBand mlx5_0 port 1 on gpu-node-1: 114 transmit discards in 5 m, more than 20 a minute");
  }

  @Test
  void aTransmitWaitShareAbove10PercentFor5mIsCongestion() {
    // Per scrape 4e6 bytes (1e6 words) sent; 5e4 ticks waited (4.8 %), 2.5e5 (20 %) from 615 s to 1200 s.
    healthy(P1, -300, 1500)
        .every15s("node_infiniband_port_data_transmitted_bytes_total", P1, -300, 1500, s -> 4e6 * (s + 300) / 15)
        .every15s("node_infiniband_port_transmit_wait_total", P1, -300, 1500, s -> {
          int scrapes = (s + 300) / 15;
          int congested = Math.max(0, Math.min(s, 1200) - 600) / 15;
          return 5e4 * (scrapes - congested) + 2.5e5 * congested;
        })
        .evaluate("InfinibandCongestion", 0, 1500);
    assertThat(of("warning")).containsExactly("PENDING@615", "FIRING@915", "RESOLVED@1215");
    assertThat(transitions.get(1).value()).isEqualTo(0.2);
  }

  @Test
  void aPortThatLeavesActiveIsCriticalUntilItIsBackAndOneNeverActiveIsNotJudged() {
    Map<String, String> unused = port("gpu-node-1", "mlx5_1", "1");
    healthy(P1, -300, 60).states(P1, 75, 600, 1, 3).healthy(P1, 615, 900)
        .states(unused, -300, 900, 1, 2)
        .healthy(port("gpu-node-1", "mlx5_2", "1"), -300, 900)
        .evaluate("InfinibandPortDown", 0, 900);
    // Down from 75 s to 600 s: long after its last ACTIVE reading left the 1m window, the judge
    // knows the port was ACTIVE, so it stays critical.
    assertThat(of("critical")).containsExactly("PENDING@75", "FIRING@75", "RESOLVED@615");
    assertThat(transitions).allSatisfy(t -> assertThat(t.labels()).containsEntry("device", "mlx5_0"));

    NetworkRulePackTest recovery = new NetworkRulePackTest().healthy(P1, -300, 60).states(P1, 75, 75, 4, 6)
        .healthy(P1, 90, 300).evaluate("InfinibandPortDown", 0, 300);
    assertThat(recovery.of("critical")).as("ACTIVE but in LinkErrorRecovery is not up")
        .containsExactly("PENDING@75", "FIRING@75", "RESOLVED@90");

    NetworkRulePackTest onlyUnused = new NetworkRulePackTest().states(unused, -300, 300, 1, 2)
        .evaluate("InfinibandPortDown", 0, 300);
    assertThat(onlyUnused.transitions).isEmpty();
    assertThat(onlyUnused.engine.status()).singleElement().satisfies(r -> assertThat(r.missingInputs()).containsExactly(
        "missing input: loupe_infiniband_port_link_up never seen (node_exporter's infiniband collector "
            + "(node_infiniband_state_id, node_infiniband_physical_state_id) on a port once ACTIVE: ports never seen "
            + "ACTIVE are unused and not judged)"));
  }

  @Test
  void aProbeFailingFor1mIsCriticalNamingBothNodesNotAt59s() {
    List<Integer> times = seconds(0, 120);
    times.addAll(List.of(134, 135, 150, 165));
    probes(AB, -300, 165, steps(1, 75, 0, 150, 1), steps(0.0004, 75, 5.0, 150, 0.0004))
        .evaluateAt("NetworkProbeFailing", times);
    assertThat(of("critical")).containsExactly("PENDING@75", "FIRING@135", "RESOLVED@150");
    assertThat(transitions.get(1).labels()).containsEntry("source", "gpu-node-1").containsEntry("target", "gpu-node-2")
        .doesNotContainKeys("instance", "job");

    NetworkRulePackTest firing = new NetworkRulePackTest()
        .probes(AB, -300, 135, steps(1, 75, 0, 9999, 0), s -> 5.0).evaluate("NetworkProbeFailing", 0, 135);
    assertThat(firing.firing("critical").annotations().get("summary"))
        .isEqualTo("gpu-node-1 cannot reach gpu-node-2: probes failing");
  }

  @Test
  void slowSuccessfulProbesWarnAbove5msAndAreCriticalAbove50msFor5mAndTimeoutsAreNotLatency() {
    probes(AB, -300, 900, s -> 1, steps(0.0004, 0, 0.0072, 615, 0.0004)).evaluate("NetworkProbeSlow", 0, 900);
    assertThat(of("warning")).containsExactly("PENDING@0", "FIRING@300", "RESOLVED@615");
    assertThat(of("critical")).isEmpty();
    assertThat(transitions.get(1).value()).isEqualTo(0.0072);

    NetworkRulePackTest slower = new NetworkRulePackTest()
        .probes(AB, -300, 600, s -> 1, steps(0.0004, 0, 0.060, 9999, 0)).evaluate("NetworkProbeSlow", 0, 600);
    assertThat(slower.of("critical")).containsExactly("PENDING@0", "FIRING@300");
    assertThat(slower.of("warning")).containsExactly("PENDING@0", "FIRING@300");
    assertThat(slower.firing("critical").annotations().get("summary"))
        .isEqualTo("probe from gpu-node-1 to gpu-node-2 takes 60ms");

    // One probe in four times out (5 s, failed): neither failing for 1 m nor slow.
    NetworkRulePackTest flaky = new NetworkRulePackTest()
        .probes(AB, -300, 900, s -> Math.floorMod(s / 15, 4) == 0 ? 0 : 1,
            s -> Math.floorMod(s / 15, 4) == 0 ? 5.0 : 0.0003)
        .evaluate("NetworkProbeSlow", 0, 900).evaluate("NetworkProbeFailing", 0, 900);
    assertThat(flaky.transitions).extracting(Transition::kind).doesNotContain(Transition.Kind.FIRING)
        .contains(Transition.Kind.PENDING, Transition.Kind.CANCELLED);
    assertThat(flaky.ofRule("NetworkProbeSlow")).isEmpty();
  }

  @Test
  void probesOutsideTheSelectorAreNotNetworkProbesAndWithoutProbesTheRuleSaysWhatItMisses() {
    probeSelector = List.of(LabelMatcher.eq("job", "node-mesh"));
    Map<String, String> website = Map.of("instance", "https://example.org", "job", "blackbox-http");
    probes(website, -300, 600, s -> 0, s -> 5.0)
        .probes(AB, -300, 600, s -> 1, s -> 0.0002)
        .evaluate("NetworkProbeFailing", 0, 600);
    assertThat(transitions).as("a website down is not the fabric failing").isEmpty();

    NetworkRulePackTest none = new NetworkRulePackTest().healthy(P1, -300, 300).evaluate("NetworkProbeFailing", 0, 300);
    assertThat(none.engine.status()).singleElement().satisfies(r -> assertThat(r.missingInputs()).containsExactly(
        "missing input: loupe_probe_success never seen (blackbox_exporter probes between nodes (probe_success), "
            + "chosen with network.probe_selector)"));
  }

  @Test
  void eachNetworkRowIsInThePackReadingDerivedSignals() {
    assertThat(NETWORK_RULES).extracting(r -> r.name() + "/" + r.severity().name().toLowerCase(Locale.ROOT))
        .containsExactlyInAnyOrder("InfinibandLinkDowned/critical", "InfinibandLinkErrorRecovery/warning",
            "InfinibandLinkIntegrityErrors/warning", "InfinibandBufferOverrunErrors/warning",
            "InfinibandSymbolErrors/warning", "InfinibandReceiveErrors/warning",
            "InfinibandRemotePhysicalErrors/warning", "InfinibandTransmitDiscards/warning",
            "InfinibandCongestion/warning", "InfinibandPortDown/critical", "NetworkProbeFailing/critical",
            "NetworkProbeSlow/warning", "NetworkProbeSlow/critical");
    assertThat(NETWORK_RULES).allSatisfy(r -> {
      assertThat(NetworkRuleSignals.derives(r.expression().numerator().selector().metricName())).isTrue();
      assertThat(r.missingHint()).isNotBlank();
      assertThat(r.annotations()).containsKey("summary");
    });
  }

  @Test
  void aBacktestOverTheStoredRawSeriesAnswersTheLiveFiringTimes(@TempDir Path dir) {
    Map<String, String> p2 = port("gpu-node-2", "mlx5_0", "1");
    healthy(P1, -300, 60).states(P1, 75, 600, 1, 3).healthy(P1, 615, 1500).healthy(p2, -300, 1500)
        .states(port("gpu-node-1", "mlx5_1", "1"), -300, 1500, 1, 2)
        .every15s("node_infiniband_link_downed_total", P1, -300, 1500, steps(3, 75, 4, 99_999, 4))
        .every15s("node_infiniband_symbol_error_total", p2, -300, 1500, s -> s < 300 ? 0 : 4 * (Math.min(s, 900) - 285) / 15)
        .every15s("node_infiniband_link_error_recovery_total", p2, -300, 1500, steps(0, 450, 2, 99_999, 2))
        .every15s("node_infiniband_port_discards_transmitted", p2, -300, 150, s -> 50 * Math.max(0, s / 15))
        .every15s("node_infiniband_port_transmit_discards_total", p2, 165, 1500, s -> 50 * Math.min(s / 15, 40))
        .every15s("node_infiniband_port_data_transmitted_bytes_total", p2, -300, 1500, s -> 4e6 * (s + 300) / 15)
        .every15s("node_infiniband_port_transmit_wait_total", p2, -300, 1500,
            s -> 5e4 * (s + 300) / 15 + 2e5 * Math.max(0, Math.min(s, 1000) - 300) / 15)
        .probes(AB, -300, 1500, steps(1, 400, 0, 700, 1), steps(0.0004, 400, 5, 700, 0.07));
    NetworkDimensionJudge judge = judge();
    RuleEngine live = new RuleEngine(NETWORK_RULES,
        new NetworkRuleSignals(new SampleSignals(samples), List.of(), judge::firstActiveMillis), VersionHistory.none(),
        a -> { }, RuleEngine.Settings.DEFAULTS);
    for (int s = 0; s <= 1500; s += 15) live.evaluate(T0 + s * 1000L);
    List<String> liveTimes = live.history().stream().map(NetworkRulePackTest::text).sorted().toList();
    assertThat(liveTimes.stream().filter(t -> t.contains("FIRING")).map(t -> t.substring(0, t.indexOf(' '))).distinct())
        .as("every port and probe row fires in this story").containsExactlyInAnyOrder(
            "InfinibandPortDown/critical", "InfinibandLinkDowned/critical", "InfinibandSymbolErrors/warning",
            "InfinibandLinkErrorRecovery/warning", "InfinibandTransmitDiscards/warning", "InfinibandCongestion/warning",
            "NetworkProbeFailing/critical", "NetworkProbeSlow/warning", "NetworkProbeSlow/critical");

    MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 1_500_000));
    try (DuckDbStore store = DuckDbStore.open(dir.resolve("loupe.duckdb"), clock);
        AlertingRules alerting = new AlertingRules(RulesConfig.DEFAULTS, NETWORK_RULES, store, null, new DeploymentLog(),
            LoupeConfig.DEFAULTS.limits(), WorkloadClassifier.defaults(), judge, new ReportingSources(new InferenceWindows(clock), List.of()), clock,
            a -> { })) {
      store.append(Batch.ofSamples(samples));
      List<String> backtest = new ArrayList<>();
      for (Rule r : NETWORK_RULES) {
        alerting.backtest(r, T0, T0 + 1_500_000, Duration.ofSeconds(15)).transitions()
            .forEach(t -> backtest.add(text(t)));
      }
      assertThat(backtest.stream().sorted().toList()).isEqualTo(liveTimes);
    }
  }

  static List<Integer> seconds(int from, int to) {
    List<Integer> out = new ArrayList<>();
    for (int s = from; s <= to; s += 15) out.add(s);
    return out;
  }

  static String text(Transition t) {
    return t.rule() + "/" + t.labels().get("severity") + " " + t.labels().getOrDefault("host", "")
        + t.labels().getOrDefault("target", "") + " " + t.kind() + "@" + (t.atMillis() - T0) / 1000;
  }
}
