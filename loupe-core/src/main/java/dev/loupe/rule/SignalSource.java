package dev.loupe.rule;

import dev.loupe.model.RangeSeries;
import dev.loupe.model.SeriesSelector;
import java.util.List;

/** Where rules read their inputs: the raw points of the matching series in a time range. */
public interface SignalSource {
  /**
   * Every series matching the selector with its points in {@code (fromMillis, toMillis]}, oldest
   * first, staleness markers left out. Labels carry {@code __name__}.
   */
  List<RangeSeries> range(SeriesSelector selector, long fromMillis, long toMillis);
}
