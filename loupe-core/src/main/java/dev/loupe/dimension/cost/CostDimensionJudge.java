package dev.loupe.dimension.cost;

import dev.loupe.dimension.DimensionHealth;
import dev.loupe.dimension.DimensionJudge;
import dev.loupe.dimension.HealthStatus;
import dev.loupe.dimension.StatusSince;
import dev.loupe.model.Dimension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Says whether the cost dimension has data: spend is known once an inference was priced (by the
 * catalog or its sender) or a GPU with a price reports. With neither for {@link #SILENCE} it is
 * {@code no_data}, never a green tile over nothing. Its thresholds (budgets burning, unpriced
 * models, idle GPUs, cost per request against the previous version) are rules of the built-in
 * pack; the dimension's status is the worst of their firing alerts.
 */
public final class CostDimensionJudge implements DimensionJudge {
  /** Without priced telemetry this long, the dimension has no data. */
  static final Duration SILENCE = Duration.ofMinutes(15);

  private final LongSupplier lastPricedInference;
  private final LongSupplier lastPricedGpu;
  private final long startedMillis;
  private final StatusSince statusSince = new StatusSince();

  /**
   * {@code lastPricedInference} and {@code lastPricedGpu} give the time of the newest priced
   * inference and of the newest reading of a GPU whose model has a price, 0 when none.
   */
  public CostDimensionJudge(LongSupplier lastPricedInference, LongSupplier lastPricedGpu, long startedMillis) {
    this.lastPricedInference = lastPricedInference;
    this.lastPricedGpu = lastPricedGpu;
    this.startedMillis = startedMillis;
  }

  @Override
  public Dimension dimension() {
    return Dimension.COST;
  }

  @Override
  public synchronized DimensionHealth judge(long nowMillis) {
    long last = Math.max(lastPricedInference.getAsLong(), lastPricedGpu.getAsLong());
    DimensionHealth health;
    if (last == 0) {
      health = DimensionHealth.noData("no priced inference and no priced GPU received since " + second(startedMillis)
          + " (spend is known once an inference's model or a GPU's model has a price)", startedMillis);
    } else if (nowMillis - last > SILENCE.toMillis()) {
      health = DimensionHealth.noData("no priced inference or GPU reading received since " + second(last), last);
    } else {
      health = new DimensionHealth(HealthStatus.OK, List.of(), nowMillis, List.of());
    }
    return statusSince.stamp(health, nowMillis);
  }

  private static Instant second(long millis) {
    return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS);
  }
}
