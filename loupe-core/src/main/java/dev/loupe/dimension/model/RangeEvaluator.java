package dev.loupe.dimension.model;

import dev.loupe.model.RollupPoint;
import dev.loupe.model.LabelMatcher;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.SeriesSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Turns rollup points into the series of a range query for one {@link ModelSignal}: labels are
 * the series key plus {@code quantile} for summaries; matchers on {@code quantile} filter here,
 * the others were applied by the store.
 */
public final class RangeEvaluator {
  private RangeEvaluator() {}

  public static List<RangeSeries> evaluate(
      ModelSignal signal, SeriesSelector selector, List<RollupPoint> points) {
    List<LabelMatcher> onQuantile = selector.matchersOn("quantile");
    Map<SortedMap<String, String>, List<RangeSeries.Point>> series = new LinkedHashMap<>();
    for (RollupPoint p : points) {
      for (ModelSignal.Value v : signal.values(p)) {
        if (!onQuantile.stream().allMatch(m -> m.matches(v.quantile()))) {
          continue;
        }
        SortedMap<String, String> labels = new TreeMap<>();
        labels.put("__name__", signal.metricName());
        labels.put("service", p.key().service());
        labels.put("deployment", p.key().deployment());
        labels.put("model", p.key().model());
        labels.put("model_version", p.key().modelVersion());
        if (v.quantile() != null) labels.put("quantile", v.quantile());
        series.computeIfAbsent(labels, k -> new ArrayList<>())
            .add(new RangeSeries.Point(p.timeMillis(), v.value()));
      }
    }
    List<RangeSeries> out = new ArrayList<>();
    series.forEach(
        (labels, pts) -> {
          pts.sort((a, b) -> Long.compare(a.timeMillis(), b.timeMillis()));
          out.add(new RangeSeries(labels, pts));
        });
    return out;
  }
}
