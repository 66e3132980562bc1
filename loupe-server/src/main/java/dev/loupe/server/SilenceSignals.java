package dev.loupe.server;

import dev.loupe.dimension.model.InferenceWindows;
import dev.loupe.dimension.model.WindowStats;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.SeriesSelector;
import dev.loupe.rule.SignalSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code loupe_source_silence_seconds{dimension="model", kind="deployment", service, deployment}}:
 * how long a deployment that used to send inferences has been silent, one point at the end of the
 * queried range. A deployment is known from the hot windows and remembered after it leaves them,
 * until {@link #FORGET_AFTER_MILLIS} of silence, so a retired deployment does not warn for ever.
 * It describes now: a backtest of a rule on it answers with today's silences. Other names go to the
 * wrapped source.
 */
final class SilenceSignals implements SignalSource {
  static final String NAME = "loupe_source_silence_seconds";
  static final long FORGET_AFTER_MILLIS = 24 * 3_600_000L;

  private final SignalSource inner;
  private final InferenceWindows windows;
  /** (service, deployment) to the time of its newest inference. */
  private final Map<List<String>, Long> lastSeen = new ConcurrentHashMap<>();

  SilenceSignals(SignalSource inner, InferenceWindows windows) {
    this.inner = inner;
    this.windows = windows;
  }

  @Override
  public List<RangeSeries> range(SeriesSelector selector, long fromMillis, long toMillis) {
    if (!selector.metricName().equals(NAME)) return inner.range(selector, fromMillis, toMillis);
    for (WindowStats s : windows.stats(InferenceWindows.ONE_HOUR)) {
      lastSeen.merge(List.of(s.key().service(), s.key().deployment()), s.lastSeenMillis(), Math::max);
    }
    lastSeen.values().removeIf(t -> toMillis - t > FORGET_AFTER_MILLIS);
    List<RangeSeries> out = new ArrayList<>();
    lastSeen.forEach((key, t) -> {
      SortedMap<String, String> labels = new TreeMap<>();
      labels.put("__name__", NAME);
      labels.put("dimension", "model");
      labels.put("kind", "deployment");
      labels.put("service", key.get(0));
      labels.put("deployment", key.get(1));
      if (selector.matches(labels)) {
        out.add(new RangeSeries(labels, List.of(new RangeSeries.Point(toMillis, Math.max(0, toMillis - t) / 1000.0))));
      }
    });
    return out;
  }
}
