package dev.loupe.dimension;

import static dev.loupe.testing.Inferences.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.dimension.model.DeploymentLog;
import dev.loupe.dimension.model.InferenceWindows;
import dev.loupe.dimension.model.ModelDimensionJudge;
import dev.loupe.dimension.model.VersionBaseline;
import dev.loupe.dimension.model.VersionRegressionDetector;
import dev.loupe.model.Deployment;
import dev.loupe.model.Dimension;
import dev.loupe.model.Inference;
import dev.loupe.model.SeriesKey;
import dev.loupe.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthEvaluatorTest {
  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  final TestClock clock = new TestClock(T0);
  final InferenceWindows windows = new InferenceWindows(clock);
  final DeploymentLog deployments = new DeploymentLog();
  final HealthEvaluator evaluator = new HealthEvaluator(clock, List.of(new ModelDimensionJudge(windows, deployments,
      new VersionRegressionDetector(VersionRegressionDetector.Settings.DEFAULTS, VersionBaseline.none()),
      clock.millis())));

  void traffic(String version, int fromMin, int toMin, double latency) {
    List<Inference> batch = new ArrayList<>();
    for (int s = fromMin * 60; s < toMin * 60; s++) {
      batch.add(ok(T0.plusSeconds(s).toEpochMilli(), new SeriesKey("svc", "chat", "m", version),
          latency * (0.9 + 0.2 * ((s * 7919) % 100) / 100.0)));
    }
    windows.record(batch);
  }

  @Test
  void silenceIsNeverGreen() {
    HealthReport r = evaluator.evaluate();
    for (Dimension d : Dimension.values()) {
      DimensionHealth h = r.dimensions().get(d);
      assertThat(h.status()).as(d.wireName()).isEqualTo(HealthStatus.NO_DATA);
      assertThat(h.reasons().get(0)).contains("telemetry received for " + d.wireName() + " since 2026-11-28T10:00:00Z");
    }
    assertThat(r.dimensions().get(Dimension.MODEL).reasons().get(0)).contains("no inference telemetry");
    assertThat(r.status()).isEqualTo(HealthStatus.NO_DATA);
  }

  @Test
  void okThenWarningThenNoDataAfterSilence() {
    clock.set(T0.plusSeconds(25 * 60));
    traffic("v1", 0, 25, 800);
    HealthReport healthy = evaluator.evaluate();
    DimensionHealth model = healthy.dimensions().get(Dimension.MODEL);
    assertThat(model.status()).isEqualTo(HealthStatus.OK);
    assertThat(model.reasons()).isEmpty();
    assertThat(healthy.status()).as("ok outranks no data").isEqualTo(HealthStatus.OK);
    long okSince = model.sinceMillis();
    clock.advance(Duration.ofMinutes(1));
    assertThat(evaluator.evaluate().dimensions().get(Dimension.MODEL).sinceMillis()).isEqualTo(okSince);

    deployments.add(new Deployment(T0.plusSeconds(25 * 60).toEpochMilli(), "svc", "chat", "m", "v1", "v2"));
    clock.set(T0.plusSeconds(30 * 60));
    traffic("v2", 25, 30, 1300);
    HealthReport bad = evaluator.evaluate();
    assertThat(bad.status()).isEqualTo(HealthStatus.WARNING);
    assertThat(bad.dimensions().get(Dimension.MODEL).sinceMillis()).isEqualTo(T0.plusSeconds(25 * 60).toEpochMilli());
    assertThat(bad.dimensions().get(Dimension.MODEL).findings()).hasSize(1);

    // the last inference arrived (server clock) at 10:30; 16 minutes of silence
    clock.advance(Duration.ofMinutes(16));
    DimensionHealth silent = evaluator.evaluate().dimensions().get(Dimension.MODEL);
    assertThat(silent.status()).isEqualTo(HealthStatus.NO_DATA);
    assertThat(silent.reasons().get(0)).contains("since 2026-11-28T10:30:00Z");
  }

  @Test
  void statusOrderingPutsNoDataBelowOk() {
    assertThat(HealthStatus.NO_DATA.worst(HealthStatus.OK)).isEqualTo(HealthStatus.OK);
    assertThat(HealthStatus.CRITICAL.worst(HealthStatus.WARNING)).isEqualTo(HealthStatus.CRITICAL);
    assertThat(HealthStatus.NO_DATA.wireName()).isEqualTo("no_data");
  }

  @Test
  void computeAndNetworkJudgesSpeakLikeTheUnfedDimensions() {
    HealthEvaluator withAll = new HealthEvaluator(clock, List.of(
        new dev.loupe.dimension.compute.ComputeDimensionJudge(dev.loupe.dimension.compute.ComputeThresholds.DEFAULTS,
            dev.loupe.dimension.compute.WorkloadClassifier.defaults(), clock.millis()),
        new dev.loupe.dimension.network.NetworkDimensionJudge(dev.loupe.dimension.network.NetworkThresholds.DEFAULTS,
            List.of(), clock.millis())));
    HealthReport r = withAll.evaluate();
    HealthReport unfed = evaluator.evaluate();
    for (Dimension d : List.of(Dimension.COMPUTE, Dimension.NETWORK)) {
      assertThat(r.dimensions().get(d).status()).isEqualTo(HealthStatus.NO_DATA);
      assertThat(r.dimensions().get(d).reasons()).isEqualTo(unfed.dimensions().get(d).reasons());
    }
  }
}
