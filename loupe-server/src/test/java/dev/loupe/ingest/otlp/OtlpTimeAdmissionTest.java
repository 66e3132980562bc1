package dev.loupe.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.loupe.store.RecordType;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OTLP spans, log records and data points dated 1970, 2262 or before the retention are rejected
 * one by one with the reason in the partial success, over OTLP/HTTP and OTLP/gRPC alike, as the
 * JSON endpoints and remote_write reject them; the one dated now is kept.
 */
class OtlpTimeAdmissionTest {
  static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
  /** Epoch nanos: 2 January 1970, the last nanosecond a long holds (2262), 31 days ago (retention 30 d), now. */
  static final List<Long> TIMES = List.of(86_400_000_000_000L, Long.MAX_VALUE,
      NOW.minus(Duration.ofDays(31)).toEpochMilli() * 1_000_000, NOW.toEpochMilli() * 1_000_000);

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(NOW);

  static ExportTraceServiceRequest spans() {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < TIMES.size(); i++) {
      long t = TIMES.get(i);
      scope.addSpans(Span.newBuilder().setTraceId(id(16, i)).setSpanId(id(8, i)).setName("chat gpt-4o")
          .setStartTimeUnixNano(t == Long.MAX_VALUE ? t - 1000 : t).setEndTimeUnixNano(t)
          .addAttributes(attribute("gen_ai.request.model", "gpt-4o")));
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(resource()).addScopeSpans(scope)).build();
  }

  static ExportLogsServiceRequest logs() {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (long t : TIMES) {
      scope.addLogRecords(LogRecord.newBuilder().setTimeUnixNano(t).setSeverityText("INFO")
          .setBody(AnyValue.newBuilder().setStringValue("hello")));
    }
    return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
        .setResource(resource()).addScopeLogs(scope)).build();
  }

  static ExportMetricsServiceRequest metrics() {
    Gauge.Builder gauge = Gauge.newBuilder();
    for (long t : TIMES) gauge.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(t).setAsDouble(1));
    return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
        .setResource(resource()).addScopeMetrics(ScopeMetrics.newBuilder()
            .addMetrics(Metric.newBuilder().setName("queue.depth").setGauge(gauge)))).build();
  }

  static Resource resource() {
    return Resource.newBuilder().addAttributes(attribute("service.name", "chat-api")).build();
  }

  static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  static ByteString id(int bytes, int n) {
    byte[] b = new byte[bytes];
    b[bytes - 1] = (byte) (n + 1);
    b[0] = 0x4b;
    return ByteString.copyFrom(b);
  }

  /** The export response's bytes, after asserting the 200 OTLP answers a partial success with. */
  static byte[] post(TestServer loupe, String path, byte[] body) throws Exception {
    HttpResponse<byte[]> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + loupe.server().otlpHttpPort() + path))
            .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return r.body();
  }

  static void assertReasons(String message) {
    assertThat(message).startsWith("3 rejected; first: ");
    assertThat(message).contains("1970-01-02T00:00:00Z is older than the retention of 30 days");
  }

  @Test
  void overHttpOnlyTheRecordDatedNowIsKept() throws Exception {
    try (TestServer loupe = TestServer.start(dir, clock)) {
      var traces = ExportTraceServiceResponse.parseFrom(post(loupe, "/v1/traces", spans().toByteArray()));
      assertThat(traces.getPartialSuccess().getRejectedSpans()).isEqualTo(3);
      assertReasons(traces.getPartialSuccess().getErrorMessage());

      var logs = ExportLogsServiceResponse.parseFrom(post(loupe, "/v1/logs", logs().toByteArray()));
      assertThat(logs.getPartialSuccess().getRejectedLogRecords()).isEqualTo(3);
      assertReasons(logs.getPartialSuccess().getErrorMessage());

      var samples = ExportMetricsServiceResponse.parseFrom(post(loupe, "/v1/metrics", metrics().toByteArray()));
      assertThat(samples.getPartialSuccess().getRejectedDataPoints()).isEqualTo(3);
      assertReasons(samples.getPartialSuccess().getErrorMessage());
      assertThat(samples.getPartialSuccess().getErrorMessage()).contains("time_unix_nano");

      assertThat(loupe.server().store().count(RecordType.SPAN)).isEqualTo(1);
      assertThat(loupe.server().store().count(RecordType.INFERENCE)).as("only the span dated now became an inference")
          .isEqualTo(1);
      assertThat(loupe.server().store().count(RecordType.LOG)).isEqualTo(1);
      assertThat(loupe.server().store().count(RecordType.SAMPLE)).isEqualTo(1);
      assertThat(loupe.get("metrics").body())
          .contains("loupe_ingest_records_rejected_total{endpoint=\"/v1/traces\",reason=\"invalid_record\"} 3.0");
    }
  }

  @Test
  void overGrpcOnlyTheRecordDatedNowIsKept() throws Exception {
    try (TestServer loupe = TestServer.start(dir, clock)) {
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", loupe.server().otlpGrpcPort()).usePlaintext().build();
      try {
        var traces = TraceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).export(spans());
        assertThat(traces.getPartialSuccess().getRejectedSpans()).isEqualTo(3);
        assertReasons(traces.getPartialSuccess().getErrorMessage());
        assertThat(traces.getPartialSuccess().getErrorMessage()).contains("start_time_unix_nano");
        var logs = LogsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).export(logs());
        assertThat(logs.getPartialSuccess().getRejectedLogRecords()).isEqualTo(3);
        var samples = MetricsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).export(metrics());
        assertThat(samples.getPartialSuccess().getRejectedDataPoints()).isEqualTo(3);
      } finally {
        channel.shutdownNow();
      }
      assertThat(loupe.server().store().count(RecordType.SPAN)).isEqualTo(1);
      assertThat(loupe.server().store().count(RecordType.LOG)).isEqualTo(1);
      assertThat(loupe.server().store().count(RecordType.SAMPLE)).isEqualTo(1);
    }
  }

  @Test
  void azureLogsAreUnderTheSameAdmission() {
    try (TestServer loupe = TestServer.start(dir, clock)) {
      String row = "{\"time\":\"%s\",\"resourceId\":\".../ACCOUNTS/AOAI-EU\",\"category\":\"RequestResponse\","
          + "\"operationName\":\"ChatCompletions_Create\",\"durationMs\":80,\"resultSignature\":\"200\","
          + "\"properties\":\"{\\\"modelDeploymentName\\\":\\\"gpt-4o-prod\\\",\\\"modelName\\\":\\\"gpt-4o\\\"}\"}";
      TestServer.Answer a = loupe.post("api/v1/azure/openai", "{\"records\": ["
          + String.format(row, "1970-01-01T00:00:00Z") + "," + String.format(row, "2262-04-11T00:00:00Z") + ","
          + String.format(row, NOW.toString()) + "]}");
      assertThat(a.status()).as(a.body()).isEqualTo(200);
      assertThat(a.json().get("accepted").asInt()).isEqualTo(1);
      assertThat(a.json().get("rejected").asInt()).isEqualTo(2);
    }
  }
}
