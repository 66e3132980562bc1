package dev.loupe.dimension.model;

import dev.loupe.model.RangeSeries;
import dev.loupe.model.ScorePoint;
import dev.loupe.model.SeriesSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The quality signals read from scores, per series key, score {@code name} and {@code source}:
 * {@code loupe_quality_score} is the mean of the scores in each step, {@code
 * loupe_quality_score_sum} and {@code loupe_quality_score_count} their sum and number, so a rule
 * can take the exact mean over a window as the ratio of the two (as PromQL does with a summary's
 * {@code _sum} and {@code _count}). Only scores tied to an inference count, so every point names
 * the deployment and model version it judges.
 *
 * <pre>{@code loupe_quality_score{deployment="chat-prod", name="groundedness", source="heuristic"}}</pre>
 */
public final class QualitySignal {
  public static final String SCORE = "loupe_quality_score";
  public static final String SUM = "loupe_quality_score_sum";
  public static final String COUNT = "loupe_quality_score_count";

  private QualitySignal() {}

  /** Whether a metric name is one of these signals. */
  public static boolean isQuality(String metricName) {
    return SCORE.equals(metricName) || SUM.equals(metricName) || COUNT.equals(metricName);
  }

  /** The series of the selector's signal from the store's score points (already filtered by its matchers). */
  public static List<RangeSeries> evaluate(SeriesSelector selector, List<ScorePoint> points) {
    String name = selector.metricName();
    Map<SortedMap<String, String>, List<RangeSeries.Point>> series = new LinkedHashMap<>();
    for (ScorePoint p : points) {
      if (p.count() == 0) continue;
      SortedMap<String, String> labels = new TreeMap<>();
      labels.put("__name__", selector.metricName());
      labels.put("service", p.key().service());
      labels.put("deployment", p.key().deployment());
      labels.put("model", p.key().model());
      labels.put("model_version", p.key().modelVersion());
      labels.put("name", p.name());
      labels.put("source", p.source().wireName());
      series.computeIfAbsent(labels, k -> new ArrayList<>())
          .add(new RangeSeries.Point(p.timeMillis(), name.equals(COUNT) ? p.count() : name.equals(SUM) ? p.sum() : p.mean()));
    }
    List<RangeSeries> out = new ArrayList<>();
    series.forEach((labels, pts) -> {
      pts.sort((a, b) -> Long.compare(a.timeMillis(), b.timeMillis()));
      out.add(new RangeSeries(labels, pts));
    });
    return out;
  }
}
