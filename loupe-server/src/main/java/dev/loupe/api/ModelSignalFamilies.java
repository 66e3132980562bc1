package dev.loupe.api;

import dev.loupe.dimension.HealthEvaluator;
import dev.loupe.dimension.HealthStatus;
import dev.loupe.dimension.model.InferenceWindows;
import dev.loupe.dimension.model.WindowStats;
import dev.loupe.model.SeriesKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The model dimension's hot signals over the last minute and every dimension's health, as
 * gauge families for {@code /metrics}. Names match {@code /api/v1/signals/query_range}.
 */
public final class ModelSignalFamilies {
  /** Family names, for the registry's conflict check. */
  public static final List<String> NAMES = List.of(
      "loupe_model_requests_per_second", "loupe_model_error_ratio", "loupe_model_throttled_ratio",
      "loupe_model_latency_seconds", "loupe_model_ttft_seconds", "loupe_model_output_tokens_per_second",
      "loupe_model_tokens_per_minute", "loupe_model_requests_per_minute", "loupe_dimension_status");

  private ModelSignalFamilies() {}

  public static List<GaugeFamily> model(InferenceWindows windows) {
    List<WindowStats> stats = windows.stats(InferenceWindows.ONE_MINUTE);
    List<GaugeFamily> out = new ArrayList<>();
    out.add(simple("loupe_model_requests_per_second", "Requests per second over the last minute.", stats,
        WindowStats::requestsPerSecond));
    out.add(simple("loupe_model_error_ratio", "Share of requests that failed over the last minute.", stats,
        WindowStats::errorRatio));
    out.add(simple("loupe_model_throttled_ratio", "Share of requests throttled (HTTP 429) over the last minute.",
        stats, WindowStats::throttledRatio));
    List<GaugeFamily.Point> latency = new ArrayList<>();
    List<GaugeFamily.Point> ttft = new ArrayList<>();
    for (WindowStats s : stats) {
      add(latency, s.key(), "0.5", s.latencyP50Ms() / 1000);
      add(latency, s.key(), "0.95", s.latencyP95Ms() / 1000);
      add(latency, s.key(), "0.99", s.latencyP99Ms() / 1000);
      add(ttft, s.key(), "0.95", s.ttftP95Ms() / 1000);
    }
    out.add(new GaugeFamily("loupe_model_latency_seconds",
        "Request latency quantiles over the last minute, per model version.", latency));
    out.add(new GaugeFamily("loupe_model_ttft_seconds",
        "Time to first token quantiles over the last minute, per model version.", ttft));
    out.add(simple("loupe_model_output_tokens_per_second", "Output tokens per second over the last minute.", stats,
        WindowStats::outputTokensPerSecond));
    out.add(simple("loupe_model_tokens_per_minute", "Input plus output tokens over the last minute.", stats,
        WindowStats::tokensPerMinute));
    out.add(simple("loupe_model_requests_per_minute", "Requests over the last minute (RPM).", stats,
        s -> s.requestsPerSecond() * 60));
    return out;
  }

  /** One point per dimension: -1 no_data, 0 ok, 1 warning, 2 critical. */
  public static List<GaugeFamily> health(HealthEvaluator health) {
    List<GaugeFamily.Point> points = new ArrayList<>();
    health.evaluate().dimensions().forEach((d, h) ->
        points.add(new GaugeFamily.Point(Map.of("dimension", d.wireName()), code(h.status()))));
    return List.of(new GaugeFamily("loupe_dimension_status",
        "Health of each dimension: -1 no_data, 0 ok, 1 warning, 2 critical.", points));
  }

  static double code(HealthStatus s) {
    return switch (s) {
      case NO_DATA -> -1;
      case OK -> 0;
      case WARNING -> 1;
      case CRITICAL -> 2;
    };
  }

  private static GaugeFamily simple(String name, String help, List<WindowStats> stats, ToDoubleFunction<WindowStats> f) {
    List<GaugeFamily.Point> points = new ArrayList<>();
    for (WindowStats s : stats) add(points, s.key(), null, f.applyAsDouble(s));
    return new GaugeFamily(name, help, points);
  }

  private static void add(List<GaugeFamily.Point> points, SeriesKey k, String quantile, double v) {
    if (Double.isNaN(v)) return; // no samples in the window: no point rather than a NaN
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("service", k.service());
    labels.put("deployment", k.deployment());
    labels.put("model", k.model());
    labels.put("model_version", k.modelVersion());
    if (quantile != null) labels.put("quantile", quantile);
    points.add(new GaugeFamily.Point(labels, v));
  }
}
