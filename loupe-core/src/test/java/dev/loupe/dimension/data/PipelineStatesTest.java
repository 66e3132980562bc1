package dev.loupe.dimension.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.loupe.model.Batch;
import dev.loupe.model.Inference;
import dev.loupe.model.Outcome;
import dev.loupe.model.PipelineRun;
import dev.loupe.model.SeriesKey;
import dev.loupe.model.Span;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Freshness, failures, checks, row-count baselines and index ties of the watched pipelines. */
class PipelineStatesTest {
  static final long H = 3_600_000;
  static final long DAY = 24 * H;
  /** A Monday, midnight UTC. */
  static final long MONDAY = Instant.parse("2026-11-23T00:00:00Z").toEpochMilli();

  static PipelineRun ok(String p, long start, Long rows) {
    return new PipelineRun(p, true, start, start + 60_000, null, rows, null, null);
  }

  static PipelineRun failed(String p, long start) {
    return new PipelineRun(p, false, start, start + 60_000, null, null, null, "boom");
  }

  static WatchedPipelines watched(long since, PipelineSpec... specs) {
    return new WatchedPipelines(List.of(specs), List.of("db.collection.name"), ZoneOffset.UTC, since);
  }

  static PipelineState only(WatchedPipelines w, long at) {
    List<PipelineState> s = w.states(at);
    assertThat(s).hasSize(1);
    return s.get(0);
  }

  @Test
  void freshnessIsTheAgeOfTheLastSuccessAgainstEveryPlusMaxDelay() {
    PipelineSpec spec = new PipelineSpec("kb-refresh", PipelineKind.RAG_INDEX, Duration.ofHours(1),
        Duration.ofMinutes(30), "kb-prod", List.of("chat-prod"));
    WatchedPipelines w = watched(MONDAY, spec);
    w.observe(Batch.ofPipelineRuns(List.of(ok("kb-refresh", MONDAY, 10L), failed("kb-refresh", MONDAY + H))));
    PipelineState s = only(w, MONDAY + 2 * H);
    assertThat(s.lastSuccess().startedAtMillis()).isEqualTo(MONDAY);
    assertThat(s.lastSuccessAgeMillis()).isEqualTo(2 * H - 60_000);
    assertThat(s.stalenessRatio()).isCloseTo((2 * H - 60_000) / (1.5 * H), within(1e-12));
    assertThat(s.staleMillis()).isEqualTo(H / 2 - 60_000);
    assertThat(s.consecutiveFailures()).isEqualTo(1);
    assertThat(s.cadence().configured()).isTrue();
    // A run not finished by the moment judged is not known yet.
    assertThat(only(w, MONDAY + 30_000).lastRun()).isNull();
    // Three days later nothing changed: it is stale, not fine.
    assertThat(only(w, MONDAY + 3 * DAY).staleMillis()).isEqualTo(3 * DAY - 60_000 - 90 * 60_000);
  }

  @Test
  void aConfiguredPipelineThatNeverReportedIsStaleFromTheStartOfWatching() {
    WatchedPipelines w = watched(MONDAY, new PipelineSpec("nightly-etl", PipelineKind.BATCH, Duration.ofDays(1),
        Duration.ofHours(2), null, List.of()));
    PipelineState s = only(w, MONDAY + 27 * H);
    assertThat(s.lastRun()).isNull();
    assertThat(s.staleMillis()).isEqualTo(H);
    assertThat(PipelineRuleSignals.lastSuccess(s)).isEqualTo("never reported");
    // Max delay defaults to half of every.
    assertThat(only(watched(MONDAY, new PipelineSpec("x", null, Duration.ofHours(2), null, null, null)), MONDAY)
        .cadence().allowedMillis()).isEqualTo(3 * H);
  }

  @Test
  void anUnconfiguredPipelineLearnsItsCadenceFromFourRunsAndIsListedAfterTheConfiguredOnes() {
    WatchedPipelines w = watched(MONDAY, new PipelineSpec("b", PipelineKind.BATCH, Duration.ofHours(1), null, null, null));
    w.observe(Batch.ofPipelineRuns(List.of(ok("a", MONDAY, null), ok("a", MONDAY + 10 * 60_000, null),
        ok("a", MONDAY + 20 * 60_000, null))));
    assertThat(w.states(MONDAY + H)).extracting(PipelineState::name).containsExactly("b", "a");
    assertThat(w.states(MONDAY + H).get(1).cadence()).as("3 runs are too few").isNull();
    w.observe(Batch.ofPipelineRuns(List.of(ok("a", MONDAY + 31 * 60_000, null))));
    Cadence c = w.states(MONDAY + H).get(1).cadence();
    assertThat(c.every()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.maxDelay()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.configured()).isFalse();
    assertThat(w.states(MONDAY + H).get(1).spec().kind()).isEqualTo(PipelineKind.UNKNOWN);
  }

  @Test
  void failuresOfTheWeekAndTheChecksOfTheNewestRunThatReportedAny() {
    WatchedPipelines w = watched(MONDAY);
    List<PipelineRun> runs = new ArrayList<>();
    runs.add(new PipelineRun("etl", true, MONDAY - 8 * DAY, MONDAY - 8 * DAY + 1, null, null, null, null));
    for (int d = 0; d < 6; d++) runs.add(d % 3 == 2 ? failed("etl", MONDAY + d * DAY) : ok("etl", MONDAY + d * DAY, null));
    runs.add(new PipelineRun("etl", true, MONDAY + 6 * DAY, MONDAY + 6 * DAY + 1, null, null, null,
        List.of(new PipelineRun.Check("null_rate.email", false, 0.12), new PipelineRun.Check("schema", true, null)),
        null));
    runs.add(failed("etl", MONDAY + 6 * DAY + H));
    w.observe(Batch.ofPipelineRuns(runs));
    PipelineState s = only(w, MONDAY + 7 * DAY);
    assertThat(s.runsWeek()).isEqualTo(8);
    assertThat(s.failedWeek()).isEqualTo(3);
    assertThat(s.failureRatioWeek()).isEqualTo(3 / 8.0);
    assertThat(s.consecutiveFailures()).isEqualTo(1);
    assertThat(s.failedChecks()).extracting(PipelineRun.Check::name).containsExactly("null_rate.email");
    assertThat(s.checks()).hasSize(2);
  }

  @Test
  void aMondayIsComparedWithMondays() {
    // Four weeks: Mondays write 2 M rows (the weekly load), other days 1 M, with a little noise.
    List<PipelineRun> runs = new ArrayList<>();
    for (int d = -28; d < 0; d++) {
      long start = MONDAY + d * DAY + 2 * H;
      boolean monday = Math.floorMod(d, 7) == 0;
      runs.add(ok("etl", start, (monday ? 2_000_000L : 1_000_000L) + (d % 5) * 1_000L));
    }
    WatchedPipelines w = watched(MONDAY);
    w.observe(Batch.ofPipelineRuns(runs));
    w.observe(Batch.ofPipelineRuns(List.of(ok("etl", MONDAY + 2 * H, 2_001_000L))));
    RowCountBaseline usual = only(w, MONDAY + 3 * H).rows();
    assertThat(usual.basis()).isEqualTo("Mondays");
    assertThat(usual.baseline().count()).isEqualTo(4);
    assertThat(Math.abs(usual.deviation())).as("a usual Monday").isLessThan(1);

    WatchedPipelines w2 = watched(MONDAY);
    w2.observe(Batch.ofPipelineRuns(runs));
    w2.observe(Batch.ofPipelineRuns(List.of(ok("etl", MONDAY + 2 * H, 1_000_000L))));
    RowCountBaseline low = only(w2, MONDAY + 3 * H).rows();
    // A Monday like a Tuesday is half its Mondays: far below (the 2 % floor of 2 M is the scale).
    assertThat(low.direction()).isEqualTo("below");
    assertThat(low.deviation()).isLessThan(-20);
    // A Tuesday of 2 M would be far above its Tuesdays.
    WatchedPipelines w3 = watched(MONDAY);
    w3.observe(Batch.ofPipelineRuns(runs));
    w3.observe(Batch.ofPipelineRuns(List.of(ok("etl", MONDAY + DAY + 2 * H, 2_000_000L))));
    assertThat(only(w3, MONDAY + DAY + 3 * H).rows().deviation()).isGreaterThan(20);
  }

  @Test
  void withFewSameWeekdayRunsTheBaselineIsEveryDayAndWithTooFewThereIsNone() {
    List<PipelineRun> runs = new ArrayList<>();
    for (int d = -7; d < 0; d++) runs.add(ok("etl", MONDAY + d * DAY, 1_000L + d));
    WatchedPipelines w = watched(MONDAY);
    w.observe(Batch.ofPipelineRuns(runs.subList(1, 7)));
    w.observe(Batch.ofPipelineRuns(List.of(ok("etl", MONDAY, 1_000L))));
    assertThat(only(w, MONDAY + H).rows()).as("6 earlier runs").isNull();
    w.observe(Batch.ofPipelineRuns(runs.subList(0, 1)));
    RowCountBaseline b = only(w, MONDAY + H).rows();
    assertThat(b.basis()).isEqualTo("all days");
    assertThat(b.baseline().count()).isEqualTo(7);
    assertThat(b.baseline().median()).isEqualTo(996);
  }

  @Test
  void aTraceWhoseRetrievalSpanNamesTheIndexTiesItToTheDeploymentEvenAcrossBatches() {
    PipelineSpec kb = new PipelineSpec("kb-refresh", PipelineKind.RAG_INDEX, Duration.ofHours(1), null, "kb-prod",
        List.of("configured-bot"));
    WatchedPipelines w = watched(MONDAY, kb);
    long t = MONDAY + H;
    Span retrieval = new Span("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", null, "retrieve",
        t * 1_000_000, t * 1_000_000 + 5_000_000, null, Map.of("db.collection.name", "kb-prod"), Map.of());
    w.observe(new Batch(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(retrieval)));
    assertThat(w.ties(t + 1)).isEmpty();
    Inference answer = new Inference(t + 10, new SeriesKey("chat-api", "chat-prod", "gpt-4o", "v1"), "chat", "r-1",
        "4bf92f3577b34da6a3ce929d0e0e4736", null, null, 10L, 10L, null, 100.0, null, Outcome.OK, 200, "stop", null,
        null, null, null, null);
    w.observe(Batch.ofInferences(List.of(answer)));
    assertThat(w.ties(t + 20)).containsExactly(new IndexFeeds.Tie("chat-prod", "kb-prod", t + 10));
    assertThat(only(w, t + 20).feeds()).containsExactly("configured-bot", "chat-prod");
    // Forgotten a day after the last trace showing it.
    assertThat(only(w, t + 10 + IndexFeeds.FORGET_AFTER_MILLIS).feeds()).containsExactly("configured-bot");
  }

  @Test
  void theJudgeHasNoDataUntilAPipelineIsConfiguredOrReports() {
    WatchedPipelines none = watched(MONDAY);
    assertThat(new DataDimensionJudge(none).judge(MONDAY + H).status().wireName()).isEqualTo("no_data");
    none.observe(Batch.ofPipelineRuns(List.of(ok("etl", MONDAY, null))));
    var health = new DataDimensionJudge(none).judge(MONDAY + H);
    assertThat(health.status().wireName()).isEqualTo("ok");
    assertThat(health.reasons()).containsExactly("1 pipeline watched: etl",
        "etl: freshness not judged yet: its cadence is learnt from 4 runs; set data.pipelines.etl.every to judge it now");
  }
}
