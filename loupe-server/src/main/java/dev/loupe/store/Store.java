package dev.loupe.store;

import dev.loupe.model.InferenceRollup;
import dev.loupe.model.RollupPoint;
import dev.loupe.model.RollupQuery;
import dev.loupe.model.Batch;
import dev.loupe.model.CostSummary;
import dev.loupe.model.SpendBucket;
import dev.loupe.model.Deployment;
import dev.loupe.model.Inference;
import dev.loupe.model.InferenceFeatures;
import dev.loupe.model.LogRecord;
import dev.loupe.model.PipelineRun;
import dev.loupe.model.Sample;
import dev.loupe.model.LabelMatcher;
import dev.loupe.model.Score;
import dev.loupe.model.ScorePoint;
import dev.loupe.model.ScoreSummary;
import dev.loupe.model.Span;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where accepted records go. {@link #append} returns only once the batch is durable, so an
 * acknowledged request survives a crash. Every implementation passes {@code StoreContract}.
 * Implementations are safe for concurrent use.
 */
public interface Store extends AutoCloseable {

  /**
   * Appends every record of the batch that is not stored already; durable (committed) when this
   * returns. Returns the records that were new: a re-sent span (same trace and span id), an
   * inference of a re-sent span or with a request id and time already stored for its deployment, a
   * sample of a series at a timestamp it already has, and a pipeline run of a pipeline and start
   * already stored, are dropped (the first one stays).
   */
  Batch append(Batch batch);

  /** Inserts or replaces the rollups of (key, minute). */
  void upsertRollups(List<InferenceRollup> rollups);

  /** Rollups whose minute starts in {@code [fromMillis, toMillis)}, ordered by minute. */
  List<InferenceRollup> rollups(long fromMillis, long toMillis);

  /** Rollups aggregated per series and step, without reading the sketches or raw events. */
  List<RollupPoint> rollupRange(RollupQuery query);

  /** Inferences with time in {@code [fromMillis, toMillis)}, oldest first, at most {@code limit}. */
  List<Inference> inferences(long fromMillis, long toMillis, int limit);

  /** The same, only those of {@code tenant} (what a tenant-bound token may read). */
  List<Inference> inferencesOfTenant(long fromMillis, long toMillis, int limit, String tenant);

  /** Deployments with time in {@code [fromMillis, toMillis)}, oldest first. */
  List<Deployment> deployments(long fromMillis, long toMillis);

  /**
   * The newest {@code perDeployment} rollouts of each (service, deployment) at or after {@code
   * fromMillis}, oldest first: what the judges keep in memory, read without the whole history.
   */
  List<Deployment> latestDeployments(long fromMillis, int perDeployment);

  /** Log records with time in {@code [fromMillis, toMillis)}, oldest first, at most {@code limit}. */
  List<LogRecord> logs(long fromMillis, long toMillis, int limit);

  /** Scores with time in {@code [fromMillis, toMillis)}, oldest first, at most {@code limit}. */
  List<Score> scores(long fromMillis, long toMillis, int limit);

  /**
   * Scores aggregated per (series, name, source) and step, as {@link #rollupRange} does for
   * inferences; matchers may name {@code name} and {@code source} too. Scores whose inference is
   * not known yet are left out.
   */
  List<ScorePoint> scoreRange(RollupQuery query);

  /**
   * Scores with time in {@code [fromMillis, toMillis)} whose inference is known, summarized per
   * group of {@code groupBy} labels (of {@code service}, {@code deployment}, {@code model},
   * {@code model_version}, {@code name}, {@code source}), keeping those that match every matcher.
   */
  List<ScoreSummary> scoreSummary(long fromMillis, long toMillis, List<String> groupBy, List<LabelMatcher> matchers);

  /** The labels spend can be grouped and matched by; {@code api_key} is the key's hash. */
  List<String> COST_LABELS =
      List.of("service", "deployment", "model", "model_version", "tenant", "api_key", "operation", "cost_source");

  /**
   * The spend of inferences with time in {@code [fromMillis, toMillis)} matching every matcher,
   * per group of {@code groupBy} labels (of {@link #COST_LABELS}), the largest spend first.
   */
  List<CostSummary> costSummary(long fromMillis, long toMillis, List<String> groupBy, List<LabelMatcher> matchers);

  /**
   * The known spend of inferences with time in {@code [fromMillis, toMillis)} matching every
   * matcher, per group of {@code groupBy} labels and per bucket of {@code bucketMillis} counted
   * back from {@code toMillis - 1}: buckets end at {@code toMillis - 1 - k * bucketMillis}, so a
   * window ending at {@code toMillis - 1} whose length is a whole number of buckets holds whole
   * buckets. Buckets without spend are left out.
   */
  List<SpendBucket> spendBuckets(
      long fromMillis, long toMillis, long bucketMillis, List<String> groupBy, List<LabelMatcher> matchers);

  /**
   * The stored inferences with one of these request ids or trace ids and time at or after
   * {@code sinceMillis}, newest first, at most {@code limit}: what a late score or label is about.
   */
  List<Inference> inferencesByIds(Collection<String> requestIds, Collection<String> traceIds, long sinceMillis, int limit);

  /**
   * Hands {@code sink} the drift-relevant fields of every inference with time in
   * {@code [fromMillis, toMillis)} matching the matchers (on the series key), in no set order,
   * without collecting them: a month of traffic is read in one pass, never held.
   */
  void scanInferenceFeatures(List<LabelMatcher> matchers, long fromMillis, long toMillis, Consumer<InferenceFeatures> sink);

  /**
   * Hands {@code sink} every score tied to an inference with time in {@code [fromMillis, toMillis)}
   * matching the matchers (as {@link #scoreRange}), in no set order, without their comments.
   */
  void scanScores(List<LabelMatcher> matchers, long fromMillis, long toMillis, Consumer<Score> sink);

  /**
   * Gives each stored score newer than {@code sinceMillis} whose inference was not known when it
   * arrived the series of that inference, if it is stored now (by request id, else by trace id;
   * a trace with several model calls names its latest); returns how many scores were attached.
   */
  long attachScores(long sinceMillis);

  /**
   * Samples of one metric with time in {@code [fromMillis, toMillis)}, oldest first, at most
   * {@code limit}; staleness markers included.
   */
  List<Sample> samples(String name, long fromMillis, long toMillis, int limit);

  /**
   * What a range query needs of one metric's samples to evaluate at {@code start},
   * {@code start + step}, … up to {@code end} with a lookback: per series, the newest sample of
   * {@code (start - lookback, start]} and of each step's interval {@code (t - step, t]} — the only
   * samples an instant selector can pick at those steps. Oldest first, at most {@code limit};
   * staleness markers included. A 30-day chart reads a few hundred samples a series, not all.
   */
  List<Sample> samplesAtSteps(String name, long start, long end, long step, long lookback, int limit);

  /**
   * Samples whose metric name starts with one of {@code prefixes}, time in
   * {@code [fromMillis, toMillis)}, oldest first, at most {@code limit}.
   */
  List<Sample> samplesByNamePrefix(List<String> prefixes, long fromMillis, long toMillis, int limit);

  /** Every stored span of a trace, in start order (a trace may arrive in several batches). */
  List<Span> spans(String traceId);

  /** Spans starting in {@code [fromMillis, toMillis)}, in start order, at most {@code limit}. */
  List<Span> spansBetween(long fromMillis, long toMillis, int limit);

  /**
   * Pipeline runs that started in {@code [fromMillis, toMillis)}, oldest first, at most
   * {@code limit}: what the data dimension keeps in memory after a start, and the history a
   * pipeline's row-count baseline reads.
   */
  List<PipelineRun> pipelineRuns(long fromMillis, long toMillis, int limit);

  /** How many records of the type are kept. */
  long count(RecordType type);

  /**
   * Stored rows skipped by reads since the start because they no longer make a valid record, by
   * table; a row is counted each time a read meets it.
   */
  default java.util.Map<String, Long> unreadableRows() {
    return java.util.Map.of();
  }

  /**
   * Records written since the store was opened, by type: the new ones of each append (not the
   * duplicates it dropped) and each rollup upserted. Kept by the writer as it goes, so that
   * reading it costs no query; what Loupe's volume signals count per day.
   */
  default java.util.Map<RecordType, Long> appendedRecords() {
    return java.util.Map.of();
  }

  /** What the security detectors keep: findings, scan counts, usage per hour, learnt state. */
  SecurityRecords security();

  /** Deletes records of the type older than the cutoff; returns how many were deleted. */
  long deleteOlderThan(RecordType type, long cutoffMillis);

  /** The schema version the store is at after its migrations ran. */
  int schemaVersion();

  @Override
  void close();
}
