package dev.loupe.server;

import dev.loupe.dimension.model.ModelSignal;
import dev.loupe.dimension.model.QualitySignal;
import dev.loupe.dimension.model.RangeEvaluator;
import dev.loupe.model.RollupQuery;
import dev.loupe.model.LabelMatcher;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.Sample;
import dev.loupe.model.SeriesSelector;
import dev.loupe.rule.SampleSignals;
import dev.loupe.rule.SignalSource;
import dev.loupe.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What rules read: the recent samples kept in memory for rules ({@link RecentSamples}), else the
 * stored samples of a metric (scraped, remote-written, OTLP, and Loupe's own
 * {@code ALERTS_FOR_STATE}), or, for Loupe's model signals ({@code loupe_model_*}), one point per
 * minute from the stored rollups, as {@code query_range} answers them, and the quality signals
 * ({@code loupe_quality_score*}) from the stored scores, on the same steps.
 */
public final class StoreSignalSource implements SignalSource {
  /** Raw samples one rule query may read; more is an error on that rule, not a stall of all. */
  static final int MAX_SAMPLES = 1_000_000;
  private static final long MINUTE = 60_000;
  private static final long HOUR = 3_600_000;
  private static final long LONG_RANGE = 6 * HOUR;

  private final Store store;
  private final RecentSamples recent;

  public StoreSignalSource(Store store, RecentSamples recent) {
    this.store = store;
    this.recent = recent;
  }

  /** Reads only the store. */
  public StoreSignalSource(Store store) {
    this(store, null);
  }

  @Override
  public List<RangeSeries> range(SeriesSelector selector, long fromMillis, long toMillis) {
    Optional<ModelSignal> signal = ModelSignal.byMetricName(selector.metricName());
    if (signal.isPresent()) return rollups(signal.get(), selector, fromMillis, toMillis);
    if (QualitySignal.isQuality(selector.metricName())) {
      // Points on the same step boundaries as the rollups', each the scores of the step before.
      long step = step(fromMillis, toMillis);
      long start = Math.floorDiv(fromMillis, step) * step + step;
      if (start > toMillis) return List.of();
      RollupQuery q = new RollupQuery(start, toMillis, step, step, selector.matchers());
      return QualitySignal.evaluate(selector, store.scoreRange(q));
    }
    List<RangeSeries> held = recent == null ? null : recent.range(selector, fromMillis, toMillis);
    if (held != null) return held;
    List<Sample> samples = store.samples(selector.metricName(), fromMillis + 1, toMillis + 1, MAX_SAMPLES + 1);
    if (samples.size() > MAX_SAMPLES) {
      throw new IllegalStateException("reads more than " + MAX_SAMPLES + " samples of " + selector.metricName()
          + "; narrow the selector or the window");
    }
    return SampleSignals.series(selector, samples);
  }

  private static long step(long fromMillis, long toMillis) {
    return toMillis - fromMillis > LONG_RANGE ? HOUR : MINUTE;
  }

  private List<RangeSeries> rollups(ModelSignal signal, SeriesSelector selector, long fromMillis, long toMillis) {
    List<LabelMatcher> storeMatchers = new ArrayList<>();
    for (LabelMatcher m : selector.matchers()) {
      if (!m.name().equals("quantile")) storeMatchers.add(m);
    }
    // A point at each step boundary in (from, to], whenever the window ends: a backtest that
    // reads the rollups of its whole range at once sees the same points. A long range (a 7-day
    // baseline) steps by the hour: the same sketches merged, 60 times fewer points.
    long step = step(fromMillis, toMillis);
    long start = Math.floorDiv(fromMillis, step) * step + step;
    if (start > toMillis) return List.of();
    RollupQuery q = new RollupQuery(start, toMillis, step, step, storeMatchers);
    return RangeEvaluator.evaluate(signal, selector, store.rollupRange(q));
  }
}
