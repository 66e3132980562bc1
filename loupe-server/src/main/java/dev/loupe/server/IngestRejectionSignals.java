package dev.loupe.server;

import dev.loupe.api.GaugeFamily;
import dev.loupe.ingest.RecentIngestCounts;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.SeriesSelector;
import dev.loupe.rule.SignalSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Loupe's own ingestion as data-dimension signals, from the ingest counters of the last
 * {@value #MINUTES} minutes ({@link RecentIngestCounts}): {@code loupe_ingest_rejected_ratio{endpoint}}
 * (rejected over received records), {@code loupe_ingest_received_records{endpoint}} and
 * {@code loupe_ingest_rejected_records{endpoint, reason}}; telemetry that never arrived is a data
 * problem too. One point at the end of the range; counts live in memory only, so a backtest sees
 * today's. Every other name goes to the wrapped source.
 */
final class IngestRejectionSignals implements SignalSource {
  static final String RATIO = "loupe_ingest_rejected_ratio";
  static final String RECEIVED = "loupe_ingest_received_records";
  static final String REJECTED = "loupe_ingest_rejected_records";
  static final List<String> NAMES = List.of(RATIO, RECEIVED, REJECTED);
  /** The window the signals cover: the current minute and the 14 before. */
  static final int MINUTES = 15;

  private final SignalSource inner;
  private final RecentIngestCounts counts;

  IngestRejectionSignals(SignalSource inner, RecentIngestCounts counts) {
    this.inner = inner;
    this.counts = counts;
  }

  @Override
  public List<RangeSeries> range(SeriesSelector selector, long fromMillis, long toMillis) {
    if (!NAMES.contains(selector.metricName())) return inner.range(selector, fromMillis, toMillis);
    List<RangeSeries> out = new ArrayList<>();
    for (GaugeFamily.Point p : points(selector.metricName(), toMillis)) {
      SortedMap<String, String> labels = new TreeMap<>(p.labels());
      labels.put("__name__", selector.metricName());
      if (selector.matches(labels)) out.add(new RangeSeries(labels, List.of(new RangeSeries.Point(toMillis, p.value()))));
    }
    return out;
  }

  private List<GaugeFamily.Point> points(String name, long asOfMillis) {
    List<GaugeFamily.Point> out = new ArrayList<>();
    for (RecentIngestCounts.Window w : counts.windows(asOfMillis, MINUTES).values()) {
      Map<String, String> endpoint = Map.of("endpoint", w.endpoint());
      switch (name) {
        case RATIO -> out.add(new GaugeFamily.Point(endpoint, w.rejectedRatio()));
        case RECEIVED -> out.add(new GaugeFamily.Point(endpoint, w.received()));
        default -> w.rejectedByReason().forEach((reason, n) ->
            out.add(new GaugeFamily.Point(Map.of("endpoint", w.endpoint(), "reason", reason), n)));
      }
    }
    return out;
  }

  /** The same signals for {@code /metrics}, at {@code nowMillis}. */
  static List<GaugeFamily> families(RecentIngestCounts counts, long nowMillis) {
    IngestRejectionSignals s = new IngestRejectionSignals((sel, f, t) -> List.of(), counts);
    List<GaugeFamily> out = new ArrayList<>();
    String window = " over the last " + MINUTES + " minutes";
    add(out, RATIO, "Rejected share of the records received" + window + ", by endpoint.", s.points(RATIO, nowMillis));
    add(out, RECEIVED, "Records received (accepted or rejected)" + window + ", by endpoint.", s.points(RECEIVED, nowMillis));
    add(out, REJECTED, "Records rejected" + window + ", by endpoint and reason.", s.points(REJECTED, nowMillis));
    return out;
  }

  private static void add(List<GaugeFamily> out, String name, String help, List<GaugeFamily.Point> points) {
    if (!points.isEmpty()) out.add(new GaugeFamily(name, help, points));
  }
}
