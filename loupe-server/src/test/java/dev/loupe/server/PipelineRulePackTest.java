package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.dimension.data.PipelineKind;
import dev.loupe.dimension.data.PipelineRuleSignals;
import dev.loupe.dimension.data.PipelineSpec;
import dev.loupe.dimension.data.WatchedPipelines;
import dev.loupe.ingest.IngestMetrics;
import dev.loupe.model.Alert;
import dev.loupe.model.AlertState;
import dev.loupe.model.Batch;
import dev.loupe.model.Dimension;
import dev.loupe.model.Inference;
import dev.loupe.model.Outcome;
import dev.loupe.model.PipelineRun;
import dev.loupe.model.SeriesKey;
import dev.loupe.model.Span;
import dev.loupe.rule.Rule;
import dev.loupe.rule.RuleEngine;
import dev.loupe.rule.SampleSignals;
import dev.loupe.rule.Transition;
import dev.loupe.rule.VersionHistory;
import dev.loupe.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/**
 * The pipeline and ingestion rows of the built-in pack (and the model dimension's stale index),
 * evaluated every 15 s as {@code rules.evaluation_interval} over pipeline runs, traces and ingest
 * counts: when each goes pending, fires and resolves. A run is known once it finished, so all runs
 * are handed in first and each evaluation sees those finished by its time.
 */
class PipelineRulePackTest {
  static final long T0 = 1_764_000_000_000L - 1_764_000_000_000L % 3_600_000; // on an hour
  static final long MIN = 60_000;
  static final long H = 60 * MIN;
  static final long DAY = 24 * H;
  static final long STEP = 15_000;

  static long at(double minutes) {
    return T0 + Math.round(minutes * MIN);
  }

  static String minutes(long millis) {
    double m = (millis - T0) / (double) MIN;
    return m == Math.rint(m) ? String.valueOf((long) m) : String.valueOf(m);
  }

  /** A run that took 2 minutes, starting {@code startMin} minutes after T0. */
  static PipelineRun run(String pipeline, boolean success, double startMin, Long rows, List<PipelineRun.Check> checks) {
    return new PipelineRun(pipeline, success, at(startMin), at(startMin + 2), null, rows, null, checks,
        success ? null : "upstream export missing");
  }

  static PipelineRun ok(String pipeline, double startMin) {
    return run(pipeline, true, startMin, null, null);
  }

  static PipelineRun failed(String pipeline, double startMin) {
    return run(pipeline, false, startMin, null, null);
  }

  static WatchedPipelines watched(PipelineSpec... specs) {
    return new WatchedPipelines(List.of(specs), DataConfig.INDEX_ATTRIBUTES, ZoneOffset.UTC, T0);
  }

  static PipelineSpec hourly(String name, PipelineKind kind, String index) {
    return new PipelineSpec(name, kind, Duration.ofHours(1), Duration.ofMinutes(30), index, List.of());
  }

  /** The rules of {@code alert} over the pipelines and ingest counts, evaluated every 15 s over [fromMin, toMin]. */
  static final class Scenario {
    final WatchedPipelines pipelines;
    final MutableClock clock = new MutableClock(Instant.ofEpochMilli(at(-60)));
    final IngestMetrics ingest = new IngestMetrics(new PrometheusRegistry(), clock);
    final List<Transition> transitions = new ArrayList<>();
    final List<Alert> firing = new ArrayList<>();
    /** Runs before each evaluation, at its time (feeding ingest counts). */
    LongConsumer beforeEach = t -> { };

    Scenario(WatchedPipelines pipelines) {
      this.pipelines = pipelines;
    }

    Scenario runs(PipelineRun... runs) {
      pipelines.observe(Batch.ofPipelineRuns(List.of(runs)));
      return this;
    }

    Scenario evaluate(String alert, Dimension dimension, double fromMin, double toMin) {
      List<Rule> rules = BuiltinRules.load(RulesConfig.Builtin.DEFAULTS).stream()
          .filter(r -> r.name().equals(alert)).toList();
      assertThat(rules).as("pack rules named " + alert).isNotEmpty().allMatch(r -> r.dimension() == dimension);
      RuleEngine engine = new RuleEngine(rules, new IngestRejectionSignals(
          new PipelineRuleSignals(new SampleSignals(List.of()), pipelines), ingest.recent()),
          VersionHistory.none(), a -> { }, RuleEngine.Settings.DEFAULTS);
      for (long t = at(fromMin); t <= at(toMin); t += STEP) {
        clock.set(Instant.ofEpochMilli(t));
        beforeEach.accept(t);
        engine.evaluate(t);
        for (Alert a : engine.alerts()) {
          if (a.state() == AlertState.FIRING && firing.stream().noneMatch(f -> f.labels().equals(a.labels()))) firing.add(a);
        }
      }
      transitions.addAll(engine.history());
      engine.status().forEach(st -> assertThat(st.lastError()).as(st.rule().name()).isEmpty());
      return this;
    }

    List<String> of(String severity) {
      return transitions.stream().filter(t -> severity.equals(t.labels().get("severity")))
          .map(t -> t.kind() + "@" + minutes(t.atMillis())).toList();
    }

    Alert firing(String severity) {
      return firing.stream().filter(a -> severity.equals(a.labels().get("severity"))).findFirst().orElseThrow();
    }
  }

  @Test
  void aPipelineThatStopsSucceedingIsStaleOncePastEveryPlusMaxDelayAndFreshAgainWithASuccess() {
    // Hourly refreshes up to the one of T0 (finished at 2), then nothing until one at 250 (finished 252).
    Scenario s = new Scenario(watched(hourly("kb-refresh", PipelineKind.RAG_INDEX, "kb-prod")));
    for (int h = -5; h <= 0; h++) s.runs(ok("kb-refresh", h * 60));
    s.runs(failed("kb-refresh", 60), failed("kb-refresh", 120), ok("kb-refresh", 250));
    s.evaluate("PipelineStale", Dimension.DATA, -30, 300);
    // 1h + 30m after the success that finished at 2: stale from 92 on, fresh again at 252.
    assertThat(s.of("warning")).containsExactly("PENDING@92.25", "FIRING@92.25", "RESOLVED@252");
    assertThat(s.of("critical")).isEmpty();
    Alert a = s.firing("warning");
    assertThat(a.labels()).containsEntry("pipeline", "kb-refresh").containsEntry("kind", "rag_index")
        .containsEntry("every", "1h").containsEntry("max_delay", "30m").containsEntry("dimension", "data")
        .containsEntry("last_success", Instant.ofEpochMilli(at(2)).toString());
    assertThat(a.annotations().get("summary")).isEqualTo("kb-refresh is stale for 15s: last success "
        + Instant.ofEpochMilli(at(2)) + ", expected every 1h (late by at most 30m)");
  }

  @Test
  void stalePastFourTimesItsAllowanceIsCritical() {
    Scenario s = new Scenario(watched(hourly("nightly-etl", PipelineKind.BATCH, null)));
    s.runs(ok("nightly-etl", 0), ok("nightly-etl", 460));
    s.evaluate("PipelineStale", Dimension.DATA, 0, 480);
    // 4 × 90 m after 2: 362.
    assertThat(s.of("critical")).containsExactly("PENDING@362.25", "FIRING@362.25", "RESOLVED@462");
    assertThat(s.of("warning")).containsExactly("PENDING@92.25", "FIRING@92.25", "RESOLVED@462");
    assertThat(s.firing("critical").annotations().get("summary"))
        .startsWith("nightly-etl has had no successful run for 4.003 times every + max_delay");
  }

  @Test
  void aConfiguredPipelineThatNeverReportsIsStaleFromLoupesStartWithANeverReportedReason() {
    Scenario s = new Scenario(watched(hourly("nightly-etl", PipelineKind.BATCH, null)));
    s.evaluate("PipelineStale", Dimension.DATA, 0, 120);
    assertThat(s.of("warning")).containsExactly("PENDING@90.25", "FIRING@90.25");
    assertThat(s.firing("warning").annotations().get("summary"))
        .isEqualTo("nightly-etl is stale for 15s: last success never reported, expected every 1h (late by at most 30m)");
  }

  @Test
  void aFailedRunWarnsAtOnceThreeInARowAreCriticalAndASuccessResolvesBoth() {
    Scenario s = new Scenario(watched()).runs(ok("nightly-etl", -24 * 60), failed("nightly-etl", 10),
        failed("nightly-etl", 70), failed("nightly-etl", 130), ok("nightly-etl", 190));
    s.evaluate("PipelineFailing", Dimension.DATA, 0, 240);
    assertThat(s.of("warning")).containsExactly("PENDING@12", "FIRING@12", "RESOLVED@192");
    assertThat(s.of("critical")).containsExactly("PENDING@132", "FIRING@132", "RESOLVED@192");
    assertThat(s.firing("warning").annotations().get("summary"))
        .isEqualTo("nightly-etl is failing: 1 failed runs since its last success (GET /api/v1/pipelines shows the error)");
    assertThat(s.firing("warning").labels()).containsEntry("kind", "unknown");
  }

  @Test
  void failingMoreThanAFifthOfTheWeeksRunsIsFlakyEvenWhenRetriesSucceed() {
    Scenario s = new Scenario(watched());
    for (int d = 4; d >= 1; d--) s.runs(ok("etl", -d * 24 * 60));
    // 1 of 5 is not more than a fifth; 2 of 6 is. Successes at 120..300 bring it to 2 of 10.
    s.runs(failed("etl", 0), failed("etl", 60), ok("etl", 61), ok("etl", 120), ok("etl", 180), ok("etl", 240),
        ok("etl", 300));
    s.evaluate("PipelineFlaky", Dimension.DATA, 0, 360);
    assertThat(s.of("warning")).containsExactly("PENDING@62", "FIRING@62", "RESOLVED@242");
    assertThat(s.firing("warning").annotations().get("summary"))
        .isEqualTo("etl failed 33.33% of its runs in the last 7 days, even if retries succeed");
  }

  @Test
  void aFailedCheckWarnsByNameUntilARunPassesIt() {
    Scenario s = new Scenario(watched()).runs(
        run("etl", true, 10, null, List.of(new PipelineRun.Check("null_rate.email", false, 0.12),
            new PipelineRun.Check("schema", true, null))),
        failed("etl", 40), // reports no checks: the newest run that did still speaks
        run("etl", true, 70, null, List.of(new PipelineRun.Check("null_rate.email", true, 0.01))));
    s.evaluate("PipelineCheckFailing", Dimension.DATA, 0, 90);
    assertThat(s.of("warning")).containsExactly("PENDING@12", "FIRING@12", "RESOLVED@72");
    assertThat(s.firing("warning").labels()).containsEntry("check", "null_rate.email");
    assertThat(s.firing("warning").annotations().get("summary"))
        .isEqualTo("check null_rate.email of etl failed in its latest run");
  }

  @Test
  void aRowCountFarFromItsWeekdaysBaselineWarnsAndAUsualMondayDoesNot() {
    // Five weeks of nightly runs at 02:00 UTC: Mondays write 2 M rows, other days 1 M, ±0.3 %.
    long monday = Instant.parse("2025-11-24T00:00:00Z").toEpochMilli(); // the Monday of T0's week
    double mondayMin = (monday - T0) / (double) MIN;
    Scenario s = new Scenario(watched());
    for (int d = -35; d < 0; d++) {
      boolean isMonday = Math.floorMod(d, 7) == 0;
      s.runs(run("etl", true, mondayMin + d * 24 * 60 + 120, (isMonday ? 2_000_000L : 1_000_000L) + (d % 3) * 3_000L,
          null));
    }
    // This Monday writes 2 M as Mondays do (no alert); Tuesday 0.4 M (far below Tuesdays); Wednesday as usual.
    s.runs(run("etl", true, mondayMin + 120, 2_001_000L, null),
        run("etl", true, mondayMin + 24 * 60 + 120, 400_000L, null),
        run("etl", true, mondayMin + 48 * 60 + 120, 1_000_000L, null));
    s.evaluate("PipelineRowCountOffBaseline", Dimension.DATA, mondayMin + 60, mondayMin + 51 * 60);
    double tuesdayEnd = mondayMin + 24 * 60 + 122;
    double wednesdayEnd = mondayMin + 48 * 60 + 122;
    assertThat(s.of("warning")).containsExactly("PENDING@" + fmt(tuesdayEnd), "FIRING@" + fmt(tuesdayEnd),
        "RESOLVED@" + fmt(wednesdayEnd));
    assertThat(s.of("critical")).containsExactly("PENDING@" + fmt(tuesdayEnd), "FIRING@" + fmt(tuesdayEnd),
        "RESOLVED@" + fmt(wednesdayEnd));
    Alert a = s.firing("critical");
    assertThat(a.labels()).containsEntry("direction", "below").containsEntry("basis", "Tuesdays");
    // Tuesdays wrote 997k, 1M, 994k, 997k, 1M: median 997k, MAD 3k; the scale is the 2 % floor
    // (19,940 > 1.4826 × 3k), so (400k - 997k) / 19,940 = -29.94.
    assertThat(a.value()).isEqualTo(597_000 / 19_940.0);
    assertThat(a.annotations().get("summary"))
        .isEqualTo("etl wrote a row count 29.94 robust deviations below its baseline (Tuesdays of the last 8 weeks)");
  }

  static String fmt(double m) {
    return m == Math.rint(m) ? String.valueOf((long) m) : String.valueOf(m);
  }

  @Test
  void rejectingMoreThan5PercentOfAnEndpointsRecordsFor5MinutesWarnsAndResolvesWhenTheWindowIsClean() {
    Scenario s = new Scenario(watched());
    // 10 records every 15 s; from minute 0 to 20, 2 of each 10 are rejected (a sender's bad field).
    s.beforeEach = t -> {
      boolean dirty = t >= at(0) && t < at(20);
      s.ingest.accepted("/api/v1/inferences", dirty ? 8 : 10);
      if (dirty) s.ingest.rejected("/api/v1/inferences", "latency_ms", 2);
    };
    s.evaluate("IngestRejectedRatioHigh", Dimension.DATA, -15, 40);
    // Over the current minute and the 14 before: 8m + 2(k + 1) rejected of 570 + 10k received
    // (k evaluations into minute m) first exceeds 5 % at 3:30; clean again at 31:00.
    assertThat(s.of("warning")).containsExactly("PENDING@3.5", "FIRING@8.5", "RESOLVED@31");
    assertThat(s.of("critical")).isEmpty();
    assertThat(s.firing("warning").labels()).containsEntry("endpoint", "/api/v1/inferences");
  }

  @Test
  void aDeploymentAnsweringFromAStaleIndexWarnsInTheModelDimensionNamingBoth() {
    Scenario s = new Scenario(watched(hourly("kb-refresh", PipelineKind.RAG_INDEX, "kb-prod")));
    s.runs(ok("kb-refresh", -60), ok("kb-refresh", 0), ok("kb-refresh", 300));
    // A trace of chat-prod whose retrieval span names kb-prod, at 10.
    String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    s.pipelines.observe(new Batch(List.of(new Inference(at(10), new SeriesKey("chat-api", "chat-prod", "gpt-4o", "v1"),
            "chat", "r-1", trace, null, null, 10L, 10L, null, 900.0, null, Outcome.OK, 200, "stop", null, null, null,
            null, null)), List.of(), List.of(), List.of(), List.of(),
        List.of(new Span(trace, "00f067aa0ba902b7", null, "retrieve", at(10) * 1_000_000, at(10) * 1_000_000 + 5_000_000,
            null, Map.of("db.collection.name", "kb-prod", "db.system", "qdrant"), Map.of()))));
    s.evaluate("ModelIndexStale", Dimension.MODEL, 0, 330);
    assertThat(s.of("warning")).containsExactly("PENDING@92.25", "FIRING@92.25", "RESOLVED@302");
    Alert a = s.firing("warning");
    assertThat(a.labels()).containsEntry("deployment", "chat-prod").containsEntry("index", "kb-prod")
        .containsEntry("pipeline", "kb-refresh").containsEntry("dimension", "model");
    assertThat(a.annotations().get("summary")).isEqualTo("answers of chat-prod come from index kb-prod, stale for 15s"
        + " (last refresh " + Instant.ofEpochMilli(at(2)) + ")");
  }
}
