package dev.loupe.dimension.model;

import static dev.loupe.testing.Inferences.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.Deployment;
import dev.loupe.model.Finding;
import dev.loupe.model.Inference;
import dev.loupe.model.SeriesKey;
import dev.loupe.model.Severity;
import dev.loupe.testing.TestClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class VersionRegressionDetectorTest {
  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  final TestClock clock = new TestClock(T0.plusSeconds(30 * 60));
  final InferenceWindows windows = new InferenceWindows(clock);
  final DeploymentLog deployments = new DeploymentLog();
  final VersionRegressionDetector detector =
      new VersionRegressionDetector(VersionRegressionDetector.Settings.DEFAULTS, VersionBaseline.none());

  static SeriesKey key(String deployment, String version) {
    return new SeriesKey("svc", deployment, "gpt-4o", version);
  }

  /** One call a second in [fromMin, toMin), latency uniform around base. */
  void traffic(SeriesKey key, int fromMin, int toMin, double base) {
    Random r = new Random(key.hashCode());
    List<Inference> batch = new ArrayList<>();
    for (int s = fromMin * 60; s < toMin * 60; s++) {
      batch.add(ok(T0.plusSeconds(s).toEpochMilli(), key, base * (0.8 + 0.4 * r.nextDouble())));
    }
    windows.record(batch);
  }

  void rollout(String deployment, String from, String to, int minute) {
    deployments.add(new Deployment(T0.plusSeconds(minute * 60L).toEpochMilli(), "svc", deployment, "gpt-4o", from, to));
  }

  static int percent(Finding f) {
    Matcher m = Pattern.compile("\\+(\\d+)%").matcher(f.reason());
    assertThat(m.find()).as(f.reason()).isTrue();
    return Integer.parseInt(m.group(1));
  }

  @Test
  void aSlowerVersionAfterARolloutIsAWarningNamingBothVersions() {
    traffic(key("chat", "v1"), 0, 25, 800);
    rollout("chat", "v1", "v2", 25);
    traffic(key("chat", "v2"), 25, 30, 1200);
    List<Finding> findings = detector.detect(windows, deployments);
    assertThat(findings).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.WARNING);
      assertThat(f.reason()).contains("chat").contains("model_version v2").contains("on v1");
      assertThat(percent(f)).isBetween(45, 55);
      assertThat(f.sinceMillis()).isEqualTo(T0.plusSeconds(25 * 60).toEpochMilli());
      assertThat(f.evidence()).containsEntry("previous_model_version", "v1");
    });
  }

  @Test
  void smallChangesPassAndHugeOnesAreCritical() {
    traffic(key("a", "v1"), 0, 25, 800);
    rollout("a", "v1", "v2", 25);
    traffic(key("a", "v2"), 25, 30, 960);
    traffic(key("b", "v1"), 0, 25, 500);
    rollout("b", "v1", "v2", 25);
    traffic(key("b", "v2"), 25, 30, 1050);
    List<Finding> findings = detector.detect(windows, deployments);
    assertThat(findings).singleElement().satisfies(f -> {
      assertThat(f.subject()).isEqualTo("svc/b");
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    });
  }

  @Test
  void tooFewSamplesSayNothing() {
    traffic(key("chat", "v1"), 0, 25, 800);
    rollout("chat", "v1", "v2", 29);
    windows.record(List.of(ok(T0.plusSeconds(29 * 60 + 1).toEpochMilli(), key("chat", "v2"), 5000)));
    assertThat(detector.detect(windows, deployments)).isEmpty();
  }

  @Test
  void withoutRolloutRecordsTheNewestVersionIsCurrent() {
    traffic(key("chat", "v1"), 0, 25, 800);
    traffic(key("chat", "v2"), 25, 30, 1200);
    assertThat(detector.detect(windows, deployments)).singleElement()
        .satisfies(f -> assertThat(f.reason()).contains("model_version v2").contains("on v1"));
  }

  @Test
  void aPreviousVersionOutsideTheHourIsReadFromTheBaseline() {
    VersionRegressionDetector withBaseline = new VersionRegressionDetector(
        VersionRegressionDetector.Settings.DEFAULTS,
        (service, deployment, version) -> version.equals("v0") ? OptionalDouble.of(700) : OptionalDouble.empty());
    rollout("chat", "v0", "v1", 0);
    traffic(key("chat", "v1"), 25, 30, 1000);
    assertThat(withBaseline.detect(windows, deployments)).singleElement()
        .satisfies(f -> assertThat(f.reason()).contains("on v0"));
    assertThat(detector.detect(windows, deployments)).as("no baseline, no verdict").isEmpty();
  }

  @Test
  void aReportedRegressionClearsOnlyBelowTheLowerThreshold() {
    traffic(key("chat", "v1"), 0, 25, 800);
    rollout("chat", "v1", "v2", 25);
    traffic(key("chat", "v2"), 25, 30, 1080); // about +35 %
    assertThat(detector.detect(windows, deployments)).isEmpty();
    assertThat(detector.detect(windows, deployments, Set.of("svc/chat"))).hasSize(1);
  }
}
