package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.Dimension;
import dev.loupe.model.Sample;
import dev.loupe.rule.AlertSink;
import dev.loupe.rule.Rule;
import dev.loupe.rule.RuleEngine;
import dev.loupe.rule.RuleStatus;
import dev.loupe.rule.SampleSignals;
import dev.loupe.rule.Transition;
import dev.loupe.rule.VersionHistory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The data rows of the built-in pack: the telemetry volume projected 7 days ahead (a least-squares
 * line over the last day) against {@code limits.telemetry}, evaluated every 15 s over the
 * per-minute points Loupe stores of its own volume. The expected times were computed apart, with
 * numpy's polyfit over the same points (the script is in each test's comment).
 */
class DataRulePackTest {
  static final long T0 = 1_764_000_000_000L - 1_764_000_000_000L % 3_600_000; // on an hour
  static final long MIN = 60_000;
  static final long STEP = 15_000;
  static final double GB = 1e9;

  static long at(double minutes) {
    return T0 + Math.round(minutes * MIN);
  }

  /** A point a minute in [fromMin, toMin], as StoreVolume stores them. */
  static void perMinute(List<Sample> out, String name, Map<String, String> labels, int fromMin, int toMin,
      DoubleUnaryOperator value) {
    for (int m = fromMin; m <= toMin; m++) out.add(new Sample(name, labels, at(m), value.applyAsDouble(m)));
  }

  /** The pack's rules named {@code alert}, evaluated every 15 s over [fromMin, toMin]: "KIND@minutes". */
  static List<String> evaluate(String alert, List<Sample> samples, LoupeConfig.Limits limits, double fromMin,
      double toMin, List<RuleStatus> status) {
    List<Rule> rules = BuiltinRules.load(RulesConfig.Builtin.DEFAULTS).stream()
        .filter(r -> r.name().equals(alert)).toList();
    assertThat(rules).as("pack rules named " + alert).isNotEmpty().allMatch(r -> r.dimension() == Dimension.DATA);
    RuleEngine engine = new RuleEngine(rules, new LimitSignals(new SampleSignals(samples), limits),
        VersionHistory.none(), AlertSink.noop(), RuleEngine.Settings.DEFAULTS);
    for (long t = at(fromMin); t <= at(toMin); t += STEP) engine.evaluate(t);
    status.addAll(engine.status());
    List<String> out = new ArrayList<>();
    for (Transition t : engine.history()) {
      double m = (t.atMillis() - T0) / (double) MIN;
      out.add(t.kind() + "@" + (m == Math.rint(m) ? String.valueOf((long) m) : String.valueOf(m)));
    }
    return out;
  }

  /**
   * 1 GB a day up to 20 GB at T0: 27 GB in a week, under a 40 GB budget. From T0 a backfill adds
   * 4 GB a day for 12 hours, then the store stops growing. numpy, for t every 15 s:
   * {@code a, b = polyfit((ts[(ts > t - DAY) & (ts <= t)] - t) / 1000, vs[...], 1); (b + a * 7 * 86400) / 40e9}
   * first exceeds 1 at 757 min (1.00018), is above it at 817 (1.029) and is 0.99981 at 1301.
   */
  @Test
  void storedBytesProjectedOverTheBudgetWithin7DaysWarnsAfterAnHourAndResolvesWhenTheGrowthStops() {
    List<Sample> samples = new ArrayList<>();
    perMinute(samples, "loupe_store_bytes", Map.of(), -2 * 1440, 30 * 60,
        m -> m < 0 ? 20 * GB + GB * m / 1440 : m < 720 ? 20 * GB + 4 * GB * m / 1440 : 22 * GB);
    LoupeConfig.Limits limits = new LoupeConfig.Limits(null, new LoupeConfig.Telemetry(40_000_000_000L, null));
    List<RuleStatus> status = new ArrayList<>();
    assertThat(evaluate("TelemetryOverBudget", samples, limits, -60, 30 * 60, status))
        .containsExactly("PENDING@757", "FIRING@817", "RESOLVED@1301");
    assertThat(status.get(0).missingInputs()).isEmpty();
  }

  /**
   * A million samples a day and 200k log records; from T0 the logs grow by 50k a day every hour
   * for 6 hours (to 500k), and fall back to 200k at 8 h. The same numpy over the summed points
   * against 1.4M: over 1 at 126 min (1.00056), still at 186 (1.16), 0.99981 at 996.
   */
  @Test
  void recordsPerDayProjectedOverTheBudgetWarnsAndResolves() {
    List<Sample> samples = new ArrayList<>();
    perMinute(samples, "loupe_store_records_per_day", Map.of("type", "sample"), -2 * 1440, 20 * 60, m -> 1.0e6);
    perMinute(samples, "loupe_store_records_per_day", Map.of("type", "log"), -2 * 1440, 20 * 60,
        m -> m < 0 ? 0.2e6 : m < 360 ? 0.2e6 + 0.05e6 * m / 60 : m < 480 ? 0.5e6 : 0.2e6);
    LoupeConfig.Limits limits = new LoupeConfig.Limits(null, new LoupeConfig.Telemetry(null, 1.4e6));
    assertThat(evaluate("TelemetryRecordsOverBudget", samples, limits, -60, 20 * 60, new ArrayList<>()))
        .containsExactly("PENDING@126", "FIRING@186", "RESOLVED@996");
  }

  @Test
  void withoutABudgetNothingFiresAndTheRuleSaysWhichKeyToSet() {
    List<Sample> samples = new ArrayList<>();
    perMinute(samples, "loupe_store_bytes", Map.of(), -1440, 60, m -> 1e12 + 1e10 * m); // far over any size
    List<RuleStatus> status = new ArrayList<>();
    assertThat(evaluate("TelemetryOverBudget", samples, new LoupeConfig.Limits(null), 0, 60, status)).isEmpty();
    assertThat(status.get(0).lastError()).isEmpty();
    assertThat(status.get(0).missingInputs()).singleElement().asString()
        .contains("loupe_store_bytes_budget").contains("limits.telemetry.max_stored_bytes");
  }
}
