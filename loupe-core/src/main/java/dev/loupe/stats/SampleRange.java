package dev.loupe.stats;

import dev.loupe.model.LabelMatcher;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.Sample;
import dev.loupe.model.SeriesSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Evaluates a selector over raw samples at each step of a range, as PromQL evaluates an instant
 * vector: at time t a series has the value of its newest sample in {@code (t - lookback, t]},
 * unless that sample is a staleness marker — a series that vanished is not carried forward.
 */
public final class SampleRange {
  private SampleRange() {}

  /** {@code samples} hold one metric in time order; series not matching the selector are left out. */
  public static List<RangeSeries> evaluate(
      SeriesSelector selector, List<Sample> samples, long start, long end, long step, long lookback) {
    Map<Map<String, String>, List<Sample>> bySeries = new LinkedHashMap<>();
    for (Sample s : samples) {
      if (matches(selector, s)) bySeries.computeIfAbsent(s.labels(), k -> new ArrayList<>()).add(s);
    }
    List<RangeSeries> out = new ArrayList<>();
    for (Map.Entry<Map<String, String>, List<Sample>> e : bySeries.entrySet()) {
      List<Sample> points = e.getValue();
      List<RangeSeries.Point> values = new ArrayList<>();
      int i = 0;
      Sample newest = null;
      for (long t = start; t <= end; t += step) {
        while (i < points.size() && points.get(i).timestampMillis() <= t) newest = points.get(i++);
        if (newest != null && newest.timestampMillis() > t - lookback && !newest.isStaleMarker()) {
          values.add(new RangeSeries.Point(t, newest.value()));
        }
      }
      if (!values.isEmpty()) {
        SortedMap<String, String> labels = new TreeMap<>(e.getKey());
        labels.put("__name__", selector.metricName());
        out.add(new RangeSeries(labels, values));
      }
    }
    return out;
  }

  private static boolean matches(SeriesSelector selector, Sample s) {
    for (LabelMatcher m : selector.matchers()) {
      if (!m.matches(s.labels().getOrDefault(m.name(), ""))) return false;
    }
    return true;
  }
}
