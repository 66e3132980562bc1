package dev.loupe.dimension;

import dev.loupe.model.Dimension;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Assembles the six-dimension report. A dimension with no judge yet is {@code no_data} with a
 * reason naming the telemetry it lacks: silence is never shown as healthy.
 */
public final class HealthEvaluator {
  private final Clock clock;
  private final long startedMillis;
  private final Map<Dimension, DimensionJudge> judges = new EnumMap<>(Dimension.class);

  public HealthEvaluator(Clock clock, List<DimensionJudge> judges) {
    this.clock = clock;
    this.startedMillis = clock.millis();
    for (DimensionJudge j : judges) {
      if (this.judges.put(j.dimension(), j) != null) {
        throw new IllegalArgumentException("two judges for dimension " + j.dimension().wireName());
      }
    }
  }

  public HealthReport evaluate() {
    long now = clock.millis();
    Map<Dimension, DimensionHealth> out = new EnumMap<>(Dimension.class);
    for (Dimension d : Dimension.values()) {
      DimensionJudge judge = judges.get(d);
      out.put(d, judge == null ? unfed(d) : judge.judge(now));
    }
    return new HealthReport(now, out);
  }

  private DimensionHealth unfed(Dimension d) {
    return DimensionHealth.noData(
        "no " + d.telemetryNoun() + " telemetry received for " + d.wireName() + " since "
            + Instant.ofEpochMilli(startedMillis).truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
        startedMillis);
  }
}
