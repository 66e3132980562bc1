package dev.loupe.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.testing.TestServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OTLP metrics (and, over gRPC, logs) from the real SDK become samples named as Prometheus translates them. */
class OtlpHttpMetricsTest {
  @TempDir Path dir;

  static String last(TestServer loupe, String selector) {
    long t = System.currentTimeMillis() / 1000;
    JsonNode r = loupe.get("api/v1/signals/query_range?query=" + URLEncoder.encode(selector, StandardCharsets.UTF_8)
        + "&start=" + (t - 60) + "&end=" + (t + 1) + "&step=1").json().at("/data/result");
    assertThat(r.size()).as(selector + " → " + r).isEqualTo(1);
    JsonNode values = r.get(0).get("values");
    return values.get(values.size() - 1).get(1).asText();
  }

  @Test
  void gaugesSumsAndHistogramsArriveAsPrometheusStyleSeries() {
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC())) {
      OtlpHttpMetricExporter exporter = OtlpHttpMetricExporter.builder()
          .setEndpoint("http://127.0.0.1:" + loupe.server().otlpHttpPort() + "/v1/metrics").build();
      SdkMeterProvider provider = SdkMeterProvider.builder()
          .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "chat-api")))
          .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
          .build();
      var meter = provider.get("loupe-test");
      Attributes model = Attributes.of(AttributeKey.stringKey("gen_ai.request.model"), "gpt-4o");
      var duration = meter.histogramBuilder("gen_ai.client.operation.duration").setUnit("s").build();
      duration.record(0.8, model);
      duration.record(1.2, model);
      meter.counterBuilder("app.requests").build().add(3);
      meter.gaugeBuilder("gpu.temp").buildWithCallback(g -> g.record(70));
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      provider.shutdown().join(10, TimeUnit.SECONDS);

      assertThat(last(loupe, "gen_ai_client_operation_duration_count{gen_ai_request_model=\"gpt-4o\",service=\"chat-api\"}"))
          .isEqualTo("2");
      assertThat(Double.parseDouble(last(loupe, "gen_ai_client_operation_duration_sum"))).isEqualTo(2.0);
      assertThat(last(loupe, "gen_ai_client_operation_duration_bucket{le=\"5\"}")).isEqualTo("2");
      assertThat(last(loupe, "gen_ai_client_operation_duration_bucket{le=\"0\"}")).isEqualTo("0");
      assertThat(last(loupe, "gen_ai_client_operation_duration_bucket{le=\"+Inf\"}")).isEqualTo("2");
      assertThat(last(loupe, "app_requests_total")).isEqualTo("3");
      assertThat(last(loupe, "gpu_temp")).isEqualTo("70");
    }
  }

  @Test
  void metricsAndLogsOverGrpcToo() {
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC())) {
      String endpoint = "http://127.0.0.1:" + loupe.server().otlpGrpcPort();
      SdkMeterProvider meters = SdkMeterProvider.builder()
          .registerMetricReader(PeriodicMetricReader.builder(
                  io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter.builder().setEndpoint(endpoint).build())
              .setInterval(Duration.ofHours(1)).build())
          .build();
      meters.get("t").counterBuilder("grpc.requests").build().add(4);
      assertThat(meters.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      meters.shutdown().join(10, TimeUnit.SECONDS);
      assertThat(last(loupe, "grpc_requests_total")).isEqualTo("4");

      var logs = io.opentelemetry.sdk.logs.SdkLoggerProvider.builder()
          .addLogRecordProcessor(io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor.create(
              io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter.builder().setEndpoint(endpoint).build()))
          .build();
      logs.get("t").logRecordBuilder().setTimestamp(java.time.Instant.now()).setBody("over grpc").emit();
      assertThat(logs.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      logs.shutdown().join(10, TimeUnit.SECONDS);
      assertThat(loupe.get("api/v1/logs").json().get("data").get(0).get("message").asText()).isEqualTo("over grpc");
    }
  }
}
