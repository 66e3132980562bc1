package dev.loupe.dimension.model;

import dev.loupe.model.Deployment;
import dev.loupe.model.Dimension;
import dev.loupe.model.Finding;
import dev.loupe.model.SeriesKey;
import dev.loupe.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalDouble;

/**
 * Flags a deployment whose current model version is slower than the version before it: P95
 * latency of the current version over the recent window against the previous version's P95 over
 * the hot hour (or its last known P95 from the store). The current version is the one the latest
 * rollout named, or without rollout records the version seen first most recently.
 */
public final class VersionRegressionDetector {

  /**
   * Thresholds; ratios are relative increases (0.40 = +40 %). A regression already reported clears
   * only once it falls below {@link #CLEAR_FRACTION} of the warning ratio, so sampling noise
   * around the threshold does not make the tile flap.
   */
  public record Settings(
      double warningRatio, double criticalRatio, long minSamples, Duration currentWindow) {
    public static final Settings DEFAULTS = new Settings(0.40, 1.00, 50, Duration.ofMinutes(5));
    public static final double CLEAR_FRACTION = 0.75;

    public Settings {
      if (warningRatio <= 0 || criticalRatio < warningRatio) {
        throw new IllegalArgumentException("need 0 < warning ratio <= critical ratio");
      }
      if (minSamples < 1) throw new IllegalArgumentException("min samples must be >= 1");
    }
  }

  public static final String KIND = "latency_regression";

  private final Settings settings;
  private final VersionBaseline baseline;

  public VersionRegressionDetector(Settings settings, VersionBaseline baseline) {
    this.settings = settings;
    this.baseline = baseline;
  }

  public List<Finding> detect(InferenceWindows windows, DeploymentLog deployments) {
    return detect(windows, deployments, Set.of());
  }

  /**
   * Detects regressions; subjects in {@code reported} (the {@link Finding#subject()} of findings
   * reported last time) stay reported until they fall below the lower clearing threshold.
   */
  public List<Finding> detect(InferenceWindows windows, DeploymentLog deployments, Set<String> reported) {
    Map<String, Map<String, WindowStats>> byDeployment = new LinkedHashMap<>();
    for (WindowStats s : windows.stats(InferenceWindows.ONE_HOUR)) {
      SeriesKey k = s.key();
      byDeployment
          .computeIfAbsent(k.service() + "\u0000" + k.deployment(), x -> new LinkedHashMap<>())
          .merge(k.modelVersion(), s, (a, b) -> a.requests() >= b.requests() ? a : b);
    }
    List<Finding> findings = new ArrayList<>();
    for (Map<String, WindowStats> versions : byDeployment.values()) {
      detectOne(versions, windows, deployments, reported).ifPresent(findings::add);
    }
    return findings;
  }

  private Optional<Finding> detectOne(
      Map<String, WindowStats> versions,
      InferenceWindows windows,
      DeploymentLog deployments,
      Set<String> reported) {
    SeriesKey any = versions.values().iterator().next().key();
    Optional<Deployment> rollout = deployments.latest(any.service(), any.deployment());
    String current;
    String previous;
    long since;
    if (rollout.isPresent() && versions.containsKey(rollout.get().toVersion())) {
      current = rollout.get().toVersion();
      since = rollout.get().timestampMillis();
      previous = rollout.get().fromVersion();
      if (previous == null) {
        previous = newestOtherThan(versions, current);
      }
    } else {
      List<WindowStats> byFirstSeen = new ArrayList<>(versions.values());
      byFirstSeen.sort(Comparator.comparingLong(WindowStats::firstSeenMillis).reversed());
      if (byFirstSeen.size() < 2) {
        return Optional.empty();
      }
      current = byFirstSeen.get(0).key().modelVersion();
      previous = byFirstSeen.get(1).key().modelVersion();
      since = byFirstSeen.get(0).firstSeenMillis();
    }
    if (previous == null || previous.equals(current)) {
      return Optional.empty();
    }
    Optional<WindowStats> now = windows.stats(versions.get(current).key(), settings.currentWindow());
    if (now.isEmpty() || now.get().latencyCount() < settings.minSamples()) {
      return Optional.empty();
    }
    OptionalDouble before = previousP95(versions.get(previous), any, previous);
    if (before.isEmpty() || before.getAsDouble() <= 0) {
      return Optional.empty();
    }
    double p95Now = now.get().latencyP95Ms();
    double change = p95Now / before.getAsDouble() - 1;
    String subject = any.service() + "/" + any.deployment();
    double threshold =
        reported.contains(subject)
            ? settings.warningRatio() * Settings.CLEAR_FRACTION
            : settings.warningRatio();
    if (change < threshold) {
      return Optional.empty();
    }
    Severity severity = change >= settings.criticalRatio() ? Severity.CRITICAL : Severity.WARNING;
    String where = any.deployment().equals("unknown") ? any.service() : any.deployment();
    String reason =
        String.format(
            Locale.ROOT,
            "P95 latency +%.0f%% on %s since model_version %s went live at %s: %.0f ms vs %.0f ms on %s",
            change * 100, where, current,
            Instant.ofEpochMilli(since).truncatedTo(ChronoUnit.SECONDS),
            p95Now, before.getAsDouble(), previous);
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("service", any.service());
    evidence.put("deployment", any.deployment());
    evidence.put("model_version", current);
    evidence.put("previous_model_version", previous);
    evidence.put("p95_ms", String.format(Locale.ROOT, "%.1f", p95Now));
    evidence.put("previous_p95_ms", String.format(Locale.ROOT, "%.1f", before.getAsDouble()));
    evidence.put("change_ratio", String.format(Locale.ROOT, "%.3f", change));
    return Optional.of(
        new Finding(Dimension.MODEL, KIND, severity, subject, reason, since, evidence));
  }

  private OptionalDouble previousP95(WindowStats hot, SeriesKey any, String previous) {
    if (hot != null && hot.latencyCount() >= settings.minSamples()) {
      return OptionalDouble.of(hot.latencyP95Ms());
    }
    return baseline.latencyP95Ms(any.service(), any.deployment(), previous);
  }

  private static String newestOtherThan(Map<String, WindowStats> versions, String current) {
    return versions.values().stream()
        .filter(s -> !s.key().modelVersion().equals(current))
        .max(Comparator.comparingLong(WindowStats::lastSeenMillis))
        .map(s -> s.key().modelVersion())
        .orElse(null);
  }
}
