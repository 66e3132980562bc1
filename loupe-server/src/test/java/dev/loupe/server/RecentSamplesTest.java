package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.Dimension;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.Sample;
import dev.loupe.model.SeriesSelector;
import dev.loupe.model.Severity;
import dev.loupe.rule.Aggregation;
import dev.loupe.rule.Condition;
import dev.loupe.rule.Expression;
import dev.loupe.rule.Rule;
import dev.loupe.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecentSamplesTest {
  private static final Instant T = Instant.parse("2026-11-28T10:00:00Z");

  private static Rule rule(String signal, Duration window) {
    return new Rule("R", Expression.of(new Expression.Operand(SeriesSelector.parse(signal), Aggregation.parse("max")),
        window, List.of()), Condition.parseThreshold("> 1"), Duration.ZERO, Duration.ZERO, Severity.WARNING,
        Dimension.COMPUTE, Map.of(), Map.of(), "");
  }

  @Test
  void holdsTheRuleInputsForTheLongestWindowAndOneIntervalAndNoOlderRange() {
    MutableClock clock = new MutableClock(T);
    RecentSamples recent = RecentSamples.forRules(
        List.of(rule("temp{gpu=\"0\"}", Duration.ofMinutes(5)), rule("loupe_model_error_ratio", Duration.ofMinutes(5))),
        Duration.ofSeconds(15), clock);
    assertThat(recent.names()).containsExactly("temp");
    assertThat(recent.keep()).isEqualTo(Duration.ofSeconds(315));
    long t0 = T.toEpochMilli();
    for (int i = 0; i < 40; i++) {
      clock.set(Instant.ofEpochMilli(t0 + i * 15_000L));
      // GPU 1 arrives out of order, just behind GPU 0
      recent.observe(List.of(new Sample("temp", Map.of("gpu", "0"), t0 + i * 15_000L, i),
          new Sample("other", Map.of(), t0 + i * 15_000L, i)));
      recent.observe(List.of(new Sample("temp", Map.of("gpu", "1"), t0 + i * 15_000L - 1, 100 + i)));
    }
    long now = clock.millis();
    List<RangeSeries> last = recent.range(SeriesSelector.parse("temp{gpu=\"1\"}"), now - 60_000, now);
    assertThat(last).hasSize(1);
    assertThat(last.get(0).points()).extracting(RangeSeries.Point::value).containsExactly(136.0, 137.0, 138.0, 139.0);
    assertThat(recent.range(SeriesSelector.parse("temp"), now - 300_000, now)).hasSize(2);
    assertThat(recent.range(SeriesSelector.parse("temp"), now - 400_000, now)).as("older than kept").isNull();
    assertThat(recent.range(SeriesSelector.parse("other"), now - 60_000, now)).as("not a rule input").isNull();
  }

  @Test
  void forTheComputePackItHoldsTheRawDcgmSeriesTheGpuSignalsAreDerivedFrom() {
    List<Rule> compute = BuiltinRules.load(RulesConfig.Builtin.DEFAULTS).stream()
        .filter(r -> r.dimension() == Dimension.COMPUTE).toList();
    RecentSamples recent = RecentSamples.forRules(compute, Duration.ofSeconds(15), new MutableClock(T));
    assertThat(recent.names()).containsExactlyInAnyOrder("DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED",
        "DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_FB_RESERVED", "DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL",
        "DCGM_FI_DEV_ECC_DBE_AGG_TOTAL", "DCGM_EXP_XID_ERRORS_TOTAL", "DCGM_EXP_XID_ERRORS_COUNT",
        "DCGM_FI_DEV_XID_ERRORS");
    assertThat(recent.keep()).as("the ECC and XID rules' 10m window and one interval").isEqualTo(Duration.ofSeconds(615));
  }

  @Test
  void forTheNetworkPackItHoldsTheRawNodeExporterAndProbeSeriesUnderEveryName() {
    List<Rule> network = BuiltinRules.load(RulesConfig.Builtin.DEFAULTS).stream()
        .filter(r -> r.dimension() == Dimension.NETWORK).toList();
    RecentSamples recent = RecentSamples.forRules(network, Duration.ofSeconds(15), new MutableClock(T));
    assertThat(recent.names()).contains("node_infiniband_state_id", "node_infiniband_physical_state_id",
        "node_infiniband_link_downed_total", "node_infiniband_symbol_error_total", "node_infiniband_symbol_errors",
        "node_infiniband_port_discards_transmitted_total", "node_infiniband_port_transmit_discards_total",
        "node_infiniband_port_transmit_wait_total", "node_infiniband_port_data_transmitted_bytes",
        "probe_success", "probe_duration_seconds").noneMatch(n -> n.startsWith("loupe_"));
    assertThat(recent.keep()).as("the link error recovery rule's 15m window and one interval")
        .isEqualTo(Duration.ofSeconds(915));
  }
}
