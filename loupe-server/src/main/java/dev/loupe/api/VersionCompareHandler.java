package dev.loupe.api;

import dev.loupe.dimension.model.DeploymentLog;
import dev.loupe.dimension.model.DriftFeatures;
import dev.loupe.dimension.model.VersionChange;
import dev.loupe.dimension.model.VersionChange.Sample;
import dev.loupe.dimension.model.VersionChange.Worse;
import dev.loupe.model.Deployment;
import dev.loupe.stats.CategoryCounts;
import dev.loupe.stats.DriftResult;
import dev.loupe.stats.NumericSummary;
import dev.loupe.store.Store;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/versions/compare?deployment=&from=&to=&start=&end=}: every signal of two
 * model versions of a deployment side by side over {@code [start, end)} (default: the last 7 days)
 * — count, mean, median and P95 of each, the relative change of the mean, the drift test for its
 * type with its statistic and p-value, the test of the means, and whether the change is a
 * regression (significant, and in the direction that is worse for the signal). {@code from} and
 * {@code to} default to the two versions of the deployment's latest rollout.
 */
final class VersionCompareHandler {
  private final Store store;
  private final DeploymentLog deployments;
  private final Clock clock;

  VersionCompareHandler(Store store, DeploymentLog deployments, Clock clock) {
    this.store = store;
    this.deployments = deployments;
    this.clock = clock;
  }

  void handle(Context ctx) {
    String deployment = ctx.queryParam("deployment");
    String from;
    String to;
    long start;
    long end;
    try {
      if (deployment == null || deployment.isBlank()) throw new IllegalArgumentException("deployment is required");
      end = QueryParams.time("end", ctx.queryParam("end"), clock.millis() + 1);
      start = QueryParams.time("start", ctx.queryParam("start"), end - DriftHandler.WEEK);
      if (end <= start) throw new IllegalArgumentException("end must be after start");
      Optional<Deployment> latest = deployments.latestOfEach().stream()
          .filter(d -> d.deployment().equals(deployment) && d.fromVersion() != null)
          .max(java.util.Comparator.comparingLong(Deployment::timestampMillis));
      from = ctx.queryParam("from") != null ? ctx.queryParam("from") : latest.map(Deployment::fromVersion).orElse(null);
      to = ctx.queryParam("to") != null ? ctx.queryParam("to") : latest.map(Deployment::toVersion).orElse(null);
      if (from == null || to == null) {
        throw new IllegalArgumentException("from and to are required: no rollout of " + deployment + " names two versions");
      }
    } catch (IllegalArgumentException e) {
      ApiJson.error(ctx, 400, e.getMessage(), List.of());
      return;
    }
    DriftHandler.Window rw = new DriftHandler.Window(null, start, end, from);
    DriftHandler.Window cw = new DriftHandler.Window(null, start, end, to);
    DriftFeatures ref = DriftHandler.scan(store, deployment, rw);
    DriftFeatures cur = DriftHandler.scan(store, deployment, cw);
    Map<String, DriftResult> drift = new HashMap<>();
    for (DriftResult r : DriftFeatures.compare(ref, rw.timeWindow(), cur, cw.timeWindow(), Map.of())) {
      drift.put(r.feature(), r);
    }
    List<Map<String, Object>> signals = new ArrayList<>();
    for (Map.Entry<String, NumericSummary> e : ref.numeric().entrySet()) {
      NumericSummary c = cur.numeric().get(e.getKey());
      if (c == null) continue;
      signals.add(numeric(e.getKey(), e.getValue(), c, drift.get(e.getKey())));
    }
    CategoryCounts ro = ref.categorical().get("outcome");
    CategoryCounts co = cur.categorical().get("outcome");
    if (ro != null && co != null) {
      signals.add(rate("error rate", ro.count("error"), ro.count(), co.count("error"), co.count(), drift.get("outcome")));
      signals.add(rate("429 rate", ro.count("throttled"), ro.count(), co.count("throttled"), co.count(), drift.get("outcome")));
    }
    for (String category : List.of("finish_reason", "operation")) {
      DriftResult r = drift.get(category);
      if (r != null) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("signal", category);
        m.put("type", "categorical");
        m.put("reference", ref.categorical().get(category).asMap());
        m.put("current", cur.categorical().get(category).asMap());
        m.put("drift", DriftHandler.json(r, "categorical"));
        signals.add(m);
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("deployment", deployment);
    body.put("from", rw.json());
    body.put("to", cw.json());
    body.put("signals", signals);
    ApiJson.write(ctx, 200, body);
  }

  private static Map<String, Object> numeric(String name, NumericSummary ref, NumericSummary cur, DriftResult drift) {
    Worse worse = worse(name);
    VersionChange change = VersionChange.of(name, worse, new Sample(ref.count(), ref.mean(), ref.standardDeviation(), false),
        new Sample(cur.count(), cur.mean(), cur.standardDeviation(), false));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("signal", name);
    m.put("type", "numeric");
    m.put("reference", stats(ref));
    m.put("current", stats(cur));
    put(m, change);
    if (drift != null) m.put("drift", DriftHandler.json(drift, "numeric"));
    return m;
  }

  private static Map<String, Object> rate(String name, long refHits, long refCount, long curHits, long curCount,
      DriftResult drift) {
    VersionChange change = VersionChange.of(name, Worse.HIGHER, Sample.rate(refHits, refCount), Sample.rate(curHits, curCount));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("signal", name);
    m.put("type", "rate");
    m.put("reference", Map.of("count", refCount, "rate", change.before().mean()));
    m.put("current", Map.of("count", curCount, "rate", change.after().mean()));
    put(m, change);
    if (drift != null) m.put("drift", DriftHandler.json(drift, "categorical"));
    return m;
  }

  private static void put(Map<String, Object> m, VersionChange change) {
    m.put("change", Double.isFinite(change.relativeChange()) ? change.relativeChange() : null);
    m.put("p_value", change.pValue());
    m.put("worse_when", change.worse().wireName());
    m.put("regression", change.regression());
  }

  /** Which way an inference feature gets worse; a score's, by its name. */
  private static Worse worse(String feature) {
    return switch (feature) {
      case "latency_ms", "ttft_ms", "cost" -> Worse.HIGHER;
      case "input_tokens", "output_tokens" -> Worse.NEITHER;
      default -> VersionChange.worseFor(feature);
    };
  }

  private static Map<String, Object> stats(NumericSummary s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", s.count());
    m.put("mean", s.mean());
    m.put("p50", s.quantile(0.5));
    m.put("p95", s.quantile(0.95));
    return m;
  }
}
