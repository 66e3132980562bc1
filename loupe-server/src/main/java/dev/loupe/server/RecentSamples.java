package dev.loupe.server;

import dev.loupe.dimension.compute.GpuRuleSignals;
import dev.loupe.dimension.model.ModelSignal;
import dev.loupe.dimension.network.NetworkRuleSignals;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.Sample;
import dev.loupe.model.SeriesSelector;
import dev.loupe.rule.Rule;
import dev.loupe.rule.SampleSignals;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The last few minutes of the metrics alerting rules read, kept in memory as they are ingested,
 * so an evaluation reads its windows without going to the store (which parses every row's labels).
 * Holds each input metric for the longest rule window plus one evaluation interval, at most an
 * hour; older ranges (offsets, backtests) are read from the store. Thread-safe.
 */
public final class RecentSamples {
  /** Longer windows are read from the store: an hour of every input is memory enough. */
  static final Duration MAX_KEEP = Duration.ofHours(1);

  private final Map<String, List<Sample>> byName = new HashMap<>();
  private final long keepMillis;
  private final Clock clock;
  private final long coveredFrom;

  private RecentSamples(Set<String> names, long keepMillis, Clock clock) {
    for (String n : names) byName.put(n, new ArrayList<>());
    this.keepMillis = keepMillis;
    this.clock = clock;
    this.coveredFrom = clock.millis() - keepMillis;
  }

  /**
   * For these rules' inputs (Loupe's model signals come from rollups, its silences and limits are
   * made when read: neither is kept).
   */
  public static RecentSamples forRules(List<Rule> rules, Duration evaluationInterval, Clock clock) {
    Set<String> names = new java.util.TreeSet<>();
    long window = 0;
    for (Rule r : rules) {
      if (r.expression().window().compareTo(MAX_KEEP) > 0) continue;
      for (String input : r.inputs()) {
        if (ModelSignal.byMetricName(input).isPresent()) continue;
        if (input.equals(SilenceSignals.NAME) || LimitSignals.isLimit(input)) continue;
        // Derived GPU and network signals are computed from the exporters' raw series: those are kept.
        names.addAll(NetworkRuleSignals.derives(input) ? NetworkRuleSignals.rawInputs(input)
            : GpuRuleSignals.rawInputs(input));
      }
      window = Math.max(window, r.expression().window().toMillis());
    }
    long keep = Math.min(MAX_KEEP.toMillis(), window + evaluationInterval.toMillis());
    return new RecentSamples(names, names.isEmpty() ? 0 : keep, clock);
  }

  List<String> names() {
    return List.copyOf(byName.keySet());
  }

  Duration keep() {
    return Duration.ofMillis(keepMillis);
  }

  /** Takes the samples of kept metrics from an ingested (or replayed) batch. */
  public void observe(List<Sample> batch) {
    if (byName.isEmpty()) return;
    long cutoff = clock.millis() - keepMillis;
    for (Sample s : batch) {
      List<Sample> kept = byName.get(s.name());
      if (kept == null || s.timestampMillis() < cutoff) continue;
      synchronized (kept) {
        int at = kept.size();
        while (at > 0 && kept.get(at - 1).timestampMillis() > s.timestampMillis()) at--; // late: rare, near the end
        kept.add(at, s);
        if (kept.get(0).timestampMillis() < cutoff) kept.subList(0, firstAtOrAfter(kept, cutoff)).clear();
      }
    }
  }

  /**
   * The series of the selector in {@code (from, to]} when this window holds the whole range,
   * else null (read the store).
   */
  List<RangeSeries> range(SeriesSelector selector, long fromMillis, long toMillis) {
    List<Sample> kept = byName.get(selector.metricName());
    if (kept == null || fromMillis < Math.max(coveredFrom, clock.millis() - keepMillis)) return null;
    synchronized (kept) {
      return SampleSignals.series(selector, kept.subList(firstAtOrAfter(kept, fromMillis + 1), firstAtOrAfter(kept, toMillis + 1)));
    }
  }

  private static int firstAtOrAfter(List<Sample> samples, long t) {
    int lo = 0;
    int hi = samples.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (samples.get(mid).timestampMillis() < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
