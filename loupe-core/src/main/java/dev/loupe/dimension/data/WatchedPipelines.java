package dev.loupe.dimension.data;

import dev.loupe.model.Batch;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipelines the data dimension watches: those configured ({@code data.pipelines}) and those
 * that reported a run, with their runs ({@link PipelineLog}) and the deployments their indexes
 * feed ({@link IndexFeeds}). A configured pipeline that never reported is watched from
 * {@code watchedSinceMillis} (Loupe's start): once its cadence has passed with no run, it is
 * stale, never fine. Fed every durable batch; thread-safe.
 *
 * <pre>{@code
 * WatchedPipelines p = new WatchedPipelines(specs, List.of("db.collection.name"), ZoneOffset.UTC, start);
 * p.observe(batch);                          // every durable batch
 * for (PipelineState s : p.states(now)) ...  // freshness, failures, checks, row baseline, feeds
 * }</pre>
 */
public final class WatchedPipelines {
  private final Map<String, PipelineSpec> configured = new LinkedHashMap<>();
  private final PipelineLog log = new PipelineLog();
  private final IndexFeeds feeds;
  private final ZoneId zone;
  private final long watchedSinceMillis;

  public WatchedPipelines(List<PipelineSpec> specs, List<String> indexAttributes, ZoneId zone, long watchedSinceMillis) {
    for (PipelineSpec s : specs) configured.put(s.name(), s);
    this.feeds = new IndexFeeds(indexAttributes);
    this.zone = zone;
    this.watchedSinceMillis = watchedSinceMillis;
  }

  /** Notes the runs of a durable batch, and the index ties its traces show. */
  public void observe(Batch batch) {
    if (!batch.pipelineRuns().isEmpty()) log.add(batch.pipelineRuns());
    if (!batch.spans().isEmpty() || !batch.inferences().isEmpty()) feeds.observe(batch.spans(), batch.inferences());
  }

  /** The runs the store kept, after a start. */
  public PipelineLog log() {
    return log;
  }

  public long watchedSinceMillis() {
    return watchedSinceMillis;
  }

  /** Whether any pipeline is configured or has reported. */
  public boolean any() {
    return !configured.isEmpty() || !log.isEmpty();
  }

  /** Every watched pipeline as of {@code asOfMillis}: configured ones first, by name, then the others. */
  public List<PipelineState> states(long asOfMillis) {
    List<IndexFeeds.Tie> ties = feeds.ties(asOfMillis);
    List<PipelineState> out = new ArrayList<>();
    for (PipelineSpec s : configured.values()) out.add(state(s, asOfMillis, ties));
    for (String name : log.pipelines()) {
      if (!configured.containsKey(name)) out.add(state(PipelineSpec.unconfigured(name), asOfMillis, ties));
    }
    return out;
  }

  /** The deployments seen answering from an index, with when, as of {@code asOfMillis}. */
  public List<IndexFeeds.Tie> ties(long asOfMillis) {
    return feeds.ties(asOfMillis);
  }

  private PipelineState state(PipelineSpec spec, long asOfMillis, List<IndexFeeds.Tie> ties) {
    List<String> traced = new ArrayList<>();
    String index = indexOf(spec);
    if (index != null) {
      for (IndexFeeds.Tie t : ties) if (t.index().equals(index) && !traced.contains(t.deployment())) traced.add(t.deployment());
    }
    return PipelineState.of(spec, log.runs(spec.name(), asOfMillis), asOfMillis, watchedSinceMillis, traced, zone);
  }

  /**
   * The index a pipeline refreshes: a rag_index's own, or for a pipeline not configured its
   * name (a span naming a collection of that name is its); a batch pipeline has none.
   */
  public static String indexOf(PipelineSpec spec) {
    return switch (spec.kind()) {
      case RAG_INDEX -> spec.index();
      case UNKNOWN -> spec.name();
      case BATCH -> null;
    };
  }
}
