package dev.loupe.dimension.data;

import dev.loupe.model.PipelineRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The recent runs of every pipeline, in memory: what freshness, failures, checks and row-count
 * baselines are judged from. Fed every durable run (and the stored ones after a start); a run is
 * known by its pipeline and start, so a re-sent one replaces nothing. Per pipeline it keeps the
 * runs of the last {@link #HISTORY} (a weekday baseline reads 8 weeks) up to {@value #MAX_RUNS},
 * and always the newest success, however old: freshness is measured from it. Thread-safe.
 */
public final class PipelineLog {
  /** Eight weeks of weekday baseline and the day being judged. */
  public static final Duration HISTORY = Duration.ofDays(7 * RowCountBaseline.WEEKS + 1);
  static final int MAX_RUNS = 5_000;
  private static final long HISTORY_MILLIS = HISTORY.toMillis();

  private final Map<String, TreeMap<Long, PipelineRun>> byPipeline = new HashMap<>();

  public synchronized void add(List<PipelineRun> runs) {
    for (PipelineRun r : runs) add(r);
  }

  public synchronized void add(PipelineRun run) {
    TreeMap<Long, PipelineRun> runs = byPipeline.computeIfAbsent(run.pipeline(), p -> new TreeMap<>());
    runs.putIfAbsent(run.startedAtMillis(), run);
    trim(runs);
  }

  /** Every pipeline that reported a run, by name. */
  public synchronized List<String> pipelines() {
    return List.copyOf(new TreeSet<>(byPipeline.keySet()));
  }

  /** The runs of a pipeline that finished by {@code asOfMillis}, oldest start first. */
  public synchronized List<PipelineRun> runs(String pipeline, long asOfMillis) {
    TreeMap<Long, PipelineRun> runs = byPipeline.get(pipeline);
    if (runs == null) return List.of();
    List<PipelineRun> out = new ArrayList<>(runs.size());
    for (PipelineRun r : runs.values()) if (r.finishedAtMillis() <= asOfMillis) out.add(r);
    return out;
  }

  public synchronized boolean isEmpty() {
    return byPipeline.isEmpty();
  }

  private static void trim(TreeMap<Long, PipelineRun> runs) {
    long cutoff = runs.lastKey() - HISTORY_MILLIS;
    Long lastSuccess = null;
    for (PipelineRun r : runs.descendingMap().values()) {
      if (r.success()) {
        lastSuccess = r.startedAtMillis();
        break;
      }
    }
    var it = runs.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      boolean tooMany = runs.size() > MAX_RUNS;
      if (e.getKey() >= cutoff && !tooMany) break;
      if (!e.getKey().equals(lastSuccess)) it.remove();
    }
  }
}
