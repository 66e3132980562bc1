package dev.loupe.api;

import dev.loupe.dimension.model.DeploymentLog;
import dev.loupe.dimension.model.DriftFeatures;
import dev.loupe.model.Deployment;
import dev.loupe.model.LabelMatcher;
import dev.loupe.stats.DriftCriterion;
import dev.loupe.stats.DriftResult;
import dev.loupe.stats.DriftTest;
import dev.loupe.stats.TimeWindow;
import dev.loupe.store.Store;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/drift?deployment=&start=&end=&reference=&reference_start=&reference_end=&test=}:
 * every feature of a deployment's traffic in the current window {@code [start, end)} (default: the
 * last hour) tested against a reference — {@code previous_version}: the version the latest rollout
 * replaced, over as long before the rollout (1 to 24 hours), while the current window reads the new
 * version; {@code week_before}: the same window a week earlier; {@code baseline}: the pinned window
 * {@code [reference_start, reference_end)}. The default is {@code previous_version} within a week
 * of a rollout, else {@code week_before}. Each feature gets the test Evidently's users know for its
 * type and the reference's size, the one {@code evaluation.drift.features} sets for it, or
 * {@code test} (e.g. {@code psi}) for all.
 */
final class DriftHandler {
  static final long HOUR = 3_600_000L;
  static final long WEEK = 7 * 24 * HOUR;

  private final Store store;
  private final DeploymentLog deployments;
  private final Clock clock;
  private final Map<String, DriftCriterion> configured;

  /** {@code configured}: the tests {@code evaluation.drift.features} chose per feature. */
  DriftHandler(Store store, DeploymentLog deployments, Clock clock, Map<String, DriftCriterion> configured) {
    this.store = store;
    this.deployments = deployments;
    this.clock = clock;
    this.configured = Map.copyOf(configured);
  }

  /** Which traffic a window holds: a time range, and a model version or every version. */
  record Window(String kind, long startMillis, long endMillis, String modelVersion) {
    Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      if (kind != null) m.put("kind", kind);
      m.put("start", ApiJson.time(startMillis));
      m.put("end", ApiJson.time(endMillis));
      if (modelVersion != null) m.put("model_version", modelVersion);
      return m;
    }

    TimeWindow timeWindow() {
      return new TimeWindow(startMillis, endMillis);
    }
  }

  void handle(Context ctx) {
    String deployment = ctx.queryParam("deployment");
    Window reference;
    Window current;
    DriftTest test;
    try {
      if (deployment == null || deployment.isBlank()) throw new IllegalArgumentException("deployment is required");
      long end = QueryParams.time("end", ctx.queryParam("end"), clock.millis() + 1);
      long start = QueryParams.time("start", ctx.queryParam("start"), end - HOUR);
      if (end <= start) throw new IllegalArgumentException("end must be after start");
      test = ctx.queryParam("test") == null ? null : DriftTest.fromName(ctx.queryParam("test"));
      Optional<Deployment> rollout = latestRollout(deployment, end);
      String kind = ctx.queryParam("reference");
      if (kind == null) kind = rollout.filter(d -> end - d.timestampMillis() <= WEEK).isPresent() ? "previous_version" : "week_before";
      switch (kind) {
        case "previous_version" -> {
          Deployment d = rollout.orElseThrow(() -> new IllegalArgumentException("no rollout of " + deployment
              + " with a previous version is recorded before the window's end; use reference=week_before or baseline"));
          long from = Math.max(start, d.timestampMillis());
          long length = Math.min(24 * HOUR, Math.max(HOUR, end - from));
          current = new Window(null, from, end, d.toVersion());
          reference = new Window(kind, d.timestampMillis() - length, d.timestampMillis(), d.fromVersion());
        }
        case "week_before" -> {
          current = new Window(null, start, end, null);
          reference = new Window(kind, start - WEEK, end - WEEK, null);
        }
        case "baseline" -> {
          long rs = QueryParams.time("reference_start", required(ctx, "reference_start"));
          long re = QueryParams.time("reference_end", required(ctx, "reference_end"));
          if (re <= rs) throw new IllegalArgumentException("reference_end must be after reference_start");
          current = new Window(null, start, end, null);
          reference = new Window(kind, rs, re, null);
        }
        default -> throw new IllegalArgumentException(
            "reference must be previous_version, week_before or baseline, got '" + kind + "'");
      }
    } catch (IllegalArgumentException e) {
      ApiJson.error(ctx, 400, e.getMessage(), List.of());
      return;
    }
    DriftFeatures ref = scan(store, deployment, reference);
    DriftFeatures cur = scan(store, deployment, current);
    Map<String, DriftCriterion> criteria = new LinkedHashMap<>(configured);
    if (test != null) {
      DriftCriterion all = DriftCriterion.of(test);
      // A numeric-only test (KS, Wasserstein) leaves categorical features to their default.
      for (String f : ref.numeric().keySet()) criteria.put(f, all);
      if (!test.numericOnly()) for (String f : ref.categorical().keySet()) criteria.put(f, all);
    }
    List<Map<String, Object>> results = new ArrayList<>();
    for (DriftResult r : DriftFeatures.compare(ref, reference.timeWindow(), cur, current.timeWindow(), criteria)) {
      results.add(json(r, ref.categorical().containsKey(r.feature()) ? "categorical" : "numeric"));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("deployment", deployment);
    body.put("reference", reference.json());
    body.put("current", current.json());
    body.put("drifted", results.stream().filter(r -> Boolean.TRUE.equals(r.get("drifted"))).count());
    body.put("results", results);
    ApiJson.write(ctx, 200, body);
  }

  /** The deployment's latest rollout before {@code endMillis} that names the version it replaced. */
  private Optional<Deployment> latestRollout(String deployment, long endMillis) {
    return deployments.latestOfEach().stream()
        .filter(d -> d.deployment().equals(deployment) && d.fromVersion() != null && d.timestampMillis() < endMillis)
        .max(java.util.Comparator.comparingLong(Deployment::timestampMillis));
  }

  /** The features of one window of a deployment's traffic: its inferences and the scores tied to them. */
  static DriftFeatures scan(Store store, String deployment, Window w) {
    List<LabelMatcher> m = new ArrayList<>();
    m.add(new LabelMatcher("deployment", LabelMatcher.Op.EQ, deployment));
    if (w.modelVersion() != null) m.add(new LabelMatcher("model_version", LabelMatcher.Op.EQ, w.modelVersion()));
    DriftFeatures f = new DriftFeatures();
    store.scanInferenceFeatures(m, w.startMillis(), w.endMillis(), f::add);
    store.scanScores(m, w.startMillis(), w.endMillis(), f::add);
    return f;
  }

  static Map<String, Object> json(DriftResult r, String type) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("feature", r.feature());
    m.put("type", type);
    m.put("test", r.test().wireName());
    m.put("statistic", finite(r.statistic()));
    m.put("p_value", finite(r.pValue()));
    if (r.degreesOfFreedom() > 0) m.put("degrees_of_freedom", r.degreesOfFreedom());
    m.put("threshold", r.threshold());
    m.put("critical_threshold", r.criticalThreshold());
    m.put("drifted", r.drifted());
    m.put("severity", r.severity().name().toLowerCase(Locale.ROOT));
    m.put("reference_count", r.referenceCount());
    m.put("current_count", r.currentCount());
    return m;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private static String required(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null) throw new IllegalArgumentException(name + " is required with reference=baseline");
    return v;
  }
}
