package dev.loupe.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.testing.TestServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Teams whose only telemetry is Azure's logs or the OpenTelemetry GenAI metrics still get the
 * model dimension's signals: requests, throttling, tokens per minute and time to first token, as
 * {@code /metrics} and the health page read them.
 */
class ModelSignalsFromTelemetryTest {
  @TempDir Path dir;

  static double metric(String exposition, String name, String... labels) {
    StringBuilder re = new StringBuilder("(?m)^" + Pattern.quote(name) + "\\{");
    for (String l : labels) re.append("(?=[^}]*").append(Pattern.quote(l)).append(")");
    re.append("[^}]*\\} (\\S+)$");
    Matcher m = Pattern.compile(re.toString()).matcher(exposition);
    assertThat(m.find()).as(name + " with " + String.join(",", labels) + " in\n" + exposition).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void azureRequestResponseLogsFeedRequestsAndThrottling() {
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC())) {
      String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
      String props = "{\\\"modelDeploymentName\\\":\\\"gpt-4o-prod\\\",\\\"modelName\\\":\\\"gpt-4o\\\","
          + "\\\"modelVersion\\\":\\\"2024-08-06\\\"}";
      StringBuilder records = new StringBuilder("{\"records\":[");
      for (int i = 0; i < 4; i++) {
        if (i > 0) records.append(',');
        records.append("{\"time\":\"").append(now).append("\",\"resourceId\":\"/SUBSCRIPTIONS/S/PROVIDERS/")
            .append("MICROSOFT.COGNITIVESERVICES/ACCOUNTS/AOAI-EU\",\"category\":\"RequestResponse\",")
            .append("\"operationName\":\"ChatCompletions_Create\",\"durationMs\":").append(400 + i)
            .append(",\"resultSignature\":\"").append(i == 3 ? 429 : 200).append("\",\"properties\":\"")
            .append(props).append("\"}");
      }
      assertThat(loupe.post("api/v1/azure/openai", records.append("]}").toString()).status()).isEqualTo(200);

      String exposition = loupe.get("metrics").body();
      String[] key = {"service=\"aoai-eu\"", "deployment=\"gpt-4o-prod\"", "model_version=\"2024-08-06\""};
      assertThat(metric(exposition, "loupe_model_requests_per_second", key)).isPositive();
      assertThat(metric(exposition, "loupe_model_throttled_ratio", key)).isEqualTo(0.25);
      assertThat(loupe.get("api/v1/health").json().at("/dimensions/model/status").asText()).isNotEqualTo("no_data");
    }
  }

  @Test
  void genAiClientMetricsFromTheSdkFeedRequestsTokensLatencyAndTimeToFirstToken() {
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC())) {
      OtlpHttpMetricExporter exporter = OtlpHttpMetricExporter.builder()
          .setEndpoint("http://127.0.0.1:" + loupe.server().otlpHttpPort() + "/v1/metrics").build();
      SdkMeterProvider provider = SdkMeterProvider.builder()
          .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "chat-api",
              AttributeKey.stringKey("service.version"), "1.4.0")))
          .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
          .build();
      var meter = provider.get("loupe-test");
      AttributeKey<String> model = AttributeKey.stringKey("gen_ai.request.model");
      AttributeKey<String> type = AttributeKey.stringKey("gen_ai.token.type");
      // The bucket boundaries the GenAI conventions advise for durations, as instrumentations set them.
      java.util.List<Double> advice = java.util.List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
          10.24, 20.48, 40.96, 81.92);
      var duration = meter.histogramBuilder("gen_ai.client.operation.duration").setUnit("s")
          .setExplicitBucketBoundariesAdvice(advice).build();
      var tokens = meter.histogramBuilder("gen_ai.client.token.usage").setUnit("{token}").ofLongs().build();
      var firstToken = meter.histogramBuilder("gen_ai.server.time_to_first_token").setUnit("s")
          .setExplicitBucketBoundariesAdvice(advice).build();
      Runnable call = () -> {
        duration.record(1.2, Attributes.of(model, "gpt-4o"));
        tokens.record(800, Attributes.of(model, "gpt-4o", type, "input"));
        tokens.record(200, Attributes.of(model, "gpt-4o", type, "output"));
        firstToken.record(0.3, Attributes.of(model, "gpt-4o"));
      };
      call.run();
      // The first export is where the cumulative series start; the calls after it are counted.
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      for (int i = 0; i < 3; i++) call.run();
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      provider.shutdown().join(10, TimeUnit.SECONDS);

      String exposition = loupe.get("metrics").body();
      String[] key = {"service=\"chat-api\"", "model=\"gpt-4o\"", "model_version=\"1.4.0\""};
      assertThat(metric(exposition, "loupe_model_tokens_per_minute", key))
          .as("3 calls of 1000 tokens within the last minute").isPositive();
      double requestsPerSecond = metric(exposition, "loupe_model_requests_per_second", key);
      double tokensPerMinute = metric(exposition, "loupe_model_tokens_per_minute", key);
      assertThat(tokensPerMinute / (requestsPerSecond * 60)).as("tokens per call").isCloseTo(1000, org.assertj.core.data.Offset.offset(1.0));
      assertThat(metric(exposition, "loupe_model_requests_per_minute", key)).as("RPM, as the rules read it")
          .isCloseTo(requestsPerSecond * 60, org.assertj.core.data.Offset.offset(1e-9));
      double ttft = metric(exposition, "loupe_model_ttft_seconds", key[0], key[1], "quantile=\"0.95\"");
      assertThat(ttft).as("0.3 s, read back inside its (0.16, 0.32] bucket").isBetween(0.16, 0.32);
      double p50 = metric(exposition, "loupe_model_latency_seconds", key[0], key[1], "quantile=\"0.5\"");
      assertThat(p50).as("1.2 s, read back inside its (0.64, 1.28] bucket").isBetween(0.64, 1.28);
    }
  }

  @Test
  void azureMonitorMetricsFeedRequestsThrottlingTokensAndTimeToFirstToken() {
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC())) {
      String minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).toString();
      String id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/my-aoai"
          + "/providers/Microsoft.Insights/metrics/";
      String deployment = "{\"name\":{\"value\":\"ModelDeploymentName\"},\"value\":\"gpt4o-prod\"},"
          + "{\"name\":{\"value\":\"ModelName\"},\"value\":\"gpt-4o\"},"
          + "{\"name\":{\"value\":\"ModelVersion\"},\"value\":\"2024-11-20\"}";
      String requests = "{\"id\":\"" + id + "AzureOpenAIRequests\",\"name\":{\"value\":\"AzureOpenAIRequests\"},"
          + "\"timeseries\":["
          + "{\"metadatavalues\":[" + deployment + ",{\"name\":{\"value\":\"StatusCode\"},\"value\":\"200\"}],"
          + "\"data\":[{\"timeStamp\":\"" + minute + "\",\"total\":90}]},"
          + "{\"metadatavalues\":[" + deployment + ",{\"name\":{\"value\":\"StatusCode\"},\"value\":\"429\"}],"
          + "\"data\":[{\"timeStamp\":\"" + minute + "\",\"total\":10}]}]}";
      String tokens = "{\"id\":\"" + id + "ProcessedPromptTokens\",\"name\":{\"value\":\"ProcessedPromptTokens\"},"
          + "\"timeseries\":[{\"metadatavalues\":[" + deployment + "],"
          + "\"data\":[{\"timeStamp\":\"" + minute + "\",\"total\":60000}]}]}";
      String ttft = "{\"id\":\"" + id + "AzureOpenAITimeToResponse\",\"name\":{\"value\":\"AzureOpenAITimeToResponse\"},"
          + "\"timeseries\":[{\"metadatavalues\":[" + deployment + "],"
          + "\"data\":[{\"timeStamp\":\"" + minute + "\",\"average\":450}]}]}";
      String body = "{\"interval\":\"PT1M\",\"value\":[" + requests + "," + tokens + "," + ttft + "]}";
      TestServer.Answer a = loupe.post("api/v1/azure/openai", body);
      assertThat(a.status()).as(a.body()).isEqualTo(200);
      assertThat(loupe.post("api/v1/azure/openai", body).status()).as("an overlapping poll, sent again").isEqualTo(200);

      String exposition = loupe.get("metrics").body();
      String[] key = {"service=\"my-aoai\"", "deployment=\"gpt4o-prod\"", "model_version=\"2024-11-20\""};
      double requestsPerSecond = metric(exposition, "loupe_model_requests_per_second", key);
      assertThat(metric(exposition, "loupe_model_throttled_ratio", key)).as("10 of 100 were 429").isEqualTo(0.1);
      assertThat(metric(exposition, "loupe_model_tokens_per_minute", key) / (requestsPerSecond * 60))
          .as("600 tokens a call, the repeated poll not counted twice").isCloseTo(600, org.assertj.core.data.Offset.offset(1.0));
      assertThat(metric(exposition, "loupe_model_ttft_seconds", key[0], key[1], "quantile=\"0.95\""))
          .isEqualTo(0.45);

      String quiet = "{\"interval\":\"PT1M\",\"value\":[{\"id\":\"" + id + "AzureOpenAIRequests\","
          + "\"name\":{\"value\":\"AzureOpenAIRequests\"},\"timeseries\":[{\"metadatavalues\":[],"
          + "\"data\":[{\"timeStamp\":\"" + minute + "\"}]}]}]}";
      TestServer.Answer nothing = loupe.post("api/v1/azure/openai", quiet);
      assertThat(nothing.status()).as("a poll of a quiet minute is not an error: " + nothing.body()).isEqualTo(200);
      assertThat(nothing.json().get("skipped").asInt()).isEqualTo(1);
    }
  }
}
