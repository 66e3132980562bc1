package dev.loupe.ingest.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Azure OpenAI's own telemetry, in the shapes Azure delivers it, feeds the model signals. */
class AzureOpenAiLogsTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:05:00Z"));

  static final String PROPS = "{\\\"apiName\\\":\\\"Azure OpenAI API version 2024-10-21\\\",\\\"streamType\\\":\\\"Streaming\\\","
      + "\\\"modelDeploymentName\\\":\\\"gpt-4o-prod\\\",\\\"modelName\\\":\\\"gpt-4o\\\",\\\"modelVersion\\\":\\\"2024-08-06\\\"}";

  @Test
  void eventHubEnvelopeLogAnalyticsRowsAndTheGatewayLlmLog() {
    try (TestServer loupe = TestServer.start(dir, clock)) {
      String envelope = "{\"records\": ["
          + "{\"time\":\"2026-11-28T10:00:00.1234567Z\",\"resourceId\":\"/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/"
          + "MICROSOFT.COGNITIVESERVICES/ACCOUNTS/AOAI-EU\",\"category\":\"RequestResponse\","
          + "\"operationName\":\"ChatCompletions_Create\",\"durationMs\":1234,\"resultSignature\":\"200\","
          + "\"correlationId\":\"c-1\",\"properties\":\"" + PROPS + "\"},"
          + "{\"time\":\"2026-11-28T10:00:01Z\",\"resourceId\":\".../ACCOUNTS/AOAI-EU\",\"category\":\"RequestResponse\","
          + "\"operationName\":\"ChatCompletions_Create\",\"durationMs\":80,\"resultSignature\":\"429\","
          + "\"properties\":\"" + PROPS + "\"},"
          + "{\"time\":\"2026-11-28T10:00:02Z\",\"category\":\"Audit\",\"properties\":\"{}\"}]}";
      TestServer.Answer a = loupe.post("api/v1/azure/openai", envelope);
      assertThat(a.status()).as(a.body()).isEqualTo(200);
      assertThat(a.json().get("accepted").asInt()).isEqualTo(2);
      assertThat(a.json().get("rejected").asInt()).isEqualTo(1);
      assertThat(a.json().at("/errors/0/field").asText()).isEqualTo("records[2] category");

      String logAnalytics = "{\"TimeGenerated\":\"2026-11-28T10:00:03Z\",\"Resource\":\"AOAI-EU\",\"Category\":\"RequestResponse\","
          + "\"OperationName\":\"ChatCompletions_Create\",\"DurationMs\":900,\"ResultSignature\":\"500\","
          + "\"properties_s\":\"" + PROPS + "\"}\n"
          + "{\"TimeGenerated\":\"2026-11-28T10:00:04Z\",\"Type\":\"ApiManagementGatewayLlmLog\",\"CorrelationId\":\"c-1\","
          + "\"DeploymentName\":\"gpt-4o-prod\",\"ModelName\":\"gpt-4o\",\"PromptTokens\":812,\"CompletionTokens\":164,"
          + "\"TotalTokens\":976,\"IsStreamCompletion\":true,\"ApiId\":\"aoai-eu\"}\n";
      assertThat(loupe.post("api/v1/azure/openai", logAnalytics).status()).isEqualTo(200);

      JsonNode data = loupe.get("api/v1/inferences?start=2026-11-28T09:59:00Z").json().get("data");
      assertThat(data.size()).isEqualTo(4);
      JsonNode first = data.get(0);
      assertThat(first.get("service").asText()).isEqualTo("aoai-eu");
      assertThat(first.get("deployment").asText()).isEqualTo("gpt-4o-prod");
      assertThat(first.get("model").asText()).isEqualTo("gpt-4o");
      assertThat(first.get("model_version").asText()).isEqualTo("2024-08-06");
      assertThat(first.get("operation").asText()).isEqualTo("chat");
      assertThat(first.get("latency_ms").asDouble()).isEqualTo(1234);
      assertThat(data.get(1).get("status").asText()).isEqualTo("throttled");
      assertThat(data.get(2).get("status").asText()).isEqualTo("error");
      JsonNode gateway = data.get(3);
      assertThat(gateway.get("input_tokens").asLong()).isEqualTo(812);
      assertThat(gateway.get("output_tokens").asLong()).isEqualTo(164);
      assertThat(gateway.get("deployment").asText()).isEqualTo("gpt-4o-prod");
    }
  }
}
