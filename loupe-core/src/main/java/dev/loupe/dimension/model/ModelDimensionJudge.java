package dev.loupe.dimension.model;

import dev.loupe.dimension.DimensionHealth;
import dev.loupe.dimension.DimensionJudge;
import dev.loupe.dimension.HealthStatus;
import dev.loupe.dimension.StatusSince;
import dev.loupe.model.Dimension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Says whether the model dimension has data: with no inference for a while it is {@code no_data}
 * instead of staying green on stale numbers. Its thresholds (latency against the previous model
 * version, error and throttling rates, TTFT, …) are rules of the built-in pack; the dimension's
 * status is the worst of their firing alerts.
 */
public final class ModelDimensionJudge implements DimensionJudge {
  /** Silence longer than this turns the dimension to no data. */
  static final Duration SILENCE = Duration.ofMinutes(15);

  private final InferenceWindows windows;
  private final long startedMillis;
  private final StatusSince statusSince = new StatusSince();

  public ModelDimensionJudge(InferenceWindows windows, long startedMillis) {
    this.windows = windows;
    this.startedMillis = startedMillis;
  }

  @Override
  public Dimension dimension() {
    return Dimension.MODEL;
  }

  @Override
  public synchronized DimensionHealth judge(long nowMillis) {
    long last = windows.lastReceivedMillis();
    DimensionHealth health;
    if (last == 0) {
      health = DimensionHealth.noData("no inference telemetry received for model since " + second(startedMillis),
          startedMillis);
    } else if (nowMillis - last > SILENCE.toMillis()) {
      health = DimensionHealth.noData("no inference telemetry received for model since " + second(last), last);
    } else {
      health = new DimensionHealth(HealthStatus.OK, List.of(), nowMillis, List.of());
    }
    return statusSince.stamp(health, nowMillis);
  }

  private static Instant second(long millis) {
    return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS);
  }
}
