package dev.loupe.ingest.otlp;

import dev.loupe.model.Batch;
import dev.loupe.model.InvalidRecordException;
import dev.loupe.model.Sample;
import dev.loupe.model.TimestampAdmission;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decodes an OTLP metrics export into samples named the way Prometheus names translated OTLP
 * metrics: dots become underscores, monotonic sums end in {@code _total}, histograms become
 * {@code _bucket{le}}, {@code _sum} and {@code _count} series (exponential histograms too, with
 * their bucket bounds computed from scale and index). Delta sums and histograms are accumulated
 * into cumulative series, so the samples read like a Prometheus scrape's. Data point attributes
 * become labels, with the resource's {@code service.name} as {@code service} and the resource
 * attributes that name a model version or deployment promoted (as Prometheus's
 * {@code promote_resource_attributes} does), so GenAI metrics can be told apart by version. A
 * data point that cannot be read, or is dated outside the admitted time, is rejected alone and counted.
 */
public final class OtlpMetricDecoder {
  /** Running totals of delta series, by series identity. */
  private final Map<String, Double> deltaTotals = new HashMap<>();
  private final List<String> promoted;
  private final TimestampAdmission admission;

  /** Promotes the default version and deployment attributes of {@link GenAiSpanMapping}; admits any time. */
  public OtlpMetricDecoder() {
    this(GenAiSpanMapping.VERSION_ATTRIBUTES, GenAiSpanMapping.DEPLOYMENT_ATTRIBUTES);
  }

  /** Promotes these resource attributes (where model version and deployment are read) to labels of every point. */
  public OtlpMetricDecoder(List<String> versionAttributes, List<String> deploymentAttributes) {
    this(versionAttributes, deploymentAttributes, TimestampAdmission.anyTime());
  }

  /** As above, and rejects a data point whose time {@code admission} does not admit, as remote_write does. */
  public OtlpMetricDecoder(List<String> versionAttributes, List<String> deploymentAttributes,
      TimestampAdmission admission) {
    List<String> p = new ArrayList<>(versionAttributes);
    p.addAll(deploymentAttributes);
    this.promoted = List.copyOf(p);
    this.admission = admission;
  }

  public synchronized OtlpDecoded decode(ExportMetricsServiceRequest request) {
    List<Sample> out = new ArrayList<>();
    Rejections rejections = new Rejections();
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      Map<String, String> resource = new TreeMap<>();
      for (KeyValue kv : rm.getResource().getAttributesList()) {
        if (kv.getKey().equals("service.name")) resource.put("service", kv.getValue().getStringValue());
        else if (promoted.contains(kv.getKey())) resource.put(sanitize(kv.getKey()), AnyValues.text(kv.getValue()));
      }
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) samples(m, resource, out, rejections);
      }
    }
    return new OtlpDecoded(Batch.ofSamples(out), rejections.count, rejections.first);
  }

  /** Rejected data points: how many, and the first one's reason. */
  private static final class Rejections {
    int count;
    String first;

    void add(Metric m, int point, InvalidRecordException e) {
      count++;
      if (first == null) first = "metric " + m.getName() + " data point " + point + ": " + e.getMessage();
    }
  }

  /** One metric's samples, each data point on its own: a bad one is rejected, the rest kept. */
  private void samples(Metric m, Map<String, String> resource, List<Sample> out, Rejections rejections) {
    String name = sanitize(m.getName());
    switch (m.getDataCase()) {
      case GAUGE -> each(m, m.getGauge().getDataPointsList(), out, rejections,
          (p, point) -> point.add(number(name, p, resource, false)));
      case SUM -> {
        boolean delta = m.getSum().getAggregationTemporality() == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
        String n = m.getSum().getIsMonotonic() && !name.endsWith("_total") ? name + "_total" : name;
        each(m, m.getSum().getDataPointsList(), out, rejections, (p, point) -> point.add(number(n, p, resource, delta)));
      }
      case HISTOGRAM -> {
        boolean delta =
            m.getHistogram().getAggregationTemporality() == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
        each(m, m.getHistogram().getDataPointsList(), out, rejections,
            (p, point) -> histogram(name, p, resource, delta, point));
      }
      case EXPONENTIAL_HISTOGRAM -> {
        boolean delta = m.getExponentialHistogram().getAggregationTemporality()
            == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
        each(m, m.getExponentialHistogram().getDataPointsList(), out, rejections,
            (p, point) -> exponential(name, p, resource, delta, point));
      }
      default -> { } // summaries are legacy in OTLP; nothing else carries values
    }
  }

  private static <P> void each(Metric m, List<P> points, List<Sample> out, Rejections rejections,
      java.util.function.BiConsumer<P, List<Sample>> read) {
    for (int i = 0; i < points.size(); i++) {
      List<Sample> point = new ArrayList<>();
      try {
        read.accept(points.get(i), point);
        out.addAll(point);
      } catch (InvalidRecordException e) {
        rejections.add(m, i, e);
      }
    }
  }

  private Sample number(String name, NumberDataPoint p, Map<String, String> resource, boolean delta) {
    Map<String, String> labels = labels(p.getAttributesList(), resource);
    double v = p.hasAsInt() ? p.getAsInt() : p.getAsDouble();
    return new Sample(name, labels, millis(p.getTimeUnixNano()), delta ? accumulate(name, labels, v) : v);
  }

  private void histogram(String name, HistogramDataPoint p, Map<String, String> resource, boolean delta,
      List<Sample> out) {
    Map<String, String> labels = labels(p.getAttributesList(), resource);
    long ts = millis(p.getTimeUnixNano());
    long cumulative = 0;
    for (int i = 0; i < p.getBucketCountsCount(); i++) {
      cumulative += p.getBucketCounts(i);
      String le = i < p.getExplicitBoundsCount() ? format(p.getExplicitBounds(i)) : "+Inf";
      bucket(name, labels, le, ts, cumulative, delta, out);
    }
    counts(name, labels, ts, p.getCount(), p.hasSum() ? p.getSum() : Double.NaN, delta, out);
  }

  private void exponential(String name, ExponentialHistogramDataPoint p, Map<String, String> resource,
      boolean delta, List<Sample> out) {
    Map<String, String> labels = labels(p.getAttributesList(), resource);
    long ts = millis(p.getTimeUnixNano());
    double base = Math.pow(2, Math.pow(2, -p.getScale()));
    // Negative observations are left to _sum and _count; buckets cover zero and positive values.
    long cumulative = p.getZeroCount() + p.getNegative().getBucketCountsList().stream().mapToLong(Long::longValue).sum();
    bucket(name, labels, format(p.getZeroThreshold()), ts, cumulative, delta, out);
    var positive = p.getPositive();
    for (int i = 0; i < positive.getBucketCountsCount(); i++) {
      cumulative += positive.getBucketCounts(i);
      double upper = Math.pow(base, positive.getOffset() + i + 1);
      bucket(name, labels, format(upper), ts, cumulative, delta, out);
    }
    bucket(name, labels, "+Inf", ts, p.getCount(), delta, out);
    counts(name, labels, ts, p.getCount(), p.hasSum() ? p.getSum() : Double.NaN, delta, out);
  }

  private void bucket(String name, Map<String, String> labels, String le, long ts, double v, boolean delta,
      List<Sample> out) {
    Map<String, String> l = new TreeMap<>(labels);
    l.put("le", le);
    out.add(new Sample(name + "_bucket", l, ts, delta ? accumulate(name + "_bucket", l, v) : v));
  }

  private void counts(String name, Map<String, String> labels, long ts, long count, double sum, boolean delta,
      List<Sample> out) {
    out.add(new Sample(name + "_count", labels, ts, delta ? accumulate(name + "_count", labels, count) : count));
    if (!Double.isNaN(sum)) {
      out.add(new Sample(name + "_sum", labels, ts, delta ? accumulate(name + "_sum", labels, sum) : sum));
    }
  }

  private double accumulate(String name, Map<String, String> labels, double delta) {
    return deltaTotals.merge(name + new TreeMap<>(labels), delta, Double::sum);
  }

  private static Map<String, String> labels(List<KeyValue> attributes, Map<String, String> resource) {
    Map<String, String> out = new TreeMap<>(resource);
    for (KeyValue kv : attributes) out.put(sanitize(kv.getKey()), AnyValues.text(kv.getValue()));
    return out;
  }

  private long millis(long nanos) {
    if (nanos <= 0) throw new InvalidRecordException("time_unix_nano", "is missing");
    admission.check("time_unix_nano", nanos / 1_000_000);
    return nanos / 1_000_000;
  }

  /** Prometheus's translation: anything outside {@code [a-zA-Z0-9_:]} becomes {@code _}. */
  public static String sanitize(String name) {
    StringBuilder b = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      b.append(Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == ':' ? c : '_');
    }
    if (b.length() > 0 && Character.isDigit(b.charAt(0))) b.insert(0, '_');
    return b.toString();
  }

  private static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
