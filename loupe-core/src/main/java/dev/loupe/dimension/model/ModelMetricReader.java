package dev.loupe.dimension.model;

import dev.loupe.dimension.model.ReportedFigure.Measure;
import dev.loupe.model.Sample;
import dev.loupe.model.SeriesKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the model signals that arrive as metrics instead of call by call, so teams without
 * per-call telemetry still get requests, throttling, tokens, latency and time to first token:
 *
 * <ul>
 *   <li>Azure Monitor's per-minute Azure OpenAI metrics, as the {@code azure_openai_*} samples
 *       the Azure receiver writes (each point is the amount of its minute; a point seen again is
 *       not counted again);
 *   <li>the OpenTelemetry GenAI histograms ({@code gen_ai.client.operation.duration}, {@code
 *       gen_ai.client.token.usage}, {@code gen_ai.server.time_to_first_token}, {@code
 *       gen_ai.client.operation.time_to_first_chunk}, {@code gen_ai.server.request.duration}) as
 *       cumulative {@code _bucket}/{@code _count}/{@code _sum} series, with or without the
 *       {@code _seconds} unit suffix. Like PromQL's {@code increase}, a series counts from its
 *       second sample on, and a drop is a reset.
 * </ul>
 *
 * Histogram buckets become latencies at the middle of each bucket, weighted by its count.
 * Samples of any other name cost one prefix check. Safe for concurrent use.
 */
public final class ModelMetricReader {
  private static final String AZURE = "azure_openai_";
  private static final String GEN_AI = "gen_ai_";
  private static final List<String> REQUEST_DURATIONS =
      List.of("gen_ai_client_operation_duration", "gen_ai_server_request_duration");
  private static final List<String> FIRST_TOKEN_TIMES =
      List.of("gen_ai_server_time_to_first_token", "gen_ai_client_operation_time_to_first_chunk");
  private static final String TOKEN_USAGE = "gen_ai_client_token_usage";
  private static final List<String> SERVICE = List.of("service", "service_name", "job");
  private static final List<String> MODEL = List.of("gen_ai_response_model", "gen_ai_request_model", "model");

  private final List<String> versionLabels;
  private final List<String> deploymentLabels;
  private final Map<Series, Double> lastCumulative = new HashMap<>();
  private final Map<Series, Long> lastPointMillis = new HashMap<>();

  /** {@code versionLabels} and {@code deploymentLabels}: where version and deployment are read, first wins. */
  public ModelMetricReader(List<String> versionLabels, List<String> deploymentLabels) {
    this.versionLabels = List.copyOf(versionLabels);
    this.deploymentLabels = List.copyOf(deploymentLabels);
  }

  /** The figures these samples report; samples of other metrics are ignored. */
  public List<ReportedFigure> read(List<Sample> samples) {
    // Most batches (scrapes, GPU metrics) hold none of these; they are passed over without the lock.
    List<Sample> model = null;
    for (Sample s : samples) {
      if ((s.name().startsWith(AZURE) || s.name().startsWith(GEN_AI)) && !Double.isNaN(s.value())) {
        if (model == null) model = new ArrayList<>();
        model.add(s);
      }
    }
    return model == null ? List.of() : figures(model);
  }

  private synchronized List<ReportedFigure> figures(List<Sample> samples) {
    List<ReportedFigure> out = new ArrayList<>();
    Map<Series, List<BucketIncrease>> histograms = new HashMap<>();
    for (Sample s : samples) {
      if (s.name().startsWith(AZURE)) {
        azure(s, out);
      } else {
        genAi(s, out, histograms);
      }
    }
    histograms.values().forEach(buckets -> latencies(buckets, out));
    return out;
  }

  private void azure(Sample s, List<ReportedFigure> out) {
    Measure measure = switch (s.name()) {
      case "azure_openai_requests" -> Measure.REQUESTS;
      case "azure_openai_processed_prompt_tokens" -> Measure.INPUT_TOKENS;
      case "azure_openai_generated_tokens" -> Measure.OUTPUT_TOKENS;
      case "azure_openai_time_to_response_milliseconds" -> Measure.TTFT_MS;
      default -> null;
    };
    if (measure == null || s.value() < 0) return;
    SeriesKey key = key(s.labels());
    if (key == null) return;
    Long seen = lastPointMillis.get(new Series(s.name(), s.labels()));
    if (seen != null && seen >= s.timestampMillis()) return;
    lastPointMillis.put(new Series(s.name(), s.labels()), s.timestampMillis());
    out.add(ReportedFigure.amount(key, s.timestampMillis(), measure, s.value()));
    if (measure == Measure.REQUESTS) {
      String status = s.labels().get("status_code");
      if ("429".equals(status)) {
        out.add(ReportedFigure.amount(key, s.timestampMillis(), Measure.THROTTLED, s.value()));
      } else if (status != null && status.length() == 3 && status.charAt(0) >= '4') {
        out.add(ReportedFigure.amount(key, s.timestampMillis(), Measure.ERRORS, s.value()));
      }
    }
  }

  private void genAi(Sample s, List<ReportedFigure> out, Map<Series, List<BucketIncrease>> histograms) {
    String name = s.name();
    String part = name.endsWith("_bucket") ? "_bucket" : name.endsWith("_count") ? "_count"
        : name.endsWith("_sum") ? "_sum" : null;
    if (part == null) return;
    String base = name.substring(0, name.length() - part.length());
    if (base.endsWith("_seconds")) base = base.substring(0, base.length() - "_seconds".length());
    boolean duration = REQUEST_DURATIONS.contains(base);
    boolean firstToken = FIRST_TOKEN_TIMES.contains(base);
    boolean tokens = base.equals(TOKEN_USAGE);
    if (!duration && !firstToken && !tokens) return;
    SeriesKey key = key(s.labels());
    if (key == null) return;
    Double increase = increase(s);
    if (increase == null) return;
    long ts = s.timestampMillis();
    if (duration && part.equals("_count")) {
      out.add(ReportedFigure.amount(key, ts, Measure.REQUESTS, increase));
      String error = s.labels().get("error_type");
      if (error != null && !error.isEmpty()) {
        out.add(ReportedFigure.amount(key, ts, throttling(error) ? Measure.THROTTLED : Measure.ERRORS, increase));
      }
    } else if (tokens && part.equals("_sum")) {
      String type = s.labels().getOrDefault("gen_ai_token_type", "");
      if (type.equals("input")) out.add(ReportedFigure.amount(key, ts, Measure.INPUT_TOKENS, increase));
      if (type.equals("output")) out.add(ReportedFigure.amount(key, ts, Measure.OUTPUT_TOKENS, increase));
    } else if ((duration || firstToken) && part.equals("_bucket") && !s.labels().containsKey("error_type")) {
      double le = bound(s.labels().get("le"));
      if (Double.isNaN(le)) return;
      Map<String, String> rest = new TreeMap<>(s.labels());
      rest.remove("le");
      Series histogram = new Series(base + "@" + ts, rest);
      histograms.computeIfAbsent(histogram, h -> new ArrayList<>())
          .add(new BucketIncrease(key, ts, firstToken ? Measure.TTFT_MS : Measure.LATENCY_MS, le, increase));
    }
  }

  /** Cumulative buckets of one histogram point to latencies at each bucket's middle, in ms. */
  private static void latencies(List<BucketIncrease> buckets, List<ReportedFigure> out) {
    buckets.sort((a, b) -> Double.compare(a.le(), b.le()));
    double lower = 0;
    double below = 0;
    for (BucketIncrease b : buckets) {
      long count = Math.round(b.increaseAtOrBelow() - below);
      if (count > 0) {
        double seconds = Double.isInfinite(b.le()) ? lower : (lower + b.le()) / 2;
        out.add(new ReportedFigure(b.key(), b.timestampMillis(), b.measure(), Math.max(0, seconds * 1000), count));
      }
      below = Math.max(below, b.increaseAtOrBelow());
      if (!Double.isInfinite(b.le())) lower = b.le();
    }
  }

  /** The increase since this series' previous sample; null for its first. */
  private Double increase(Sample s) {
    Series series = new Series(s.name(), s.labels());
    Double previous = lastCumulative.put(series, s.value());
    if (previous == null) return null;
    return s.value() >= previous ? s.value() - previous : s.value();
  }

  private SeriesKey key(Map<String, String> labels) {
    String service = first(labels, SERVICE);
    String model = first(labels, MODEL);
    if (service == null && model == null) return null;
    String deployment = first(labels, deploymentLabels);
    if (deployment == null && service == null) return null;
    return new SeriesKey(service, deployment, model, first(labels, versionLabels));
  }

  private static String first(Map<String, String> labels, List<String> names) {
    for (String n : names) {
      String v = labels.get(n);
      if (v != null && !v.isEmpty()) return v;
    }
    return null;
  }

  private static boolean throttling(String errorType) {
    String e = errorType.toLowerCase(Locale.ROOT);
    return e.equals("429") || e.contains("ratelimit") || e.contains("rate_limit") || e.contains("throttl");
  }

  private static double bound(String le) {
    if (le == null) return Double.NaN;
    if (le.equals("+Inf")) return Double.POSITIVE_INFINITY;
    try {
      return Double.parseDouble(le);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private record Series(String name, Map<String, String> labels) {}

  /** How much a cumulative bucket ({@code le}) grew: the calls at or below its bound since the last point. */
  private record BucketIncrease(SeriesKey key, long timestampMillis, Measure measure, double le, double increaseAtOrBelow) {}
}
