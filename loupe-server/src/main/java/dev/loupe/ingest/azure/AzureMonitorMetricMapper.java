package dev.loupe.ingest.azure;

import dev.loupe.ingest.events.FieldReader;
import dev.loupe.model.Checks;
import dev.loupe.model.InvalidRecordException;
import dev.loupe.model.Sample;
import dev.loupe.model.TimestampAdmission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps Azure Monitor platform metrics of an Azure OpenAI resource to {@link Sample}s, one per data
 * point, so that teams with only Azure's telemetry get TPM, RPM, TTFT and throttling. Two shapes:
 * the diagnostic-settings metric record (Event Hubs, storage, or a Log Analytics {@code AzureMetrics}
 * row; field names matched without regard to case) and the Metrics REST API response, which is also
 * what {@code az monitor metrics list} prints.
 *
 * <pre>{@code
 * if (AzureMonitorMetricMapper.isMetricsResponse(body)) {
 *   AzureMonitorMetricMapper.Points p = AzureMonitorMetricMapper.mapResponse(body, admission);
 * } else if (AzureMonitorMetricMapper.isMetricRecord(record)) {
 *   Sample s = AzureMonitorMetricMapper.mapRecord(record); // throws InvalidRecordException
 * }
 * }</pre>
 *
 * <p>The service label is the resource name as {@link AzureOpenAiLogMapper} derives it, so metrics
 * and logs of one resource meet; dimensions become snake_case labels, and absent ones stay absent.
 */
public final class AzureMonitorMetricMapper {
  static final String PREFIX = "azure_openai_";

  /** Which aggregation of a data point a sample takes. */
  enum Aggregation {
    TOTAL,
    AVERAGE,
    /** Metrics we know nothing about: total if present, else average, so none is dropped. */
    TOTAL_ELSE_AVERAGE
  }

  /** The sample name of a metric and the aggregation its value is. */
  record Mapping(String sampleName, Aggregation aggregation) {}

  /** By lower-cased metric name; the names are a contract with the readers of these samples. */
  private static final Map<String, Mapping> KNOWN = Map.of(
      "azureopenairequests", new Mapping("azure_openai_requests", Aggregation.TOTAL),
      "processedprompttokens", new Mapping("azure_openai_processed_prompt_tokens", Aggregation.TOTAL),
      "generatedtokens", new Mapping("azure_openai_generated_tokens", Aggregation.TOTAL),
      "tokentransaction", new Mapping("azure_openai_token_transaction", Aggregation.TOTAL),
      "azureopenaitimetoresponse",
          new Mapping("azure_openai_time_to_response_milliseconds", Aggregation.AVERAGE),
      "azureopenaitokenpersecond", new Mapping("azure_openai_tokens_per_second", Aggregation.AVERAGE),
      "azureopenaicontexttokenscachematchrate",
          new Mapping("azure_openai_context_tokens_cache_match_rate_percent", Aggregation.AVERAGE),
      "azureopenaiprovisionedmanagedutilizationv2",
          new Mapping("azure_openai_provisioned_managed_utilization_percent", Aggregation.AVERAGE));

  /**
   * Azure OpenAI's metric dimensions, lower-cased, and their labels. A diagnostic record may carry
   * these as fields of its own; other dimensions come only from {@code dimensions} or REST metadata.
   */
  private static final Map<String, String> DIMENSIONS = Map.of(
      "modeldeploymentname", "deployment",
      "modelname", "model",
      "modelversion", "model_version",
      "statuscode", "status_code",
      "apiname", "api_name",
      "operationname", "operation_name",
      "region", "region",
      "streamtype", "stream_type",
      "usagechannel", "usage_channel");

  /** The samples of one metrics response, and what in it was rejected. */
  public record Points(List<Sample> samples, List<Rejected> rejected, int skipped) {}

  /** A part of a response not kept: the field with its path ({@code value[0].timeseries[1].data[2] total}), and why. */
  public record Rejected(String field, String reason) {}

  private AzureMonitorMetricMapper() {}

  /** A diagnostic-settings metric record: it has a {@code metricName}, in any case. */
  public static boolean isMetricRecord(Map<String, Object> record) {
    for (Map.Entry<String, Object> e : record.entrySet()) {
      if (e.getValue() != null && e.getKey().equalsIgnoreCase("metricName")) return true;
    }
    return false;
  }

  /** A Metrics REST API response: its {@code value} is an array (of metrics). */
  public static boolean isMetricsResponse(Map<String, Object> body) {
    return body.get("value") instanceof List<?>;
  }

  /** The sample of one diagnostic-settings metric record; throws {@link InvalidRecordException} naming the field. */
  public static Sample mapRecord(Map<String, Object> record) {
    FieldReader f = new FieldReader(AzureOpenAiLogMapper.lowerCased(record));
    String metric = f.string("metricname");
    if (metric == null || metric.isBlank()) throw new InvalidRecordException("metricName", "must not be empty");
    String time = f.firstPresent("time", "timestamp", "timegenerated");
    if (time == null) throw new InvalidRecordException("time", "is required (time or TimeGenerated)");
    long ts = f.requiredTimestamp(time);
    Mapping mapping = mapping("metricName", metric);
    Map<String, String> labels = new HashMap<>();
    Object dimensions = f.fields().get("dimensions");
    if (dimensions != null) {
      if (!(dimensions instanceof Map<?, ?> d)) {
        throw new InvalidRecordException("dimensions", "must be an object of dimension names and values");
      }
      for (Map.Entry<?, ?> e : d.entrySet()) {
        String name = String.valueOf(e.getKey());
        label(labels, "dimensions." + name, name, e.getValue());
      }
    }
    for (Map.Entry<String, String> d : DIMENSIONS.entrySet()) {
      label(labels, d.getKey(), d.getKey(), f.fields().get(d.getKey()));
    }
    String service = AzureOpenAiLogMapper.resourceName(f);
    if (service != null && !service.isEmpty()) labels.put("service", service); // the resource wins over a dimension named so
    return new Sample(mapping.sampleName(), labels, ts, value(mapping.aggregation(), f));
  }

  /**
   * The samples of a Metrics REST API response. Never throws: each metric, series or data point at
   * fault is rejected alone and the rest kept. Data points without any value (Azure writes one for
   * every empty grain) are skipped.
   */
  public static Points mapResponse(Map<String, Object> body, TimestampAdmission admission) {
    List<Sample> samples = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    int skipped = 0;
    List<?> metrics = (List<?>) body.get("value");
    for (int i = 0; i < metrics.size(); i++) {
      String path = "value[" + i + "]";
      if (!(metrics.get(i) instanceof Map<?, ?> m)) {
        rejected.add(new Rejected(path, "must be an object (a metric)"));
        continue;
      }
      try {
        skipped += metric(path, m, admission, samples, rejected);
      } catch (InvalidRecordException e) {
        rejected.add(at(path, e));
      }
    }
    return new Points(samples, rejected, skipped);
  }

  /** Adds the metric's samples and rejections; returns how many empty points it skipped. */
  private static int metric(
      String path, Map<?, ?> metric, TimestampAdmission admission, List<Sample> samples, List<Rejected> rejected) {
    FieldReader f = new FieldReader(stringKeys(metric));
    String error = f.string("errorCode");
    if (error != null && !error.equalsIgnoreCase("Success")) {
      throw new InvalidRecordException("errorCode", "Azure answered " + error
          + (f.has("errorMessage") ? ": " + f.string("errorMessage") : ""));
    }
    Mapping mapping = mapping("name", nameValue(f, "name"));
    String id = f.string("id");
    String service = id == null ? null : AzureOpenAiLogMapper.resourceName(resourceIdOf(id));
    if (service != null && service.isEmpty()) service = null;
    List<?> series = list(f, "timeseries");
    int skipped = 0;
    for (int j = 0; j < series.size(); j++) {
      String seriesPath = path + ".timeseries[" + j + "]";
      if (!(series.get(j) instanceof Map<?, ?> s)) {
        rejected.add(new Rejected(seriesPath, "must be an object (a time series)"));
        continue;
      }
      try {
        FieldReader sf = new FieldReader(stringKeys(s));
        Map<String, String> labels = metadataLabels(sf);
        if (service != null) labels.put("service", service); // the resource wins over a dimension named so
        List<?> data = list(sf, "data");
        for (int k = 0; k < data.size(); k++) {
          String pointPath = seriesPath + ".data[" + k + "]";
          try {
            Sample sample = point(mapping, labels, data.get(k), admission);
            if (sample != null) samples.add(sample);
            else skipped++;
          } catch (InvalidRecordException e) {
            rejected.add(at(pointPath, e));
          }
        }
      } catch (InvalidRecordException e) {
        rejected.add(at(seriesPath, e));
      }
    }
    return skipped;
  }

  /** Null for a point without any value. */
  private static Sample point(Mapping mapping, Map<String, String> labels, Object point, TimestampAdmission admission) {
    if (!(point instanceof Map<?, ?> p)) throw new InvalidRecordException("data", "must hold objects (data points)");
    FieldReader f = new FieldReader(stringKeys(p));
    if (f.firstPresent("total", "average", "count", "minimum", "maximum") == null) return null;
    Long ts = f.timestamp("timeStamp");
    if (ts == null) throw new InvalidRecordException("timeStamp", "is required");
    admission.check("timeStamp", ts);
    return new Sample(mapping.sampleName(), labels, ts, value(mapping.aggregation(), f));
  }

  /** {@code metadatavalues}: {@code [{"name": {"value": "StatusCode"}, "value": "429"}, …]}. */
  private static Map<String, String> metadataLabels(FieldReader series) {
    Map<String, String> labels = new HashMap<>();
    Object metadata = series.fields().get("metadatavalues");
    if (metadata == null) return labels;
    if (!(metadata instanceof List<?> l)) throw new InvalidRecordException("metadatavalues", "must be an array");
    for (int k = 0; k < l.size(); k++) {
      String field = "metadatavalues[" + k + "]";
      if (!(l.get(k) instanceof Map<?, ?> m)) throw new InvalidRecordException(field, "must be an object");
      FieldReader f = new FieldReader(stringKeys(m));
      String name;
      try {
        name = nameValue(f, "name");
      } catch (InvalidRecordException e) {
        throw new InvalidRecordException(field + "." + e.field(), e.reason());
      }
      label(labels, field + ".value", name, f.fields().get("value"));
    }
    return labels;
  }

  /** The value of a point: the metric's aggregation, or the one that gives it (total = average × count). */
  static double value(Aggregation aggregation, FieldReader f) {
    Double total = f.number("total");
    Double average = f.number("average");
    switch (aggregation) {
      case TOTAL: {
        if (total != null) return Checks.finite("total", total);
        Double count = f.number("count");
        if (average != null && count != null) return Checks.finite("total", average * count);
        throw new InvalidRecordException("total", "is required (or average and count)");
      }
      case AVERAGE: {
        if (average != null) return Checks.finite("average", average);
        Double count = f.number("count");
        if (total != null && count != null && count > 0) return Checks.finite("average", total / count);
        throw new InvalidRecordException("average", "is required (or total and a count above 0)");
      }
      case TOTAL_ELSE_AVERAGE: {
        if (total != null) return Checks.finite("total", total);
        if (average != null) return Checks.finite("average", average);
        throw new InvalidRecordException("total", "is required (or average)");
      }
      default:
        throw new AssertionError(aggregation);
    }
  }

  /** The table's mapping, or {@code azure_openai_} and the snake_case name for any other metric. */
  static Mapping mapping(String field, String metricName) {
    Mapping known = KNOWN.get(metricName.toLowerCase(Locale.ROOT));
    if (known != null) return known;
    String snake = snakeCase(metricName);
    if (snake.isEmpty()) throw new InvalidRecordException(field, "'" + metricName + "' has no letter or digit");
    return new Mapping(snake.startsWith(PREFIX) ? snake : PREFIX + snake, Aggregation.TOTAL_ELSE_AVERAGE);
  }

  /** The label of a dimension: Loupe's own for the model's dimensions, else its snake_case name. */
  static String labelName(String dimension) {
    String known = DIMENSIONS.get(dimension.toLowerCase(Locale.ROOT));
    return known != null ? known : snakeCase(dimension);
  }

  /**
   * {@code ModelDeploymentName} → {@code model_deployment_name}, {@code TTFTInMS} → {@code ttft_in_ms};
   * {@code OpenAI} is one word. Anything but ASCII letters and digits separates words.
   */
  static String snakeCase(String name) {
    String s = name.replace("OpenAI", "Openai");
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c < 128 && Character.isLetterOrDigit(c))) {
        separate(b);
        continue;
      }
      if (Character.isUpperCase(c) && i > 0) {
        char prev = s.charAt(i - 1);
        boolean nextLower = i + 1 < s.length() && Character.isLowerCase(s.charAt(i + 1));
        if (Character.isLowerCase(prev) || Character.isDigit(prev) || Character.isUpperCase(prev) && nextLower) {
          separate(b);
        }
      }
      b.append(Character.toLowerCase(c));
    }
    while (b.length() > 0 && b.charAt(b.length() - 1) == '_') b.setLength(b.length() - 1);
    if (b.length() > 0 && Character.isDigit(b.charAt(0))) b.insert(0, '_');
    return b.toString();
  }

  private static void separate(StringBuilder b) {
    if (b.length() > 0 && b.charAt(b.length() - 1) != '_') b.append('_');
  }

  /** Adds a dimension's label; an absent or empty value is no label (never an invented one). */
  private static void label(Map<String, String> labels, String field, String dimension, Object value) {
    if (value == null) return;
    if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
      throw new InvalidRecordException(field, "must be a string (a dimension value)");
    }
    String text = String.valueOf(value);
    if (text.isEmpty()) return;
    String name = labelName(dimension);
    if (name.isEmpty()) throw new InvalidRecordException(field, "dimension '" + dimension + "' has no letter or digit");
    labels.put(name, text);
  }

  /** A REST name: {@code {"value": "…", "localizedValue": "…"}}, or the plain text some clients write. */
  private static String nameValue(FieldReader f, String field) {
    Object name = f.fields().get(field);
    String value = name instanceof Map<?, ?> m ? new FieldReader(stringKeys(m)).string("value") : f.string(field);
    if (value == null || value.isBlank()) throw new InvalidRecordException(field, "is required ({\"value\": …})");
    return value;
  }

  /**
   * A REST metric's {@code id} is the resource's id followed by
   * {@code /providers/Microsoft.Insights/metrics/<name>}; the resource is what comes before.
   */
  static String resourceIdOf(String metricId) {
    int at = metricId.toLowerCase(Locale.ROOT).indexOf("/providers/microsoft.insights/");
    return at > 0 ? metricId.substring(0, at) : metricId;
  }

  private static List<?> list(FieldReader f, String field) {
    Object v = f.fields().get(field);
    if (v instanceof List<?> l) return l;
    throw new InvalidRecordException(field, v == null ? "is required (an array)" : "must be an array");
  }

  private static Rejected at(String path, InvalidRecordException e) {
    return new Rejected(path + " " + e.field(), e.reason());
  }

  /** JSON objects have string keys; the cast is the one place this is assumed. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> stringKeys(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }
}
