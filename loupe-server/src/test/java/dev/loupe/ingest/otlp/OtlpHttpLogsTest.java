package dev.loupe.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.testing.TestServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OTLP logs from the real SDK land as log records, and a record that describes a model request
 * becomes an inference exactly as a line posted to {@code /api/v1/logs} would (one mapping).
 */
class OtlpHttpLogsTest {
  @TempDir Path dir;

  @Test
  void sdkLogsBecomeLogRecordsAndRequestLinesBecomeInferences() {
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC())) {
      OtlpHttpLogRecordExporter exporter = OtlpHttpLogRecordExporter.builder()
          .setEndpoint("http://127.0.0.1:" + loupe.server().otlpHttpPort() + "/v1/logs").build();
      SdkLoggerProvider provider = SdkLoggerProvider.builder()
          .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "chat-api")))
          .addLogRecordProcessor(SimpleLogRecordProcessor.create(exporter))
          .build();
      var logger = provider.get("loupe-test");
      logger.logRecordBuilder().setTimestamp(Instant.now()).setSeverity(Severity.INFO).setSeverityText("INFO")
          .setBody("completion served")
          .setAttribute(AttributeKey.stringKey("model"), "gpt-4o")
          .setAttribute(AttributeKey.stringKey("model_version"), "2024-08-06")
          .setAttribute(AttributeKey.stringKey("deployment"), "chat-prod")
          .setAttribute(AttributeKey.doubleKey("latency_ms"), 1234.5)
          .setAttribute(AttributeKey.longKey("tokens_used"), 976L)
          .emit();
      logger.logRecordBuilder().setTimestamp(Instant.now()).setSeverity(Severity.WARN).setBody("cache cold").emit();
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      provider.shutdown().join(10, TimeUnit.SECONDS);

      JsonNode logs = loupe.get("api/v1/logs").json().get("data");
      assertThat(logs).extracting(l -> l.get("message").asText())
          .containsExactlyInAnyOrder("completion served", "cache cold");
      assertThat(logs).extracting(l -> l.get("service").asText()).containsOnly("chat-api");
      JsonNode inferences = loupe.get("api/v1/inferences").json().get("data");
      assertThat(inferences.size()).isEqualTo(1);
      JsonNode i = inferences.get(0);
      assertThat(i.get("deployment").asText()).isEqualTo("chat-prod");
      assertThat(i.get("model_version").asText()).isEqualTo("2024-08-06");
      assertThat(i.get("latency_ms").asDouble()).isEqualTo(1234.5);
      assertThat(i.get("total_tokens").asLong()).isEqualTo(976);
    }
  }

  @Test
  void aRecordWithoutAnyTimeIsRejectedAloneAsAPartialSuccess() {
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC())) {
      String json = "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":["
          + "{\"timeUnixNano\":\"" + System.currentTimeMillis() * 1_000_000 + "\",\"body\":{\"stringValue\":\"ok\"}},"
          + "{\"body\":{\"stringValue\":\"no time\"}}]}]}]}";
      TestServer.Answer a = loupe.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + loupe.server().otlpHttpPort() + "/v1/logs"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.json().at("/partialSuccess/rejectedLogRecords").asText()).isEqualTo("1");
      assertThat(a.json().at("/partialSuccess/errorMessage").asText()).contains("timestamp");
      assertThat(loupe.get("api/v1/logs").json().get("data")).hasSize(1);
    }
  }
}
