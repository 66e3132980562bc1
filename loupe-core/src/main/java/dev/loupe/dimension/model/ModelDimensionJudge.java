package dev.loupe.dimension.model;

import dev.loupe.dimension.DimensionHealth;
import dev.loupe.dimension.DimensionJudge;
import dev.loupe.dimension.HealthStatus;
import dev.loupe.model.Dimension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import dev.loupe.model.Finding;

/**
 * Judges the model dimension from the hot inference windows. With no inference for a while the
 * dimension says so ({@code no_data}) instead of staying green on stale numbers.
 */
public final class ModelDimensionJudge implements DimensionJudge {
  /** Silence longer than this turns the dimension to no data. */
  static final Duration SILENCE = Duration.ofMinutes(15);

  private final InferenceWindows windows;
  private final DeploymentLog deployments;
  private final VersionRegressionDetector regressions;
  private final long startedMillis;
  private HealthStatus lastStatus;
  private Set<String> reported = Set.of();
  private long statusSinceMillis;

  public ModelDimensionJudge(
      InferenceWindows windows,
      DeploymentLog deployments,
      VersionRegressionDetector regressions,
      long startedMillis) {
    this.windows = windows;
    this.deployments = deployments;
    this.regressions = regressions;
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
      health =
          DimensionHealth.noData(
              "no inference telemetry received for model since " + Instant.ofEpochMilli(startedMillis).truncatedTo(ChronoUnit.SECONDS),
              startedMillis);
    } else if (nowMillis - last > SILENCE.toMillis()) {
      health =
          DimensionHealth.noData(
              "no inference telemetry received for model since " + Instant.ofEpochMilli(last).truncatedTo(ChronoUnit.SECONDS), last);
    } else {
      List<Finding> findings = regressions.detect(windows, deployments, reported);
      reported = findings.stream().map(Finding::subject).collect(Collectors.toSet());
      health = DimensionHealth.fromFindings(findings, nowMillis);
    }
    if (health.status() != lastStatus) {
      lastStatus = health.status();
      statusSinceMillis = health.sinceMillis() == null ? nowMillis : health.sinceMillis();
    }
    if (health.status() == HealthStatus.OK) {
      return new DimensionHealth(HealthStatus.OK, health.reasons(), statusSinceMillis, health.findings());
    }
    return health;
  }
}
