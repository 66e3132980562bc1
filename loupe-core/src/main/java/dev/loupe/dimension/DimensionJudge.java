package dev.loupe.dimension;

import dev.loupe.model.Dimension;

/** Judges one dimension from the signals it owns. Implementations do no I/O. */
public interface DimensionJudge {
  Dimension dimension();

  DimensionHealth judge(long nowMillis);
}
