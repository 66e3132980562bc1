package dev.loupe.ingest.otlp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import com.google.rpc.RetryInfo;
import dev.loupe.ingest.prometheus.remote.proto.WriteRequest;
import dev.loupe.loadgen.OtlpTraceBodies;
import dev.loupe.model.Span;
import dev.loupe.store.RecordType;
import dev.loupe.store.duckdb.CommitHold;
import dev.loupe.testing.RemoteWrite;
import dev.loupe.testing.TestServer;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * What an exporter is answered for a body Loupe cannot use, and when Loupe is overloaded, over
 * OTLP/HTTP and OTLP/gRPC (raw grpc-java calls, so any bytes can be sent): malformed and
 * truncated bodies are 400 / {@code INVALID_ARGUMENT}, never retried; oversized ones 413 /
 * {@code RESOURCE_EXHAUSTED} without a retry delay; a full ingest gate 429 with
 * {@code Retry-After} / {@code RESOURCE_EXHAUSTED} with a {@code RetryInfo}. Afterwards real
 * OpenTelemetry SDK exporters still export: the server goes on.
 */
class OtlpBadInputTest {
  static final String PROTOBUF = "application/x-protobuf";
  static final int MAX_BODY = 8192;
  static final Map<String, MethodDescriptor<?, ?>> GRPC_EXPORTS = Map.of(
      "/v1/traces", TraceServiceGrpc.getExportMethod(),
      "/v1/logs", LogsServiceGrpc.getExportMethod(),
      "/v1/metrics", MetricsServiceGrpc.getExportMethod());
  static final Map<String, String> REQUEST_TYPES = Map.of(
      "/v1/traces", "ExportTraceServiceRequest",
      "/v1/logs", "ExportLogsServiceRequest",
      "/v1/metrics", "ExportMetricsServiceRequest");

  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();
  final long now = System.currentTimeMillis();
  /** 20 spans: well under the limit; its first half is a truncated export. */
  final byte[] valid = OtlpTraceBodies.build(1, 20, now).get(0);
  final byte[] oversized = OtlpTraceBodies.build(1, 512, now).get(0);
  final byte[] garbage = "not an OTLP export".getBytes(UTF_8);

  @Test
  void malformedTruncatedAndOversizedBodiesGetTheirOtlpAnswersOverHttp() throws Exception {
    assertThat(valid.length).isLessThan(MAX_BODY);
    assertThat(oversized.length).isGreaterThan(MAX_BODY);
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC(), "ingest:\n  max_body_bytes: " + MAX_BODY + "\n")) {
      for (String path : REQUEST_TYPES.keySet()) {
        HttpResponse<byte[]> a = post(loupe, path, PROTOBUF, garbage);
        assertThat(a.statusCode()).as(path).isEqualTo(400);
        assertThat(a.headers().firstValue("Content-Type")).hasValue(PROTOBUF);
        assertThat(status(a).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
        assertThat(status(a).getMessage()).contains(REQUEST_TYPES.get(path));
      }

      HttpResponse<byte[]> truncated = post(loupe, "/v1/traces", PROTOBUF, Arrays.copyOf(valid, valid.length / 2));
      assertThat(truncated.statusCode()).isEqualTo(400);
      assertThat(status(truncated).getMessage()).contains("ended unexpectedly");

      HttpResponse<byte[]> big = post(loupe, "/v1/traces", PROTOBUF, oversized);
      assertThat(big.statusCode()).isEqualTo(413);
      assertThat(status(big).getMessage()).contains("max_body_bytes");
      assertThat(big.headers().firstValue("Retry-After")).as("not retryable").isEmpty();

      byte[] bomb = gzip(new byte[1024 * 1024]);
      assertThat(bomb.length).isLessThan(MAX_BODY);
      HttpResponse<byte[]> inflated = post(loupe, "/v1/traces", PROTOBUF, bomb, "Content-Encoding", "gzip");
      assertThat(inflated.statusCode()).as("over the limit once unpacked").isEqualTo(413);

      HttpResponse<byte[]> notGzip = post(loupe, "/v1/traces", PROTOBUF, valid, "Content-Encoding", "gzip");
      assertThat(notGzip.statusCode()).isEqualTo(400);
      assertThat(status(notGzip).getMessage()).contains("gzip");

      HttpResponse<byte[]> text = post(loupe, "/v1/traces", "text/plain", valid);
      assertThat(text.statusCode()).isEqualTo(415);
      assertThat(status(text).getMessage()).contains("application/x-protobuf");

      HttpResponse<byte[]> ok = post(loupe, "/v1/traces", PROTOBUF, valid);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ExportTraceServiceResponse.parseFrom(ok.body()).hasPartialSuccess()).isFalse();
      assertThat(loupe.server().store().count(RecordType.SPAN)).isEqualTo(20);
      sdkExportsSucceed(loupe);
    }
  }

  @Test
  void malformedTruncatedAndOversizedMessagesGetTheirOtlpAnswersOverGrpc() throws Exception {
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC(), "ingest:\n  max_body_bytes: " + MAX_BODY + "\n")) {
      ManagedChannel channel = channel(loupe);
      try {
        for (Map.Entry<String, MethodDescriptor<?, ?>> e : GRPC_EXPORTS.entrySet()) {
          StatusRuntimeException refused = refused(channel, e.getValue(), garbage);
          assertThat(refused.getStatus().getCode()).as(e.getKey()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(refused.getStatus().getDescription())
              .as("Loupe's decoder answers, not grpc-java").startsWith("the body is not an OTLP " + REQUEST_TYPES.get(e.getKey()));
        }

        StatusRuntimeException truncated =
            refused(channel, TraceServiceGrpc.getExportMethod(), Arrays.copyOf(valid, valid.length / 2));
        assertThat(truncated.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(truncated.getStatus().getDescription()).contains("ended unexpectedly");

        StatusRuntimeException big = refused(channel, TraceServiceGrpc.getExportMethod(), oversized);
        assertThat(big.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(big.getStatus().getDescription()).contains(Integer.toString(MAX_BODY));
        assertThat(retryInfo(big)).as("without a retry delay, so exporters do not retry it").isNull();

        byte[] ok = export(channel, TraceServiceGrpc.getExportMethod(), valid);
        assertThat(ExportTraceServiceResponse.parseFrom(ok).hasPartialSuccess()).isFalse();
        assertThat(loupe.server().store().count(RecordType.SPAN)).isEqualTo(20);
      } finally {
        channel.shutdownNow();
      }
      sdkExportsSucceed(loupe);
    }
  }

  @Test
  void aFullGateAnswersRetryLaterOnEveryProtocolAndTheHeldRequestsStillSucceed() throws Exception {
    List<byte[]> held = OtlpTraceBodies.build(2, 5, now);
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC(),
            "ingest:\n  max_in_flight_requests: 2\n  max_body_bytes: " + MAX_BODY + "\n");
        CommitHold hold = CommitHold.on(loupe.server().store())) {
      ManagedChannel channel = channel(loupe);
      try {
        // The gate holds two: one export over each protocol, waiting for the held commit.
        CompletableFuture<HttpResponse<byte[]>> overHttp = http.sendAsync(
            request(loupe, "/v1/traces", PROTOBUF, held.get(0)), HttpResponse.BodyHandlers.ofByteArray());
        hold.awaitHeld();
        CompletableFuture<byte[]> overGrpc = new CompletableFuture<>();
        ClientCalls.asyncUnaryCall(channel.newCall(raw(TraceServiceGrpc.getExportMethod()), CallOptions.DEFAULT
            .withDeadlineAfter(60, SECONDS)), held.get(1), completing(overGrpc));
        hold.awaitQueued(1);

        HttpResponse<byte[]> busy = post(loupe, "/v1/traces", PROTOBUF, valid);
        assertThat(busy.statusCode()).isEqualTo(429);
        assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(status(busy).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
        assertThat(status(busy).getMessage()).contains("ingest.max_in_flight_requests");

        HttpResponse<byte[]> busyJson = post(loupe, "/v1/logs", "application/json", "{}".getBytes(UTF_8));
        assertThat(busyJson.statusCode()).isEqualTo(429);
        assertThat(busyJson.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode answer = TestServer.JSON.readTree(busyJson.body());
        assertThat(answer.get("code").asInt()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());

        StatusRuntimeException busyGrpc = refused(channel, MetricsServiceGrpc.getExportMethod(), garbage);
        assertThat(busyGrpc.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(busyGrpc.getStatus().getDescription()).contains("ingest.max_in_flight_requests");
        RetryInfo retry = retryInfo(busyGrpc);
        assertThat(retry).as("RESOURCE_EXHAUSTED is retryable only with a RetryInfo").isNotNull();
        assertThat(retry.getRetryDelay().getSeconds()).isEqualTo(1);

        TestServer.Answer busyWrite = loupe.post("api/v1/write", remoteWriteBody(),
            "Content-Type", PROTOBUF, "Content-Encoding", "snappy");
        assertThat(busyWrite.status()).as("remote_write shares the gate").isEqualTo(429);
        assertThat(busyWrite.headers().firstValue("Retry-After")).hasValue("1");
        TestServer.Answer busyEvents = loupe.post("api/v1/inferences", "{\"model\":\"m\",\"service\":\"s\"}");
        assertThat(busyEvents.status()).as("so do the JSON endpoints").isEqualTo(429);
        assertThat(busyEvents.headers().firstValue("Retry-After")).hasValue("1");

        // Answers that retrying cannot change are still given while the gate is full.
        assertThat(post(loupe, "/v1/traces", "text/plain", valid).statusCode()).isEqualTo(415);
        assertThat(post(loupe, "/v1/traces", PROTOBUF, oversized).statusCode()).isEqualTo(413);
        assertThat(refused(channel, TraceServiceGrpc.getExportMethod(), oversized).getStatus().getCode())
            .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

        hold.release();
        assertThat(overHttp.get(30, SECONDS).statusCode()).isEqualTo(200);
        assertThat(ExportTraceServiceResponse.parseFrom(overGrpc.get(30, SECONDS)).hasPartialSuccess()).isFalse();
        assertThat(loupe.server().store().count(RecordType.SPAN)).isEqualTo(10);
        assertThat(export(channel, TraceServiceGrpc.getExportMethod(), valid)).isNotNull();
        assertThat(post(loupe, "/v1/traces", PROTOBUF, valid).statusCode()).isEqualTo(200);
        assertThat(loupe.post("api/v1/write", remoteWriteBody(), "Content-Type", PROTOBUF, "Content-Encoding", "snappy")
            .status()).isEqualTo(204);
      } finally {
        channel.shutdownNow();
      }
      sdkExportsSucceed(loupe);
    }
  }

  /** The real SDK exporters, http/protobuf and grpc, each export a span that is then stored. */
  static void sdkExportsSucceed(TestServer loupe) {
    List<SpanExporter> exporters = List.of(
        OtlpHttpSpanExporter.builder()
            .setEndpoint("http://127.0.0.1:" + loupe.server().otlpHttpPort() + "/v1/traces").build(),
        OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + loupe.server().otlpGrpcPort()).build());
    for (SpanExporter exporter : exporters) {
      SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
      var span = provider.get("loupe-test").spanBuilder("after " + exporter.getClass().getSimpleName()).startSpan();
      String traceId = span.getSpanContext().getTraceId();
      span.end();
      assertThat(provider.forceFlush().join(10, SECONDS).isSuccess()).as(exporter.toString()).isTrue();
      provider.shutdown().join(10, SECONDS);
      assertThat(loupe.server().store().spans(traceId)).extracting(Span::name)
          .containsExactly("after " + exporter.getClass().getSimpleName());
    }
  }

  HttpRequest request(TestServer loupe, String path, String contentType, byte[] body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + loupe.server().otlpHttpPort() + path))
        .header("Content-Type", contentType).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) b.headers(headers);
    return b.build();
  }

  HttpResponse<byte[]> post(TestServer loupe, String path, String contentType, byte[] body, String... headers)
      throws Exception {
    return http.send(request(loupe, path, contentType, body, headers), HttpResponse.BodyHandlers.ofByteArray());
  }

  static com.google.rpc.Status status(HttpResponse<byte[]> answer) throws Exception {
    return com.google.rpc.Status.parseFrom(answer.body());
  }

  static ManagedChannel channel(TestServer loupe) {
    return ManagedChannelBuilder.forAddress("127.0.0.1", loupe.server().otlpGrpcPort()).usePlaintext().build();
  }

  /** The export method with the request and response as bytes, so anything can be sent. */
  static MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<?, ?> generated) {
    return generated.toBuilder(ByteArrayMarshaller.INSTANCE, ByteArrayMarshaller.INSTANCE).build();
  }

  static byte[] export(ManagedChannel channel, MethodDescriptor<?, ?> generated, byte[] body) {
    return ClientCalls.blockingUnaryCall(channel, raw(generated), CallOptions.DEFAULT.withDeadlineAfter(30, SECONDS), body);
  }

  static StatusRuntimeException refused(ManagedChannel channel, MethodDescriptor<?, ?> generated, byte[] body) {
    try {
      export(channel, generated, body);
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the export was accepted");
  }

  /** The RetryInfo among the status details trailer, or null. */
  static RetryInfo retryInfo(StatusRuntimeException e) throws Exception {
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    if (details == null) return null;
    for (Any any : details.getDetailsList()) {
      if (any.is(RetryInfo.class)) return any.unpack(RetryInfo.class);
    }
    return null;
  }

  static StreamObserver<byte[]> completing(CompletableFuture<byte[]> result) {
    return new StreamObserver<>() {
      private byte[] value;

      @Override
      public void onNext(byte[] v) {
        value = v;
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        result.complete(value);
      }
    };
  }

  byte[] remoteWriteBody() throws IOException {
    return Snappy.compress(WriteRequest.newBuilder()
        .addTimeseries(RemoteWrite.series("loupe_test_up", Map.of("job", "test"), now, 1)).build().toByteArray());
  }

  static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(plain);
    }
    return out.toByteArray();
  }
}
