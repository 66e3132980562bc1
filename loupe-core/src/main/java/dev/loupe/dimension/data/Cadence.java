package dev.loupe.dimension.data;

import dev.loupe.model.PipelineRun;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * How often a pipeline is expected to succeed: {@code every}, late by at most {@code maxDelay}.
 * Configured, or learnt from the runs: the median gap between the starts of the last
 * {@value #LEARN_FROM} runs, once {@value #MIN_RUNS} runs show it, late by half of that.
 */
public record Cadence(Duration every, Duration maxDelay, boolean configured) {
  static final int LEARN_FROM = 20;
  static final int MIN_RUNS = 4;

  /** The longest a pipeline may go without success before it is stale. */
  public long allowedMillis() {
    return every.toMillis() + maxDelay.toMillis();
  }

  /** The configured cadence, else the one the runs (oldest first) show; null when neither is known. */
  static Cadence of(PipelineSpec spec, List<PipelineRun> runs) {
    if (spec.every() != null) {
      return new Cadence(spec.every(), spec.maxDelay() != null ? spec.maxDelay() : spec.every().dividedBy(2), true);
    }
    if (runs.size() < MIN_RUNS) return null;
    List<PipelineRun> recent = runs.subList(Math.max(0, runs.size() - LEARN_FROM), runs.size());
    long[] gaps = new long[recent.size() - 1];
    for (int i = 1; i < recent.size(); i++) {
      gaps[i - 1] = recent.get(i).startedAtMillis() - recent.get(i - 1).startedAtMillis();
    }
    Arrays.sort(gaps);
    long median = gaps.length % 2 == 1 ? gaps[gaps.length / 2] : (gaps[gaps.length / 2 - 1] + gaps[gaps.length / 2]) / 2;
    // Whole seconds, and at least a minute: runs retried seconds apart are not a cadence.
    Duration every = Duration.ofSeconds(Math.max(60, Math.round(median / 1000.0)));
    return new Cadence(every, every.dividedBy(2), false);
  }
}
