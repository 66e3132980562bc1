package dev.loupe.rule;

import dev.loupe.model.LabelMatcher;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.Sample;
import dev.loupe.model.SeriesSelector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A {@link SignalSource} over samples held in memory (backtests of posted data, tests,
 * benchmarks), and the grouping of raw samples into series that a store-backed source shares.
 */
public final class SampleSignals implements SignalSource {
  private final Map<String, List<Sample>> byName = new LinkedHashMap<>();

  public SampleSignals(List<Sample> samples) {
    for (Sample s : samples) byName.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(s);
    byName.values().forEach(l -> l.sort(Comparator.comparingLong(Sample::timestampMillis)));
  }

  @Override
  public List<RangeSeries> range(SeriesSelector selector, long fromMillis, long toMillis) {
    List<Sample> all = byName.getOrDefault(selector.metricName(), List.of());
    return series(selector, all.subList(firstAfter(all, fromMillis), firstAfter(all, toMillis)));
  }

  /** The index of the first sample later than {@code t} (the list is in time order). */
  private static int firstAfter(List<Sample> samples, long t) {
    int lo = 0;
    int hi = samples.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (samples.get(mid).timestampMillis() <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The samples (one metric, oldest first) that match the selector, as series; staleness markers
   * are left out.
   */
  public static List<RangeSeries> series(SeriesSelector selector, List<Sample> samples) {
    Map<Map<String, String>, List<RangeSeries.Point>> bySeries = new LinkedHashMap<>();
    for (Sample s : samples) {
      if (s.isStaleMarker() || !matches(selector, s)) continue;
      bySeries.computeIfAbsent(s.labels(), k -> new ArrayList<>()).add(new RangeSeries.Point(s.timestampMillis(), s.value()));
    }
    List<RangeSeries> out = new ArrayList<>(bySeries.size());
    bySeries.forEach((labels, points) -> {
      SortedMap<String, String> l = new TreeMap<>(labels);
      l.put("__name__", selector.metricName());
      out.add(new RangeSeries(l, points));
    });
    return out;
  }

  private static boolean matches(SeriesSelector selector, Sample s) {
    for (LabelMatcher m : selector.matchers()) {
      if (!m.matches(s.labels().get(m.name()))) return false;
    }
    return true;
  }
}
