package dev.loupe.dimension.security;

import dev.loupe.dimension.DimensionHealth;
import dev.loupe.dimension.DimensionJudge;
import dev.loupe.dimension.HealthStatus;
import dev.loupe.dimension.StatusSince;
import dev.loupe.model.Dimension;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Says whether the security dimension has data: {@code no_data} until the detectors have read
 * anything (an inference's text, or its usage per key), then {@code ok} unless a rule of the pack
 * fires (injection rate, canary leak, secret or personal data in a completion, exfiltration link,
 * consumption anomaly); their alerts name the deployment or key.
 */
public final class SecurityDimensionJudge implements DimensionJudge {
  private final LongSupplier lastObservedMillis;
  private final long startedMillis;
  private final StatusSince statusSince = new StatusSince();

  /** {@code lastObservedMillis}: when the detectors last read an inference (0: never). */
  public SecurityDimensionJudge(LongSupplier lastObservedMillis, long startedMillis) {
    this.lastObservedMillis = lastObservedMillis;
    this.startedMillis = startedMillis;
  }

  @Override
  public Dimension dimension() {
    return Dimension.SECURITY;
  }

  @Override
  public synchronized DimensionHealth judge(long nowMillis) {
    long last = lastObservedMillis.getAsLong();
    DimensionHealth health = last == 0
        ? DimensionHealth.noData("no security telemetry received for security since "
            + Instant.ofEpochMilli(startedMillis).truncatedTo(ChronoUnit.SECONDS)
            + " (inference text, or usage per API key, user or tenant)", startedMillis)
        : new DimensionHealth(HealthStatus.OK, List.of(), nowMillis, List.of());
    return statusSince.stamp(health, nowMillis);
  }
}
