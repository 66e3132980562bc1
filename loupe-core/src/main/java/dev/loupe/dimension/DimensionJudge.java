package dev.loupe.dimension;

import dev.loupe.model.Dimension;

/** Judges one dimension from the signals it owns. Implementations do no I/O. */
public interface DimensionJudge {
  Dimension dimension();

  DimensionHealth judge(long nowMillis);

  /**
   * Whether this dimension's thresholds are rules: then only the judge's word on data presence
   * (no data, stale subjects) and its notes count, and its status comes from the firing alerts.
   * A judge whose thresholds have not moved into the rule pack yet says false.
   */
  default boolean judgesByRules() {
    return true;
  }
}
