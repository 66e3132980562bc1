package dev.loupe.dimension.data;

import java.time.Duration;
import java.util.List;

/**
 * What is expected of one pipeline ({@code data.pipelines.NAME} in {@code loupe.yml}): a
 * successful run {@code every} so often, late by at most {@code maxDelay}; for a RAG index, the
 * index it refreshes ({@code index}, its own name when left out) and the deployments known to
 * answer from it ({@code feeds}, beside those traces reveal). A null {@code every} means the
 * cadence is learnt from the runs; a null {@code maxDelay}, half of {@code every}.
 */
public record PipelineSpec(
    String name, PipelineKind kind, Duration every, Duration maxDelay, String index, List<String> feeds) {
  public PipelineSpec {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("a pipeline needs a name");
    kind = kind == null ? PipelineKind.BATCH : kind;
    feeds = feeds == null ? List.of() : List.copyOf(feeds);
    if (every != null && every.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException("every must be at least 1m, got " + every);
    }
    if (maxDelay != null && maxDelay.isNegative()) {
      throw new IllegalArgumentException("max_delay must not be negative, got " + maxDelay);
    }
    if (index == null && kind == PipelineKind.RAG_INDEX) index = name;
  }

  /** A pipeline seen in runs but not configured: its cadence learnt, its kind unknown. */
  public static PipelineSpec unconfigured(String name) {
    return new PipelineSpec(name, PipelineKind.UNKNOWN, null, null, null, List.of());
  }
}
