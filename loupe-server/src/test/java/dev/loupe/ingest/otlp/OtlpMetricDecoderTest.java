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
}
