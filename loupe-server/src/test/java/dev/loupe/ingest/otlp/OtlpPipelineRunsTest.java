package dev.loupe.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.PipelineRun;
import dev.loupe.testing.TestServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job that already emits OpenTelemetry reports its runs with the {@code pipeline.*} attributes
 * and nothing else: the real SDK exports spans and log records over OTLP/HTTP and Loupe keeps
 * them as pipeline runs, the span's start and end the run's.
 */
class OtlpPipelineRunsTest {
  @TempDir Path dir;

  @Test
  void spansAndLogRecordsNamingAPipelineBecomeItsRuns() {
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC())) {
      String otlp = "http://127.0.0.1:" + loupe.server().otlpHttpPort();
      SdkTracerProvider tracing = SdkTracerProvider.builder()
          // A resource naming a pipeline makes no span a run: only the span's own attributes count.
          .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "airflow",
              AttributeKey.stringKey("pipeline.name"), "resource-wide")))
          .addSpanProcessor(SimpleSpanProcessor.create(
              OtlpHttpSpanExporter.builder().setEndpoint(otlp + "/v1/traces").build()))
          .build();
      Tracer tracer = tracing.get("loupe-test");
      Instant start = Instant.now().minusSeconds(600);
      var ok = tracer.spanBuilder("dag_run nightly-etl").setStartTimestamp(start)
          .setAttribute("pipeline.name", "nightly-etl")
          .setAttribute("pipeline.rows_in", 1_200_000L)
          .setAttribute("pipeline.rows_out", 1_150_000L)
          .setAttribute("pipeline.check.schema.passed", true)
          .startSpan();
      ok.addEvent("pipeline.check", Attributes.of(AttributeKey.stringKey("pipeline.check.name"), "null_rate.email",
          AttributeKey.booleanKey("pipeline.check.passed"), false, AttributeKey.doubleKey("pipeline.check.value"), 0.12));
      ok.end(start.plusSeconds(90));
      var failed = tracer.spanBuilder("dag_run nightly-etl").setStartTimestamp(start.plusSeconds(300))
          .setAttribute("pipeline.name", "nightly-etl").startSpan();
      failed.setStatus(StatusCode.ERROR, "export missing");
      failed.end(start.plusSeconds(310));
      tracer.spanBuilder("a task of no pipeline").startSpan().end();
      assertThat(tracing.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      tracing.shutdown().join(10, TimeUnit.SECONDS);

      SdkLoggerProvider logging = SdkLoggerProvider.builder()
          .addLogRecordProcessor(SimpleLogRecordProcessor.create(
              OtlpHttpLogRecordExporter.builder().setEndpoint(otlp + "/v1/logs").build()))
          .build();
      Instant logged = start.plusSeconds(400);
      logging.get("loupe-test").logRecordBuilder().setTimestamp(logged).setBody("index refreshed")
          .setAttribute(AttributeKey.stringKey("pipeline.name"), "kb-refresh")
          .setAttribute(AttributeKey.stringKey("pipeline.run.status"), "success")
          .setAttribute(AttributeKey.stringKey("pipeline.run.started_at"), start.plusSeconds(340).toString())
          .setAttribute(AttributeKey.longKey("pipeline.rows_out"), 5_000L)
          .emit();
      logging.get("loupe-test").logRecordBuilder().setTimestamp(logged).setBody("pipeline mentioned, no run")
          .setAttribute(AttributeKey.stringKey("pipeline.name"), "kb-refresh").emit();
      assertThat(logging.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      logging.shutdown().join(10, TimeUnit.SECONDS);

      long s = start.toEpochMilli();
      List<PipelineRun> runs = loupe.server().store().pipelineRuns(0, Long.MAX_VALUE, 10);
      assertThat(runs).containsExactly(
          new PipelineRun("nightly-etl", true, s, s + 90_000, 1_200_000L, 1_150_000L, null,
              List.of(new PipelineRun.Check("schema", true, null), new PipelineRun.Check("null_rate.email", false, 0.12)),
              null),
          new PipelineRun("nightly-etl", false, s + 300_000, s + 310_000, null, null, null, List.of(), "export missing"),
          new PipelineRun("kb-refresh", true, s + 340_000, logged.toEpochMilli(), null, 5_000L, null, List.of(), null));
      assertThat(loupe.server().store().spansBetween(0, Long.MAX_VALUE, 10)).hasSize(3);
    }
  }

  @Test
  void aBadPipelineAttributeRejectsItsSpanNamingTheAttribute() throws Exception {
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC())) {
      long now = System.currentTimeMillis() * 1_000_000;
      String json = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
          + "\"spanId\":\"00f067aa0ba902b7\",\"name\":\"run\",\"startTimeUnixNano\":\"" + now + "\",\"endTimeUnixNano\":\""
          + (now + 1000) + "\",\"attributes\":[{\"key\":\"pipeline.name\",\"value\":{\"stringValue\":\"etl\"}},"
          + "{\"key\":\"pipeline.run.status\",\"value\":{\"stringValue\":\"half-done\"}}]}]}]}]}";
      TestServer.Answer a = loupe.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://127.0.0.1:" + loupe.server().otlpHttpPort() + "/v1/traces"))
          .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)).build());
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.json().at("/partialSuccess/rejectedSpans").asText()).isEqualTo("1");
      assertThat(a.json().at("/partialSuccess/errorMessage").asText()).contains("pipeline.run.status")
          .contains("half-done");
      assertThat(loupe.server().store().pipelineRuns(0, Long.MAX_VALUE, 10)).isEmpty();
    }
  }
}
