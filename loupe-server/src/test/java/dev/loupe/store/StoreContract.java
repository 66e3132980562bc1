package dev.loupe.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.InferenceRollup;
import dev.loupe.dimension.model.InferenceStats;
import dev.loupe.model.RollupPoint;
import dev.loupe.model.RollupQuery;
import dev.loupe.model.Batch;
import dev.loupe.model.CostSource;
import dev.loupe.model.CostSummary;
import dev.loupe.model.SpendBucket;
import dev.loupe.model.Deployment;
import dev.loupe.model.Inference;
import dev.loupe.model.InferenceFeatures;
import dev.loupe.model.LabelMatcher;
import dev.loupe.model.LogRecord;
import dev.loupe.model.Outcome;
import dev.loupe.model.PipelineRun;
import dev.loupe.model.Sample;
import dev.loupe.model.Score;
import dev.loupe.model.Span;
import dev.loupe.model.ScorePoint;
import dev.loupe.model.ScoreSource;
import dev.loupe.model.ScoreSummary;
import dev.loupe.model.SeriesKey;
import dev.loupe.model.SeriesSelector;
import dev.loupe.stats.SampleRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Store} must do, written once. A backend's test extends this and says how to
 * open a fresh store.
 */
public abstract class StoreContract {
  protected static final long T = 1_795_860_000_000L; // 2026-11-28T10:00:00Z, a whole minute
  protected static final long MIN = 60_000;
  protected static final SeriesKey A1 = new SeriesKey("chat-api", "chat-prod", "gpt-4o", "v1");
  protected static final SeriesKey A2 = new SeriesKey("chat-api", "chat-prod", "gpt-4o", "v2");
  protected static final SeriesKey B1 = new SeriesKey("rag", "embed-prod", "embed-3", "1");

  protected Store store;

  protected abstract Store open();

  @BeforeEach
  void openStore() {
    store = open();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  protected static Inference full(long ts, String requestId) {
    return new Inference(ts, A1, "chat", requestId, "4bf92f3577b34da6a3ce929d0e0e4736", "acme", "sha256:0011",
        812L, 164L, 12L, 1234.5, 310.0, Outcome.THROTTLED, 429, "stop", true, 0.0123, "hi", "hello", 990L);
  }

  protected static Inference sparse(long ts, SeriesKey key) {
    return new Inference(ts, key, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null);
  }

  @Test
  void inferencesRoundTripExactlyWithAndWithoutOptionalFields() {
    Inference f = full(T, "r-1");
    Inference s = sparse(T + 1, B1);
    store.append(Batch.ofInferences(List.of(f, s)));
    assertThat(store.inferences(T, T + 2, 10)).containsExactly(f, s);
    assertThat(store.count(RecordType.INFERENCE)).isEqualTo(2);
  }

  @Test
  void appendedRecordsCountTheNewRecordsOfEachTypeAndNotTheDuplicates() {
    store.append(Batch.ofInferences(List.of(full(T, "r-1"), sparse(T + 1, B1))));
    Sample s = new Sample("up", Map.of("job", "dcgm"), T, 1);
    store.append(Batch.ofSamples(List.of(s)));
    store.append(Batch.ofSamples(List.of(s, new Sample("up", Map.of("job", "dcgm"), T + 15_000, 1)))); // s again
    Map<RecordType, Long> appended = store.appendedRecords();
    assertThat(appended).containsEntry(RecordType.INFERENCE, 2L).containsEntry(RecordType.SAMPLE, 2L)
        .containsEntry(RecordType.LOG, 0L);
  }

  @Test
  void costFieldsRoundTrip() {
    Inference priced = new Inference(T, A1, "chat", "r-9", null, "acme", "sha256:0011", 1000L, 300L, 200L, 10.0,
        null, Outcome.OK, 200, "stop", null, null, null, null, null, "span-1", 100L, 120L, null)
        .withCost(0.0042, CostSource.CATALOG);
    Inference unknown = sparse(T + 1, B1).withCost(null, CostSource.UNKNOWN);
    Inference reported = new Inference(T + 2, A2, null, null, null, null, null, 10L, 5L, null, null, null, null,
        null, null, null, 0.5, null, null, null);
    store.append(Batch.ofInferences(List.of(priced, unknown, reported)));
    List<Inference> back = store.inferences(T, T + 3, 10);
    assertThat(back).containsExactly(priced, unknown, reported);
    assertThat(back.get(0).cacheWriteTokens()).isEqualTo(100L);
    assertThat(back.get(0).reasoningTokens()).isEqualTo(120L);
    assertThat(back.get(0).costSource()).isEqualTo(CostSource.CATALOG);
    assertThat(back.get(1).costSource()).isEqualTo(CostSource.UNKNOWN);
    assertThat(back.get(2).costSource()).as("a cost given without a source is the sender's").isEqualTo(CostSource.REPORTED);
  }

  private static Inference costing(long ts, SeriesKey key, String tenant, String apiKey, Double cost, CostSource source,
      Outcome outcome) {
    return new Inference(ts, key, "chat", null, null, tenant, apiKey, 100L, 50L, null, 10.0, null, outcome, null,
        null, null, cost, null, null, null, null, null, null, source);
  }

  @Test
  void costSummaryGroupsSpendWithItsFiguresAndLeavesUnknownCostOutOfTheSum() {
    store.append(Batch.ofInferences(List.of(
        costing(T, A1, "acme", "sha256:aa", 1.0, CostSource.CATALOG, Outcome.OK),
        costing(T + 1, A1, "acme", "sha256:aa", 3.0, CostSource.CATALOG, Outcome.ERROR),
        costing(T + 2, A2, "globex", "sha256:bb", 2.0, CostSource.REPORTED, Outcome.OK),
        costing(T + 3, B1, "acme", "sha256:aa", null, CostSource.UNKNOWN, Outcome.OK),
        costing(T + 4, B1, "acme", "sha256:aa", 7.0, CostSource.CATALOG, Outcome.OK),
        costing(T + MIN, A1, "acme", "sha256:aa", 100.0, CostSource.CATALOG, Outcome.OK))));
    List<CostSummary> byVersion = store.costSummary(T, T + MIN, List.of("model", "model_version"), List.of());
    assertThat(byVersion).extracting(c -> c.group().get("model") + "/" + c.group().get("model_version") + "=" + c.spend())
        .as("largest spend first; the minute after the range left out").containsExactly("embed-3/1=7.0", "gpt-4o/v1=4.0", "gpt-4o/v2=2.0");
    CostSummary v1 = byVersion.get(1);
    assertThat(v1.requests()).isEqualTo(2);
    assertThat(v1.successful()).isEqualTo(1);
    assertThat(v1.priced()).isEqualTo(2);
    assertThat(v1.meanCost()).isEqualTo(2.0);
    assertThat(v1.stddevCost()).isCloseTo(Math.sqrt(2), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(v1.perSuccessful()).isEqualTo(4.0);
    assertThat(v1.perThousandRequests()).isEqualTo(2000.0);
    CostSummary embed = byVersion.get(0);
    assertThat(embed.unknown()).isEqualTo(1);
    assertThat(embed.priced()).isEqualTo(1);
    assertThat(embed.unpricedTokens()).as("input and output of the unknown one").isEqualTo(150);
    assertThat(embed.firstMillis()).isEqualTo(T + 3);
    assertThat(embed.lastPricedMillis()).isEqualTo(T + 4);

    List<CostSummary> byKey = store.costSummary(T, T + 2 * MIN, List.of("api_key"),
        List.of(LabelMatcher.eq("tenant", "acme")));
    assertThat(byKey).extracting(c -> c.group().get("api_key") + "=" + c.spend()).containsExactly("sha256:aa=111.0");
    assertThat(store.costSummary(T, T + MIN, List.of(), List.of(LabelMatcher.eq("cost_source", "unknown"))))
        .singleElement().satisfies(c -> {
          assertThat(c.requests()).isEqualTo(1);
          assertThat(Double.isNaN(c.meanCost())).as("no priced one").isTrue();
        });
  }

  @Test
  void spendBucketsAreCountedBackFromTheEndSoWindowsEndingThereHoldWholeBuckets() {
    long end = T + 10 * MIN + 30_000; // not on a minute
    store.append(Batch.ofInferences(List.of(
        costing(end - 1, A1, "acme", "sha256:aa", 1.0, CostSource.CATALOG, Outcome.OK),
        costing(end - MIN, A1, "acme", "sha256:aa", 2.0, CostSource.CATALOG, Outcome.OK),
        costing(end - MIN - 1, A1, "acme", "sha256:bb", 4.0, CostSource.CATALOG, Outcome.OK),
        costing(end - 5 * MIN, A1, "acme", "sha256:bb", 8.0, CostSource.CATALOG, Outcome.OK),
        costing(end - 5 * MIN, A1, "acme", "sha256:bb", null, CostSource.UNKNOWN, Outcome.OK))));
    List<SpendBucket> buckets = store.spendBuckets(end - 5 * MIN, end, MIN, List.of("api_key"), List.of());
    assertThat(buckets).extracting(b -> b.group().get("api_key") + "@" + (end - 1 - b.endMillis()) / MIN + "=" + b.spend())
        .containsExactlyInAnyOrder("sha256:aa@0=3.0", "sha256:bb@1=4.0", "sha256:bb@4=8.0");
    assertThat(store.spendBuckets(end - 5 * MIN, end, MIN, List.of(), List.of(LabelMatcher.eq("api_key", "sha256:aa"))))
        .extracting(SpendBucket::spend).containsExactly(3.0);
  }

  @Test
  void rangesAreHalfOpenOrderedAndLimited() {
    List<Inference> all = new ArrayList<>();
    for (int i = 9; i >= 0; i--) all.add(sparse(T + i * 1000L, A1));
    store.append(Batch.ofInferences(all));
    List<Inference> mid = store.inferences(T + 2000, T + 5000, 100);
    assertThat(mid).extracting(Inference::timestampMillis).containsExactly(T + 2000, T + 3000, T + 4000);
    assertThat(store.inferences(T, T + 100_000, 4)).extracting(Inference::timestampMillis)
        .containsExactly(T, T + 1000, T + 2000, T + 3000);
  }

  @Test
  void otherRecordTypesRoundTrip() {
    LogRecord log = new LogRecord(T, "ERROR", "chat-api", "upstream failed", "r-1", "t-1",
        Map.of("user", "u1", "latency_ms", "30"));
    LogRecord bare = new LogRecord(T + 1, null, null, null, null, null, null);
    Deployment d = new Deployment(T, "chat-api", "chat-prod", "gpt-4o", "v1", "v2");
    Deployment first = new Deployment(T + 1, "chat-api", "chat-prod", "gpt-4o", null, "v1");
    Score score = new Score(T, "helpfulness", 0.75, ScoreSource.LLM_JUDGE, "r-1", null, "terse");
    Score byTrace = new Score(T + 1, "thumbs", 1, ScoreSource.HUMAN, null, "t-9", null);
    Sample sample = new Sample("DCGM_FI_DEV_GPU_UTIL", Map.of("gpu", "0"), T, 97.0);
    store.append(new Batch(List.of(), List.of(log, bare), List.of(d, first), List.of(score, byTrace), List.of(sample), List.of()));
    assertThat(store.logs(T, T + 2, 10)).containsExactly(log, bare);
    assertThat(store.deployments(T, T + 2)).containsExactly(d, first);
    assertThat(store.scores(T, T + 2, 10)).containsExactly(score, byTrace);
    assertThat(store.count(RecordType.SAMPLE)).isEqualTo(1);
  }

  @Test
  void scoresKeepTheSeriesOfTheirInferenceAndAggregatePerStep() {
    Score v1 = new Score(T + 10, "groundedness", 0.9, ScoreSource.HEURISTIC, "r-1", null, null, A1);
    Score v1b = new Score(T + 20, "groundedness", 0.7, ScoreSource.HEURISTIC, "r-2", null, null, A1);
    Score v2 = new Score(T + MIN + 5, "groundedness", 0.3, ScoreSource.HEURISTIC, "r-3", null, null, A2);
    Score human = new Score(T + 30, "user_feedback", 1, ScoreSource.HUMAN, "r-1", null, null, A1);
    Score orphan = new Score(T + 40, "groundedness", 0.1, ScoreSource.HEURISTIC, "r-9", null, null);
    store.append(new Batch(List.of(), List.of(), List.of(), List.of(v1, v1b, v2, human, orphan), List.of(), List.of()));
    assertThat(store.scores(T, T + 2 * MIN, 10)).containsExactly(v1, v1b, human, orphan, v2);

    List<ScorePoint> points = store.scoreRange(new RollupQuery(T + MIN, T + 2 * MIN, MIN, MIN,
        List.of(new LabelMatcher("name", LabelMatcher.Op.EQ, "groundedness"))));
    assertThat(points).extracting(p -> p.key().modelVersion() + "@" + (p.timeMillis() - T) / MIN + " n=" + p.count()
        + " sum=" + Math.round(p.sum() * 10) / 10.0)
        .containsExactly("v1@1 n=2 sum=1.6", "v2@2 n=1 sum=0.3");
    assertThat(store.scoreRange(new RollupQuery(T + MIN, T + MIN, MIN, MIN,
        List.of(new LabelMatcher("source", LabelMatcher.Op.EQ, "human"))))).extracting(ScorePoint::name)
        .containsExactly("user_feedback");

    List<ScoreSummary> byVersion = store.scoreSummary(T, T + 2 * MIN, List.of("model_version", "name"), List.of());
    assertThat(byVersion).extracting(x -> x.group().get("model_version") + " " + x.group().get("name") + " n="
        + x.count() + " mean=" + Math.round(x.mean() * 100) / 100.0)
        .containsExactly("v1 groundedness n=2 mean=0.8", "v1 user_feedback n=1 mean=1.0", "v2 groundedness n=1 mean=0.3");
  }

  @Test
  void scansHandOverTheFeaturesOfMatchingInferencesAndTheScoresOfMatchingSeries() {
    Inference f = full(T, "r-1");
    store.append(Batch.ofInferences(List.of(f, sparse(T + 1, A2), sparse(T + 2, B1), sparse(T + MIN, A1))));
    List<InferenceFeatures> seen = new ArrayList<>();
    store.scanInferenceFeatures(List.of(new LabelMatcher("deployment", LabelMatcher.Op.EQ, "chat-prod")), T, T + MIN,
        seen::add);
    seen.sort(java.util.Comparator.comparingLong(InferenceFeatures::timestampMillis));
    assertThat(seen).containsExactly(
        new InferenceFeatures(T, A1, "chat", 812L, 164L, 1234.5, 310.0, Outcome.THROTTLED, "stop", 0.0123),
        new InferenceFeatures(T + 1, A2, null, null, null, null, null, Outcome.OK, null, null));

    Score a = new Score(T, "groundedness", 0.9, ScoreSource.HEURISTIC, "r-1", null, "kept apart", A1);
    Score b = new Score(T + 1, "groundedness", 0.5, ScoreSource.HEURISTIC, "r-2", null, null, B1);
    Score orphan = new Score(T + 2, "groundedness", 0.1, ScoreSource.HEURISTIC, "r-3", null, null);
    store.append(new Batch(List.of(), List.of(), List.of(), List.of(a, b, orphan), List.of(), List.of()));
    List<Score> scores = new ArrayList<>();
    store.scanScores(List.of(new LabelMatcher("model_version", LabelMatcher.Op.EQ, "v1")), T, T + MIN, scores::add);
    assertThat(scores).extracting(Score::value, Score::key, Score::comment)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(0.9, A1, null));
  }

  @Test
  void inferencesAreFoundByRequestOrTraceIdNewestFirst() {
    Inference old = full(T, "r-1");
    Inference newer = full(T + 5, "r-1");
    Inference other = full(T + 6, "r-2");
    store.append(Batch.ofInferences(List.of(old, newer, other)));
    assertThat(store.inferencesByIds(List.of("r-1"), List.of(), T, 10)).containsExactly(newer, old);
    assertThat(store.inferencesByIds(List.of("r-1"), List.of(), T + 1, 10)).containsExactly(newer);
    assertThat(store.inferencesByIds(List.of(), List.of("4bf92f3577b34da6a3ce929d0e0e4736"), T, 2))
        .containsExactly(other, newer);
    assertThat(store.inferencesByIds(List.of("nope"), List.of(), T, 10)).isEmpty();
  }

  @Test
  void scoresThatArrivedBeforeTheirInferenceAreAttachedOnceItIsStored() {
    Score early = new Score(T, "groundedness", 0.5, ScoreSource.HEURISTIC, "r-1", null, null);
    Score byTrace = new Score(T, "user_feedback", 1, ScoreSource.HUMAN, null, "t-7", null);
    store.append(new Batch(List.of(), List.of(), List.of(), List.of(early, byTrace), List.of(), List.of()));
    assertThat(store.attachScores(T - MIN)).isZero();
    Inference i = new Inference(T + 3, A2, "chat", "r-1", "t-7", null, null, null, null, null, 10.0, null, null,
        null, null, null, null, null, null, null);
    store.append(Batch.ofInferences(List.of(i)));
    assertThat(store.attachScores(T - MIN)).isEqualTo(2);
    assertThat(store.scores(T, T + 1, 10)).extracting(Score::key).containsExactly(A2, A2);
    assertThat(store.attachScores(T - MIN)).isZero();
  }

  @Test
  void latestDeploymentsAreTheNewestPerServiceAndDeployment() {
    List<Deployment> all = new java.util.ArrayList<>();
    for (int i = 0; i < 30; i++) {
      all.add(new Deployment(T + i * 1000L, i % 2 == 0 ? "chat-api" : "search-api", "prod-" + (i % 3), "gpt-4o",
          "v" + i, "v" + (i + 1)));
    }
    java.util.Collections.reverse(all);
    store.append(new Batch(List.of(), List.of(), all, List.of(), List.of(), List.of()));
    List<Deployment> latest = store.latestDeployments(T, 2);
    assertThat(latest).hasSize(12).isSortedAccordingTo(java.util.Comparator.comparingLong(Deployment::timestampMillis));
    for (Deployment d : latest) {
      long newer = all.stream().filter(o -> o.service().equals(d.service()) && o.deployment().equals(d.deployment())
          && o.timestampMillis() > d.timestampMillis()).count();
      assertThat(newer).as("newer rollouts of %s/%s", d.service(), d.deployment()).isLessThan(2);
    }
    assertThat(store.latestDeployments(T + 28_000, 2)).extracting(Deployment::toVersion).containsExactly("v29", "v30");
  }

  protected static InferenceRollup rollup(SeriesKey key, long minute, int requests, double latencyBase) {
    InferenceStats s = new InferenceStats();
    for (int i = 0; i < requests; i++) {
      s.add(new Inference(minute + i, key, null, null, null, null, null, 10L, 5L, null,
          latencyBase + i, null, i % 10 == 9 ? Outcome.ERROR : Outcome.OK, null, null, null, null, null, null, null));
    }
    return s.toRollup(key, minute);
  }

  @Test
  void spansOfATraceReadBackInStartOrderAcrossBatches() {
    long ns = T * 1_000_000;
    Span child = new Span("t1", "s2", "s1", "llm", ns + 5, ns + 9, "ok", Map.of("gen_ai.request.model", "gpt-4o"),
        Map.of("service.name", "chat-api"));
    Span root = new Span("t1", "s1", null, "gateway", ns, ns + 10, null, Map.of(), Map.of());
    Span other = new Span("t2", "s9", null, "x", ns, ns + 1, null, Map.of(), Map.of());
    store.append(new Batch(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(child, other)));
    store.append(new Batch(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(root)));
    assertThat(store.spans("t1")).containsExactly(root, child);
    assertThat(store.spansBetween(T, T + 1, 10)).containsExactly(root, other, child);
    assertThat(store.spansBetween(T, T + 1, 1)).hasSize(1);
    assertThat(store.count(RecordType.SPAN)).isEqualTo(3);
    assertThat(store.deleteOlderThan(RecordType.SPAN, T + 1)).isEqualTo(3);
  }

  @Test
  void samplesReadBackByNameInTimeOrderWithStaleMarkers() {
    Sample util = new Sample("DCGM_FI_DEV_GPU_UTIL", Map.of("gpu", "0", "Hostname", "n1"), T + 2, 97.5);
    Sample earlier = new Sample("DCGM_FI_DEV_GPU_UTIL", Map.of("gpu", "1"), T, 3);
    Sample other = new Sample("DCGM_FI_DEV_GPU_TEMP", Map.of("gpu", "0"), T, 70);
    Sample ended = Sample.staleMarker("DCGM_FI_DEV_GPU_UTIL", Map.of("gpu", "1"), T + 5);
    store.append(Batch.ofSamples(List.of(util, earlier, other, ended)));
    List<Sample> read = store.samples("DCGM_FI_DEV_GPU_UTIL", T, T + 10, 10);
    assertThat(read).hasSize(3);
    assertThat(read.subList(0, 2)).containsExactly(earlier, util);
    assertThat(read.get(2).isStaleMarker()).as("the marker's NaN bits survive the store").isTrue();
    assertThat(store.samples("DCGM_FI_DEV_GPU_UTIL", T, T + 10, 1)).containsExactly(earlier);
    assertThat(store.samplesByNamePrefix(List.of("DCGM_FI_DEV_GPU_T", "nothing_"), T, T + 10, 10))
        .containsExactly(other);
    assertThat(store.samplesByNamePrefix(List.of("DCGM_"), T + 1, T + 10, 10)).hasSize(2);
  }

  /**
   * The samples a range query reads at its steps answer exactly as all the samples do: random
   * series with gaps and staleness markers, steps shorter and longer than the lookback, ranges
   * whose ends fall between samples.
   */
  @Test
  void samplesAtStepsEvaluateAsAllTheSamplesDo() {
    java.util.Random r = new java.util.Random(7);
    List<Sample> all = new ArrayList<>();
    for (int series = 0; series < 4; series++) {
      Map<String, String> labels = Map.of("gpu", String.valueOf(series));
      for (long t = T; t < T + 6 * 3_600_000L; t += 5_000 + r.nextInt(30_000)) {
        if (r.nextInt(200) == 0) t += 20 * MIN; // a gap longer than the lookback
        all.add(r.nextInt(300) == 0 ? Sample.staleMarker("DCGM_FI_DEV_GPU_UTIL", labels, t)
            : new Sample("DCGM_FI_DEV_GPU_UTIL", labels, t, r.nextInt(100)));
      }
    }
    all.add(new Sample("DCGM_FI_DEV_GPU_TEMP", Map.of("gpu", "0"), T + MIN, 70));
    store.append(Batch.ofSamples(all));
    long lookback = 5 * MIN;
    SeriesSelector selector = SeriesSelector.parse("DCGM_FI_DEV_GPU_UTIL");
    long[][] ranges = {{T, T + 6 * 3_600_000L, 15_000}, {T + 7_777, T + 5 * 3_600_000L, 60_000},
        {T + 3 * MIN, T + 6 * 3_600_000L + MIN, 3_600_000}, {T - MIN, T + 2 * 3_600_000L, 10 * MIN}};
    for (long[] q : ranges) {
      List<Sample> reduced = store.samplesAtSteps("DCGM_FI_DEV_GPU_UTIL", q[0], q[1], q[2], lookback, 1_000_000);
      List<Sample> raw = store.samples("DCGM_FI_DEV_GPU_UTIL", q[0] - lookback, q[1] + 1, 1_000_000);
      assertThat(SampleRange.evaluate(selector, reduced, q[0], q[1], q[2], lookback))
          .as("step %d", q[2]).isNotEmpty()
          .containsExactlyInAnyOrderElementsOf(SampleRange.evaluate(selector, raw, q[0], q[1], q[2], lookback));
      assertThat(reduced).as("oldest first").isSortedAccordingTo(java.util.Comparator.comparingLong(Sample::timestampMillis));
      if (q[2] >= 10 * MIN) assertThat(reduced.size()).as("a sample per series and step at most").isLessThan(raw.size() / 10);
    }
  }

  @Test
  void rollupsUpsertByKeyAndMinuteAndKeepTheirSketches() {
    InferenceRollup r = rollup(A1, T, 20, 100);
    store.upsertRollups(List.of(r, rollup(A2, T, 5, 100), rollup(A1, T + MIN, 3, 100)));
    InferenceRollup replaced = rollup(A1, T, 40, 200);
    store.upsertRollups(List.of(replaced));
    List<InferenceRollup> back = store.rollups(T, T + MIN);
    assertThat(back).hasSize(2);
    InferenceRollup a1 = back.stream().filter(x -> x.key().equals(A1)).findFirst().orElseThrow();
    assertThat(a1.requests()).isEqualTo(40);
    assertThat(a1.latencyP95Ms()).isEqualTo(replaced.latencyP95Ms());
    assertThat(InferenceStats.of(a1).latencyMs(0.95)).isEqualTo(replaced.latencyP95Ms());
    assertThat(a1.ttftP95Ms()).as("no samples stays NaN").isNaN();
    assertThat(store.count(RecordType.ROLLUP)).isEqualTo(3);
  }

  @Test
  void rollupRangeAggregatesPerSeriesAndStep() {
    List<InferenceRollup> rollups = new ArrayList<>();
    for (int m = 0; m < 10; m++) {
      rollups.add(rollup(A1, T + m * MIN, 10, 100 * (m + 1)));
      rollups.add(rollup(B1, T + m * MIN, 20, 10));
    }
    store.upsertRollups(rollups);
    // step = 1 m: the point at t covers the minute starting at t - 1 m
    List<RollupPoint> perMinute = store.rollupRange(new RollupQuery(T + MIN, T + 10 * MIN, MIN, MIN,
        List.of(LabelMatcher.eq("deployment", "chat-prod"))));
    assertThat(perMinute).hasSize(10).allMatch(p -> p.key().equals(A1) && p.requests() == 10
        && p.coveredMillis() == MIN && p.errors() == 1);
    assertThat(perMinute.get(0).latencyP95Ms()).isEqualTo(rollups.get(0).latencyP95Ms());
    // step = 5 m: counts sum, quantiles are count-weighted means
    List<RollupPoint> fiveMin = store.rollupRange(new RollupQuery(T + 5 * MIN, T + 10 * MIN, 5 * MIN, 5 * MIN,
        List.of(LabelMatcher.eq("model_version", "v1"))));
    assertThat(fiveMin).hasSize(2);
    assertThat(fiveMin.get(0).requests()).isEqualTo(50);
    assertThat(fiveMin.get(0).coveredMillis()).isEqualTo(5 * MIN);
    double mean = 0;
    for (int m = 0; m < 5; m++) mean += rollups.get(2 * m).latencyP95Ms() / 5;
    assertThat(fiveMin.get(0).latencyP95Ms()).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-6));
    // lookback longer than step: a minute counts in several points
    List<RollupPoint> sliding = store.rollupRange(new RollupQuery(T + 3 * MIN, T + 4 * MIN, MIN, 3 * MIN,
        List.of(LabelMatcher.eq("service", "rag"))));
    assertThat(sliding).extracting(RollupPoint::requests).containsExactly(60L, 60L);
    // points with no minutes are left out
    assertThat(store.rollupRange(new RollupQuery(T + 20 * MIN, T + 30 * MIN, MIN, MIN, List.of()))).isEmpty();
  }

  @Test
  void everyMatcherOperator() {
    store.upsertRollups(List.of(rollup(A1, T, 1, 1), rollup(A2, T, 1, 1), rollup(B1, T, 1, 1)));
    assertThat(keys(List.of(new LabelMatcher("model_version", LabelMatcher.Op.NEQ, "v1")))).containsExactly(A2, B1);
    assertThat(keys(List.of(new LabelMatcher("deployment", LabelMatcher.Op.RE, "chat.*")))).containsExactly(A1, A2);
    assertThat(keys(List.of(new LabelMatcher("deployment", LabelMatcher.Op.RE, "chat")))).as("anchored").isEmpty();
    assertThat(keys(List.of(new LabelMatcher("model", LabelMatcher.Op.NRE, "gpt.*")))).containsExactly(B1);
    assertThat(keys(List.of(LabelMatcher.eq("tenant", "")))).as("absent label is empty").hasSize(3);
    assertThat(keys(List.of(LabelMatcher.eq("tenant", "acme")))).isEmpty();
    assertThat(keys(List.of(LabelMatcher.eq("service", "x' OR '1'='1")))).as("values are bound, not spliced").isEmpty();
  }

  private List<SeriesKey> keys(List<LabelMatcher> matchers) {
    return store.rollupRange(new RollupQuery(T + MIN, T + MIN, MIN, MIN, matchers)).stream()
        .map(RollupPoint::key).toList();
  }

  @Test
  void deleteOlderThanForEveryType() {
    store.append(new Batch(List.of(sparse(T, A1), sparse(T + 2 * MIN, A1)),
        List.of(new LogRecord(T, null, null, "old", null, null, null)),
        List.of(new Deployment(T, "s", "d", "m", null, "v1")),
        List.of(new Score(T, "n", 1, null, "r", null, null)),
        List.of(new Sample("x", Map.of(), T, 1)),
        List.of(new Span("t", "s", null, "old", T * 1_000_000, T * 1_000_000 + 5, null, Map.of(), Map.of())),
        Map.of(), List.of(new PipelineRun("etl", true, T, T + 5, null, null, null, null))));
    store.upsertRollups(List.of(rollup(A1, T, 1, 1), rollup(A1, T + 2 * MIN, 1, 1)));
    for (RecordType type : RecordType.values()) {
      long before = store.count(type);
      long deleted = store.deleteOlderThan(type, T + MIN);
      assertThat(deleted).as(type.configName()).isPositive();
      assertThat(store.count(type)).isEqualTo(before - deleted);
    }
    assertThat(store.count(RecordType.INFERENCE)).isEqualTo(1);
    assertThat(store.count(RecordType.ROLLUP)).isEqualTo(1);
  }

  @Test
  void pipelineRunsRoundTripWithTheirChecksAndARunReSentIsKeptOnce() {
    PipelineRun full = new PipelineRun("nightly-etl", false, T, T + 90_000, 1_200_000L, 1_150_000L, 4_096L,
        List.of(new PipelineRun.Check("null_rate.email", false, 0.12), new PipelineRun.Check("schema", true, null)),
        "upstream export missing");
    PipelineRun bare = new PipelineRun("kb-refresh", true, T + 1, T + 1, null, null, null, null);
    Batch kept = store.append(Batch.ofPipelineRuns(List.of(full, bare)));
    assertThat(kept.pipelineRuns()).containsExactly(full, bare);
    assertThat(store.pipelineRuns(T, T + 2, 10)).containsExactly(full, bare);

    // The same pipeline and start again, even reported differently (a retry after a lost answer):
    // the first report stays. Another start, or another pipeline at the same start, is a new run.
    PipelineRun retried = new PipelineRun("nightly-etl", true, T, T + 95_000, null, 7L, null, null);
    PipelineRun next = new PipelineRun("nightly-etl", true, T + MIN, T + 2 * MIN, null, 9L, null, null);
    PipelineRun other = new PipelineRun("other", true, T, T, null, null, null, null);
    kept = store.append(Batch.ofPipelineRuns(List.of(retried, next, other, next)));
    assertThat(kept.pipelineRuns()).containsExactly(next, other);
    assertThat(store.pipelineRuns(T, T + 3 * MIN, 10)).containsExactly(full, other, bare, next);
    assertThat(store.count(RecordType.PIPELINE_RUN)).isEqualTo(4);
    assertThat(store.appendedRecords()).containsEntry(RecordType.PIPELINE_RUN, 4L);
    assertThat(store.pipelineRuns(T, T + 3 * MIN, 2)).containsExactly(full, other);
  }

  @Test
  void schemaIsMigrated() {
    assertThat(store.schemaVersion()).isPositive();
  }
}
