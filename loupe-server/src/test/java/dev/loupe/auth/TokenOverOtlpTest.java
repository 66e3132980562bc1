package dev.loupe.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.store.RecordType;
import dev.loupe.testing.TestServer;
import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real OpenTelemetry SDK exporters, over http/protobuf and gRPC, against a Loupe with tokens:
 * a write token is accepted; no token is 401 / {@code UNAUTHENTICATED}; a read-only token is
 * 403 / {@code PERMISSION_DENIED}.
 */
class TokenOverOtlpTest {
  static final String WRITER = "w-0123456789abcdef";
  static final String READER = "r-0123456789abcdef";
  static final String YAML = String.join("\n",
      "auth:",
      "  tokens:",
      "    - {name: collector, token: " + WRITER + ", scopes: [write]}",
      "    - name: dashboards",
      "      token_sha256: " + TokenConfig.sha256Hex(READER),
      "      scopes: [read]",
      "");

  @TempDir Path dir;

  @Test
  void httpProtobufExporter() throws Exception {
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC(), YAML)) {
      Function<Map<String, String>, SpanExporter> exporter = headers -> {
        var b = OtlpHttpSpanExporter.builder()
            .setEndpoint("http://127.0.0.1:" + loupe.server().otlpHttpPort() + "/v1/traces");
        headers.forEach(b::addHeader);
        return b.build();
      };
      assertThat(export(exporter.apply(Map.of("Authorization", "Bearer " + WRITER))).isSuccess()).isTrue();
      assertThat(loupe.server().store().count(RecordType.SPAN)).isEqualTo(1);

      assertThat(httpStatus(export(exporter.apply(Map.of())))).isEqualTo(401);
      assertThat(httpStatus(export(exporter.apply(Map.of("Authorization", "Bearer not-a-token-at-all"))))).isEqualTo(401);
      assertThat(httpStatus(export(exporter.apply(Map.of("Authorization", "Bearer " + READER))))).isEqualTo(403);
      assertThat(loupe.server().store().count(RecordType.SPAN)).as("refused exports keep nothing").isEqualTo(1);

      // The answers themselves: a google.rpc.Status like the request's encoding, and the challenge.
      TestServer.Answer none = loupe.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://127.0.0.1:" + loupe.server().otlpHttpPort() + "/v1/traces"))
          .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build());
      assertThat(none.status()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"loupe\"");
      assertThat(none.json().get("code").asInt()).isEqualTo(com.google.rpc.Code.UNAUTHENTICATED_VALUE);
      TestServer.Answer readOnly = loupe.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://127.0.0.1:" + loupe.server().otlpHttpPort() + "/v1/traces"))
          .header("Content-Type", "application/x-protobuf").header("Authorization", "Bearer " + READER)
          .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[0])).build());
      assertThat(readOnly.status()).isEqualTo(403);
      com.google.rpc.Status status = com.google.rpc.Status.parseFrom(
          readOnly.body().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      assertThat(status.getCode()).isEqualTo(com.google.rpc.Code.PERMISSION_DENIED_VALUE);
      assertThat(status.getMessage()).contains("dashboards").contains("write").doesNotContain(READER);
    }
  }

  @Test
  void grpcExporter() throws Exception {
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC(), YAML)) {
      Function<Map<String, String>, SpanExporter> exporter = headers -> {
        var b = OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + loupe.server().otlpGrpcPort());
        headers.forEach(b::addHeader);
        return b.build();
      };
      assertThat(export(exporter.apply(Map.of("Authorization", "Bearer " + WRITER))).isSuccess()).isTrue();
      assertThat(loupe.server().store().count(RecordType.SPAN)).isEqualTo(1);

      assertThat(grpcStatus(export(exporter.apply(Map.of())))).isEqualTo(GrpcStatusCode.UNAUTHENTICATED);
      assertThat(grpcStatus(export(exporter.apply(Map.of("Authorization", "Bearer not-a-token-at-all")))))
          .isEqualTo(GrpcStatusCode.UNAUTHENTICATED);
      assertThat(grpcStatus(export(exporter.apply(Map.of("Authorization", "Bearer " + READER)))))
          .isEqualTo(GrpcStatusCode.PERMISSION_DENIED);
      assertThat(loupe.server().store().count(RecordType.SPAN)).isEqualTo(1);
    }
  }

  /** One span through {@code exporter}; the exporter's own result for it. */
  static CompletableResultCode export(SpanExporter exporter) {
    Recording recording = new Recording(exporter);
    SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(recording)).build();
    provider.get("loupe-test").spanBuilder("chat gpt-4o").setAttribute("gen_ai.operation.name", "chat")
        .setAttribute("gen_ai.request.model", "gpt-4o").setAttribute("tenant", "globex").startSpan().end();
    provider.forceFlush().join(20, TimeUnit.SECONDS);
    provider.shutdown().join(20, TimeUnit.SECONDS);
    assertThat(recording.last).as("the exporter was called").isNotNull();
    return recording.last.join(20, TimeUnit.SECONDS);
  }

  static int httpStatus(CompletableResultCode r) {
    assertThat(r.isSuccess()).isFalse();
    assertThat(r.getFailureThrowable()).isInstanceOf(FailedExportException.HttpExportException.class);
    return ((FailedExportException.HttpExportException) r.getFailureThrowable()).getResponse().getStatusCode();
  }

  static GrpcStatusCode grpcStatus(CompletableResultCode r) {
    assertThat(r.isSuccess()).isFalse();
    assertThat(r.getFailureThrowable()).isInstanceOf(FailedExportException.GrpcExportException.class);
    return ((FailedExportException.GrpcExportException) r.getFailureThrowable()).getResponse().getStatusCode();
  }

  /** Keeps the result of the last export so the test can read why it failed. */
  static final class Recording implements SpanExporter {
    private final SpanExporter delegate;
    volatile CompletableResultCode last;

    Recording(SpanExporter delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      last = delegate.export(spans);
      return last;
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }
  }
}
