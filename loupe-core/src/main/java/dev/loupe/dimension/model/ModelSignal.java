package dev.loupe.dimension.model;

import dev.loupe.model.RollupPoint;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The model dimension's signals by their stable exported names (Prometheus base units). Each
 * reads its values from a rollup point; the quantile signals yield one value per quantile,
 * labelled {@code quantile} as a Prometheus summary is.
 */
public enum ModelSignal {
  LATENCY_SECONDS(
      "loupe_model_latency_seconds",
      "Inference latency of successful calls, by quantile.",
      p -> quantiles(p.latencyCount(), p.latencyP50Ms(), p.latencyP95Ms(), p.latencyP99Ms())),
  TTFT_SECONDS(
      "loupe_model_ttft_seconds",
      "Time to first token of successful calls, by quantile.",
      p -> quantiles(p.ttftCount(), p.ttftP50Ms(), p.ttftP95Ms(), p.ttftP99Ms())),
  REQUESTS_PER_SECOND(
      "loupe_model_requests_per_second",
      "Inference requests per second.",
      p -> single(perSecond(p.requests(), p))),
  REQUESTS_PER_MINUTE(
      "loupe_model_requests_per_minute",
      "Inference requests per minute (RPM).",
      p -> single(perSecond(p.requests(), p) * 60)),
  ERROR_RATIO(
      "loupe_model_error_ratio",
      "Share of requests that failed (0..1).",
      p -> single(ratio(p.errors(), p.requests()))),
  THROTTLED_RATIO(
      "loupe_model_throttled_ratio",
      "Share of requests refused for quota or rate, HTTP 429 (0..1).",
      p -> single(ratio(p.throttled(), p.requests()))),
  OUTPUT_TOKENS_PER_SECOND(
      "loupe_model_output_tokens_per_second",
      "Output tokens generated per second.",
      p -> single(perSecond(p.outputTokens(), p))),
  TOKENS_PER_MINUTE(
      "loupe_model_tokens_per_minute",
      "Input plus output tokens per minute (TPM).",
      p -> single(perSecond(p.totalTokens(), p) * 60));

  /** A value and the extra label it carries (null when none). */
  public record Value(String quantile, double value) {}

  private final String metricName;
  private final String help;
  private final Function<RollupPoint, List<Value>> values;

  ModelSignal(String metricName, String help, Function<RollupPoint, List<Value>> values) {
    this.metricName = metricName;
    this.help = help;
    this.values = values;
  }

  public String metricName() {
    return metricName;
  }

  public String help() {
    return help;
  }

  /** The values at one point; NaN values (no samples) are left out. */
  public List<Value> values(RollupPoint point) {
    return values.apply(point).stream().filter(v -> !Double.isNaN(v.value())).toList();
  }

  public static Optional<ModelSignal> byMetricName(String name) {
    for (ModelSignal s : values()) {
      if (s.metricName.equals(name)) return Optional.of(s);
    }
    return Optional.empty();
  }

  public static final Map<String, Double> QUANTILES = Map.of("0.5", 0.5, "0.95", 0.95, "0.99", 0.99);

  private static List<Value> quantiles(long count, double p50, double p95, double p99) {
    if (count == 0) return List.of();
    return List.of(
        new Value("0.5", p50 / 1000), new Value("0.95", p95 / 1000), new Value("0.99", p99 / 1000));
  }

  private static List<Value> single(double v) {
    return List.of(new Value(null, v));
  }

  private static double perSecond(long n, RollupPoint p) {
    return p.coveredMillis() <= 0 ? Double.NaN : n * 1000.0 / p.coveredMillis();
  }

  private static double ratio(long part, long whole) {
    return whole == 0 ? Double.NaN : (double) part / whole;
  }
}
