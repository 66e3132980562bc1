package dev.loupe.api;

import dev.loupe.dimension.AlertHealth;
import dev.loupe.dimension.data.PipelineState;
import dev.loupe.dimension.data.RowCountBaseline;
import dev.loupe.dimension.data.WatchedPipelines;
import dev.loupe.ingest.RecentIngestCounts;
import dev.loupe.model.Alert;
import dev.loupe.model.PipelineRun;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/pipelines}: every watched pipeline with its state (last run, last success,
 * freshness against its cadence, failures and failure rate, checks, row-count baseline, the
 * deployments its index feeds) and its status, the worst of its firing alerts; and Loupe's own
 * ingestion of the last 15 minutes by endpoint, with the reasons of what it rejected. The detail
 * behind the data tile.
 */
final class PipelinesHandler {
  static final int INGEST_MINUTES = 15;

  private final WatchedPipelines pipelines;
  private final RecentIngestCounts ingest;
  private final Clock clock;
  private final Supplier<List<Alert>> alerts;

  PipelinesHandler(WatchedPipelines pipelines, RecentIngestCounts ingest, Clock clock, Supplier<List<Alert>> alerts) {
    this.pipelines = pipelines;
    this.ingest = ingest;
    this.clock = clock;
    this.alerts = alerts;
  }

  void handle(Context ctx) {
    long now = clock.millis();
    List<Alert> current = alerts.get();
    List<Map<String, Object>> data = new ArrayList<>();
    for (PipelineState s : pipelines.states(now)) data.add(pipeline(s, current));
    List<Map<String, Object>> endpoints = new ArrayList<>();
    for (RecentIngestCounts.Window w : ingest.windows(now, INGEST_MINUTES).values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("endpoint", w.endpoint());
      m.put("received", w.received());
      m.put("rejected", w.rejected());
      m.put("rejected_ratio", w.rejectedRatio());
      m.put("rejected_by_reason", w.rejectedByReason());
      endpoints.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("data", data);
    body.put("ingest", Map.of("window_minutes", INGEST_MINUTES, "endpoints", endpoints));
    ApiJson.write(ctx, 200, body);
  }

  private static Map<String, Object> pipeline(PipelineState s, List<Alert> alerts) {
    Map<String, String> subject = Map.of("pipeline", s.name());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pipeline", s.name());
    m.put("kind", s.spec().kind().wireName());
    m.put("configured", s.spec().kind() != dev.loupe.dimension.data.PipelineKind.UNKNOWN);
    m.put("status", AlertHealth.ofSubject(alerts, subject).wireName());
    m.put("reasons", AlertHealth.reasonsOfSubject(alerts, subject));
    String index = WatchedPipelines.indexOf(s.spec());
    if (index != null) m.put("index", index);
    if (s.cadence() != null) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("every_seconds", s.cadence().every().toSeconds());
      c.put("max_delay_seconds", s.cadence().maxDelay().toSeconds());
      c.put("source", s.cadence().configured() ? "configured" : "learnt");
      m.put("cadence", c);
    } else {
      m.put("cadence", null);
    }
    m.put("last_run", run(s.lastRun()));
    m.put("last_success", run(s.lastSuccess()));
    Map<String, Object> fresh = new LinkedHashMap<>();
    fresh.put("last_success_age_seconds", s.lastSuccessAgeMillis() / 1000.0);
    fresh.put("staleness_ratio", s.stalenessRatio());
    fresh.put("stale", s.staleMillis() == null ? null : s.staleMillis() > 0);
    fresh.put("stale_seconds", s.staleMillis() == null ? null : s.staleMillis() / 1000.0);
    m.put("freshness", fresh);
    Map<String, Object> failures = new LinkedHashMap<>();
    failures.put("consecutive", s.consecutiveFailures());
    failures.put("runs_7d", s.runsWeek());
    failures.put("failed_7d", s.failedWeek());
    failures.put("failure_ratio_7d", s.failureRatioWeek());
    m.put("failures", failures);
    m.put("checks", s.checks().stream().map(PipelinesHandler::check).toList());
    m.put("failed_checks", s.failedChecks().stream().map(PipelineRun.Check::name).toList());
    m.put("rows", rows(s.rows()));
    m.put("feeds", s.feeds());
    return m;
  }

  private static Map<String, Object> rows(RowCountBaseline r) {
    if (r == null) return null;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("last", r.rows());
    m.put("run_started_at", ApiJson.time(r.runStartedAtMillis()));
    m.put("basis", r.basis());
    m.put("baseline_median", r.baseline().median());
    m.put("baseline_mad", r.baseline().mad());
    m.put("baseline_runs", r.baseline().count());
    m.put("deviation", r.deviation());
    return m;
  }

  static Map<String, Object> run(PipelineRun r) {
    if (r == null) return null;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", r.status());
    m.put("started_at", ApiJson.time(r.startedAtMillis()));
    m.put("finished_at", ApiJson.time(r.finishedAtMillis()));
    if (r.rowsIn() != null) m.put("rows_in", r.rowsIn());
    if (r.rowsOut() != null) m.put("rows_out", r.rowsOut());
    if (r.bytes() != null) m.put("bytes", r.bytes());
    if (!r.checks().isEmpty()) m.put("checks", r.checks().stream().map(PipelinesHandler::check).toList());
    if (r.error() != null) m.put("error", r.error());
    return m;
  }

  private static Map<String, Object> check(PipelineRun.Check c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", c.name());
    m.put("passed", c.passed());
    if (c.value() != null) m.put("value", c.value());
    return m;
  }
}
