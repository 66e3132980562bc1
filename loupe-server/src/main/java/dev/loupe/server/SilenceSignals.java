package dev.loupe.server;

import dev.loupe.api.GaugeFamily;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.SeriesSelector;
import dev.loupe.rule.SignalSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code loupe_source_silence_seconds{dimension, kind, subject, …}}: how long each source that
 * used to report ({@link ReportingSources}: a deployment, a scrape target, remote-written series,
 * a GPU or InfiniBand host, a probe, an OTLP service) has been silent, one point at the end of the
 * queried range, with the labels that name the source and {@code subject}, a readable name of it.
 * A source is remembered until {@link ReportingSources#FORGET_AFTER_MILLIS} of silence, so a
 * retired one does not warn for ever. It describes now: a backtest of a rule on it answers with
 * today's silences. Other names go to the wrapped source.
 */
final class SilenceSignals implements SignalSource {
  static final String NAME = "loupe_source_silence_seconds";
  static final long FORGET_AFTER_MILLIS = ReportingSources.FORGET_AFTER_MILLIS;

  private final SignalSource inner;
  private final ReportingSources sources;

  SilenceSignals(SignalSource inner, ReportingSources sources) {
    this.inner = inner;
    this.sources = sources;
  }

  @Override
  public List<RangeSeries> range(SeriesSelector selector, long fromMillis, long toMillis) {
    if (!selector.metricName().equals(NAME)) return inner.range(selector, fromMillis, toMillis);
    List<RangeSeries> out = new ArrayList<>();
    for (ReportingSources.Seen s : sources.seen(toMillis)) {
      SortedMap<String, String> labels = labels(s);
      labels.put("__name__", NAME);
      if (selector.matches(labels)) {
        out.add(new RangeSeries(labels, List.of(new RangeSeries.Point(toMillis, seconds(s, toMillis)))));
      }
    }
    return out;
  }

  /** The same silences for {@code /metrics}, at {@code nowMillis}. */
  static List<GaugeFamily> families(ReportingSources sources, long nowMillis) {
    List<GaugeFamily.Point> points = new ArrayList<>();
    for (ReportingSources.Seen s : sources.seen(nowMillis)) points.add(new GaugeFamily.Point(labels(s), seconds(s, nowMillis)));
    if (points.isEmpty()) return List.of();
    return List.of(new GaugeFamily(NAME, "Seconds since a source that reported in the last 24 hours last sent"
        + " anything, by dimension, kind and the labels that name it.", points));
  }

  private static SortedMap<String, String> labels(ReportingSources.Seen s) {
    SortedMap<String, String> labels = new TreeMap<>(s.source().labels());
    labels.put("dimension", s.dimension().wireName());
    labels.put("kind", s.source().kind());
    labels.put("subject", s.source().subject());
    return labels;
  }

  private static double seconds(ReportingSources.Seen s, long nowMillis) {
    return Math.max(0, nowMillis - s.lastMillis()) / 1000.0;
  }
}
