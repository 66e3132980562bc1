package dev.loupe.dimension;

import dev.loupe.model.Dimension;
import dev.loupe.rule.RuleStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Assembles the six-dimension report. A dimension's judge says whether it has data and adds its
 * notes; its status is the worst of its firing alerts ({@link AlertHealth}), and its rules whose
 * inputs were never seen are named among its reasons. A dimension with no judge and no firing
 * alert is {@code no_data} with a reason naming the telemetry it lacks: silence is never shown
 * as healthy.
 */
public final class HealthEvaluator {
  private final Clock clock;
  private final long startedMillis;
  private final Map<Dimension, DimensionJudge> judges = new EnumMap<>(Dimension.class);
  private final Supplier<List<RuleStatus>> rules;

  public HealthEvaluator(Clock clock, List<DimensionJudge> judges, Supplier<List<RuleStatus>> rules) {
    this.clock = clock;
    this.startedMillis = clock.millis();
    this.rules = rules;
    for (DimensionJudge j : judges) {
      if (this.judges.put(j.dimension(), j) != null) {
        throw new IllegalArgumentException("two judges for dimension " + j.dimension().wireName());
      }
    }
  }

  public HealthReport evaluate() {
    long now = clock.millis();
    List<RuleStatus> statuses = rules.get();
    List<dev.loupe.model.Alert> alerts = new ArrayList<>();
    for (RuleStatus r : statuses) alerts.addAll(r.alerts());
    Map<Dimension, DimensionHealth> out = new EnumMap<>(Dimension.class);
    for (Dimension d : Dimension.values()) {
      DimensionJudge judge = judges.get(d);
      DimensionHealth judged = judge == null ? unfed(d) : judge.judge(now);
      boolean byRules = judge == null || judge.judgesByRules();
      out.put(d, AlertHealth.of(judged, byRules, AlertHealth.firing(alerts, d), missingInputs(statuses, d)));
    }
    return new HealthReport(now, out);
  }

  /** "RuleName: missing input: x never seen (hint)", once per rule name. */
  private static List<String> missingInputs(List<RuleStatus> statuses, Dimension d) {
    Set<String> out = new LinkedHashSet<>();
    for (RuleStatus r : statuses) {
      if (r.rule().dimension() != d) continue;
      for (String m : r.missingInputs()) out.add(r.rule().name() + ": " + m);
    }
    return List.copyOf(out);
  }

  private DimensionHealth unfed(Dimension d) {
    return DimensionHealth.noData(
        "no " + d.telemetryNoun() + " telemetry received for " + d.wireName() + " since "
            + Instant.ofEpochMilli(startedMillis).truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
        startedMillis);
  }
}
