package dev.loupe.model;

import java.util.List;

/**
 * Which rollups a range query needs: series matching every matcher (on {@code service},
 * {@code deployment}, {@code model}, {@code model_version}; for scores also {@code name} and
 * {@code source}), evaluated at {@code start},
 * {@code start+step}, … up to {@code end} inclusive, each point looking back {@code lookback}.
 */
public record RollupQuery(
    long startMillis, long endMillis, long stepMillis, long lookbackMillis, List<LabelMatcher> matchers) {
  public RollupQuery {
    if (stepMillis <= 0) throw new IllegalArgumentException("step must be positive");
    if (endMillis < startMillis) throw new IllegalArgumentException("end is before start");
    if (lookbackMillis <= 0) throw new IllegalArgumentException("lookback must be positive");
    matchers = List.copyOf(matchers);
  }

  public long points() {
    return (endMillis - startMillis) / stepMillis + 1;
  }
}
