package dev.loupe.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.Sample;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpMetricDecoderTest {
  static final long NS = 1_795_900_000_000L * 1_000_000;

  static ExportMetricsServiceRequest request(Metric m) {
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(m))).build();
  }

  static double value(List<Sample> samples, String name, String le) {
    return samples.stream().filter(s -> s.name().equals(name) && (le == null || le.equals(s.labels().get("le"))))
        .findFirst().orElseThrow(() -> new AssertionError(name + " le=" + le + " in " + samples)).value();
  }

  @Test
  void deltaSumsAreAccumulatedIntoCumulativeCounters() {
    OtlpMetricDecoder decoder = new OtlpMetricDecoder();
    for (int i = 1; i <= 3; i++) {
      Metric m = Metric.newBuilder().setName("gen_ai.client.token.usage").setSum(Sum.newBuilder().setIsMonotonic(true)
          .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
          .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(NS + i).setAsInt(10 * i))).build();
      List<Sample> s = decoder.decode(request(m)).batch().samples();
      assertThat(s).singleElement().extracting(Sample::name).isEqualTo("gen_ai_client_token_usage_total");
      assertThat(s.get(0).value()).isEqualTo(10.0 * i * (i + 1) / 2);
    }
  }

  @Test
  void exponentialHistogramBucketsGetTheirUpperBounds() {
    // scale 0: base 2; offset 0 → buckets (1,2], (2,4]; 3 zero-bucket observations.
    Metric m = Metric.newBuilder().setName("latency").setExponentialHistogram(ExponentialHistogram.newBuilder()
        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
        .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(NS).setScale(0).setCount(10)
            .setSum(20).setZeroCount(3)
            .setPositive(ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(0).addBucketCounts(4)
                .addBucketCounts(3)))).build();
    List<Sample> s = new OtlpMetricDecoder().decode(request(m)).batch().samples();
    assertThat(value(s, "latency_bucket", "0")).isEqualTo(3);
    assertThat(value(s, "latency_bucket", "2")).isEqualTo(7);
    assertThat(value(s, "latency_bucket", "4")).isEqualTo(10);
    assertThat(value(s, "latency_bucket", "+Inf")).isEqualTo(10);
    assertThat(value(s, "latency_count", null)).isEqualTo(10);
    assertThat(value(s, "latency_sum", null)).isEqualTo(20);
  }

  @Test
  void aPointWithoutTimeIsRejectedAndNamesAreSanitized() {
    Metric m = Metric.newBuilder().setName("gpu.temp").setGauge(io.opentelemetry.proto.metrics.v1.Gauge.newBuilder()
        .addDataPoints(NumberDataPoint.newBuilder().setAsDouble(1))).build();
    OtlpDecoded d = new OtlpMetricDecoder().decode(request(m));
    assertThat(d.rejected()).isEqualTo(1);
    assertThat(d.firstRejection()).contains("gpu.temp").contains("time_unix_nano");
    assertThat(OtlpMetricDecoder.sanitize("http.server.duration-ms")).isEqualTo("http_server_duration_ms");
  }

  @Test
  void badPointsAreRejectedOneByOneAndTheRestOfTheirMetricIsKept() {
    Metric m = Metric.newBuilder().setName("queue.depth").setGauge(io.opentelemetry.proto.metrics.v1.Gauge.newBuilder()
        .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(NS).setAsInt(4))
        .addDataPoints(NumberDataPoint.newBuilder().setAsInt(5))
        .addDataPoints(NumberDataPoint.newBuilder().setAsInt(6))
        .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(NS).setAsInt(7)
            .addAttributes(io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey("queue")
                .setValue(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue("b"))))).build();
    OtlpDecoded d = new OtlpMetricDecoder().decode(request(m));
    assertThat(d.rejected()).as("counted per data point, as rejected_data_points is").isEqualTo(2);
    assertThat(d.firstRejection()).contains("data point 1");
    assertThat(d.batch().samples()).extracting(Sample::value).containsExactly(4.0, 7.0);
  }

  @Test
  void versionAndDeploymentResourceAttributesArePromotedToLabels() {
    Metric m = Metric.newBuilder().setName("gen_ai.client.operation.duration")
        .setGauge(io.opentelemetry.proto.metrics.v1.Gauge.newBuilder()
            .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(NS).setAsDouble(1))).build();
    var resource = io.opentelemetry.proto.resource.v1.Resource.newBuilder();
    for (String[] kv : new String[][] {{"service.name", "chat-api"}, {"service.version", "1.4.0"},
        {"deployment.name", "eu-prod"}, {"host.name", "pod-7"}}) {
      resource.addAttributes(io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey(kv[0])
          .setValue(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue(kv[1])));
    }
    ExportMetricsServiceRequest r = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics
        .newBuilder().setResource(resource).addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(m))).build();
    Sample s = new OtlpMetricDecoder().decode(r).batch().samples().get(0);
    assertThat(s.labels()).containsEntry("service", "chat-api").containsEntry("service_version", "1.4.0")
        .containsEntry("deployment_name", "eu-prod").doesNotContainKey("host_name");
  }
}
