package dev.loupe.ingest.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Azure Monitor metrics of an Azure OpenAI resource, on the same endpoint as its logs, read back as samples. */
class AzureMonitorMetricsTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:05:00Z"));

  static final String RESOURCE =
      "/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COGNITIVESERVICES/ACCOUNTS/MY-AOAI";

  static String metric(String time, String name, String rest) {
    return "{" + (time == null ? "" : "\"time\":\"" + time + "\",") + "\"resourceId\":\"" + RESOURCE + "\","
        + "\"metricName\":\"" + name + "\",\"timeGrain\":\"PT1M\"," + rest + "}";
  }

  /** One series of the answer: its labels, and its values as {@code HH:mm=value} from {@code from} to {@code to} by the minute. */
  record Series(Map<String, String> labels, List<String> values) {}

  static List<Series> query(TestServer loupe, String selector, String from, String to) {
    TestServer.Answer a = loupe.get("api/v1/signals/query_range?query=" + URLEncoder.encode(selector, StandardCharsets.UTF_8)
        + "&start=2026-11-29T" + from + ":00Z&end=2026-11-29T" + to + ":00Z&step=60");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    List<Series> out = new ArrayList<>();
    for (JsonNode s : a.json().at("/data/result")) {
      Map<String, String> labels = new TreeMap<>();
      s.get("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
      List<String> values = new ArrayList<>();
      for (JsonNode v : s.get("values")) {
        values.add(Instant.ofEpochMilli(Math.round(v.get(0).asDouble() * 1000)).toString().substring(11, 16)
            + "=" + v.get(1).asText());
      }
      out.add(new Series(labels, values));
    }
    return out;
  }

  @Test
  void diagnosticMetricRecordsMixedWithALogInOneEnvelope() {
    try (TestServer loupe = TestServer.start(dir, clock)) {
      String envelope = "{\"records\": ["
          + "{\"time\":\"2026-11-29T10:01:00.1234567Z\",\"resourceId\":\"" + RESOURCE + "\",\"category\":\"RequestResponse\","
          + "\"operationName\":\"ChatCompletions_Create\",\"durationMs\":1234,\"resultSignature\":\"429\","
          + "\"properties\":{\"modelDeploymentName\":\"gpt4o-prod\",\"modelName\":\"gpt-4o\",\"modelVersion\":\"2024-08-06\"}},\n"
          + metric("2026-11-29T10:01:00.0000000Z", "AzureOpenAIRequests",
              "\"count\":3,\"total\":3,\"minimum\":1,\"maximum\":1,\"average\":1,"
                  + "\"dimensions\":{\"ModelDeploymentName\":\"gpt4o-prod\",\"StatusCode\":\"429\"}") + ",\n"
          + metric("2026-11-29T10:01:00.0000000Z", "AzureOpenAIRequests",
              "\"count\":40,\"total\":40,\"average\":1,\"dimensions\":{\"ModelDeploymentName\":\"gpt4o-prod\",\"StatusCode\":\"200\"}") + ",\n"
          + metric("2026-11-29T10:01:00.0000000Z", "ProcessedPromptTokens",
              "\"count\":3,\"total\":2412,\"minimum\":300,\"maximum\":1500,\"average\":804") + ",\n"
          + metric("2026-11-29T10:01:00.0000000Z", "AzureOpenAITimeToResponse",
              "\"count\":4,\"total\":3250,\"average\":812.5,\"MODELDEPLOYMENTNAME\":\"gpt4o-prod\",\"modelName\":\"gpt-4o\"") + ",\n"
          + metric(null, "GeneratedTokens", "\"total\":10") + ",\n"
          + metric("2026-11-29T10:01:00Z", "GeneratedTokens", "\"total\":\"many\"") + "]}\n"
          + metric("2026-11-29T10:02:00.0000000Z", "GeneratedTokens", "\"count\":2,\"total\":164,\"average\":82") + "\n";
      TestServer.Answer a = loupe.post("api/v1/azure/openai", envelope);
      assertThat(a.status()).as(a.body()).isEqualTo(200);
      assertThat(a.json().get("accepted").asInt()).isEqualTo(6);
      assertThat(a.json().get("rejected").asInt()).isEqualTo(2);
      assertThat(a.json().at("/errors/0/field").asText()).isEqualTo("records[5] time");
      assertThat(a.json().at("/errors/1/field").asText()).isEqualTo("records[6] total");
      assertThat(a.json().at("/errors/1/reason").asText()).contains("\"many\"");

      assertThat(query(loupe, "azure_openai_requests", "10:00", "10:01")).containsExactlyInAnyOrder(
          new Series(Map.of("__name__", "azure_openai_requests", "service", "my-aoai", "deployment", "gpt4o-prod",
              "status_code", "429"), List.of("10:01=3")),
          new Series(Map.of("__name__", "azure_openai_requests", "service", "my-aoai", "deployment", "gpt4o-prod",
              "status_code", "200"), List.of("10:01=40")));
      assertThat(query(loupe, "azure_openai_processed_prompt_tokens", "10:00", "10:01")).containsExactly(new Series(
          Map.of("__name__", "azure_openai_processed_prompt_tokens", "service", "my-aoai"), List.of("10:01=2412")));
      assertThat(query(loupe, "azure_openai_time_to_response_milliseconds", "10:00", "10:01")).containsExactly(new Series(
          Map.of("__name__", "azure_openai_time_to_response_milliseconds", "service", "my-aoai",
              "deployment", "gpt4o-prod", "model", "gpt-4o"), List.of("10:01=812.5")));
      assertThat(query(loupe, "azure_openai_generated_tokens", "10:01", "10:02")).containsExactly(new Series(
          Map.of("__name__", "azure_openai_generated_tokens", "service", "my-aoai"), List.of("10:02=164")));

      JsonNode inferences = loupe.get("api/v1/inferences?start=2026-11-29T10:00:00Z").json().get("data");
      assertThat(inferences.size()).as("the log record still becomes an inference").isEqualTo(1);
      assertThat(inferences.get(0).get("service").asText()).isEqualTo("my-aoai");
      assertThat(inferences.get(0).get("status").asText()).isEqualTo("throttled");
    }
  }

  @Test
  void aBodyOfOnlyBadMetricRecordsIs400NamingTheField() {
    try (TestServer loupe = TestServer.start(dir, clock)) {
      TestServer.Answer a = loupe.post("api/v1/azure/openai", metric(null, "GeneratedTokens", "\"total\":10"));
      assertThat(a.status()).isEqualTo(400);
      assertThat(a.json().at("/details/0/field").asText()).isEqualTo("time");
    }
  }

  /** As {@code az monitor metrics list --interval PT1M --filter "ModelDeploymentName eq '*' and StatusCode eq '*'"} prints it. */
  static final String REST_RESPONSE = """
      {
        "cost": 0,
        "interval": "PT1M",
        "namespace": "Microsoft.CognitiveServices/accounts",
        "resourceregion": "swedencentral",
        "timespan": "2026-11-29T10:00:00Z/2026-11-29T10:03:00Z",
        "value": [
          {
            "id": "%1$s/providers/Microsoft.Insights/metrics/AzureOpenAIRequests",
            "type": "Microsoft.Insights/metrics",
            "name": {"value": "AzureOpenAIRequests", "localizedValue": "Azure OpenAI Requests"},
            "unit": "Count",
            "errorCode": "Success",
            "timeseries": [
              {
                "metadatavalues": [
                  {"name": {"value": "ModelDeploymentName", "localizedValue": "ModelDeploymentName"}, "value": "gpt4o-prod"},
                  {"name": {"value": "StatusCode", "localizedValue": "StatusCode"}, "value": "429"}
                ],
                "data": [
                  {"timeStamp": "2026-11-29T10:00:00Z"},
                  {"timeStamp": "2026-11-29T10:01:00Z", "total": 3},
                  {"timeStamp": "2026-11-29T10:02:00Z", "total": 5}
                ]
              },
              {
                "metadatavalues": [
                  {"name": {"value": "ModelDeploymentName", "localizedValue": "ModelDeploymentName"}, "value": "gpt4o-prod"},
                  {"name": {"value": "StatusCode", "localizedValue": "StatusCode"}, "value": "200"}
                ],
                "data": [
                  {"timeStamp": "2026-11-29T10:01:00Z", "total": 40},
                  {"timeStamp": "2026-11-29T10:02:00Z", "total": "n/a"}
                ]
              }
            ]
          },
          {
            "id": "%1$s/providers/Microsoft.Insights/metrics/AzureOpenAITimeToResponse",
            "type": "Microsoft.Insights/metrics",
            "name": {"value": "AzureOpenAITimeToResponse", "localizedValue": "Time to Response"},
            "unit": "MilliSeconds",
            "timeseries": [
              {
                "metadatavalues": [{"name": {"value": "ModelDeploymentName"}, "value": "gpt4o-prod"}],
                "data": [{"timeStamp": "2026-11-29T10:01:00.0000000Z", "average": 640.25}]
              }
            ]
          },
          {
            "id": "%1$s/providers/Microsoft.Insights/metrics/ProcessedPromptTokens",
            "name": {"value": "ProcessedPromptTokens"},
            "unit": "Count",
            "timeseries": [{"metadatavalues": [], "data": [{"timeStamp": "2026-11-29T10:01:00Z"}]}]
          }
        ]
      }
      """.formatted(RESOURCE);

  @Test
  void metricsRestResponseEmptyPointsSkippedBadPointsNamed() {
    try (TestServer loupe = TestServer.start(dir, clock)) {
      TestServer.Answer a = loupe.post("api/v1/azure/openai", REST_RESPONSE);
      assertThat(a.status()).as(a.body()).isEqualTo(200);
      assertThat(a.json().get("accepted").asInt()).as("points with a value; the empty ones are no records").isEqualTo(4);
      assertThat(a.json().get("rejected").asInt()).isEqualTo(1);
      assertThat(a.json().at("/errors/0/field").asText()).isEqualTo("value[0].timeseries[1].data[1] total");
      assertThat(a.json().at("/errors/0/reason").asText()).contains("\"n/a\"");

      Map<String, String> throttled = Map.of("__name__", "azure_openai_requests", "service", "my-aoai",
          "deployment", "gpt4o-prod", "status_code", "429");
      Map<String, String> ok = Map.of("__name__", "azure_openai_requests", "service", "my-aoai",
          "deployment", "gpt4o-prod", "status_code", "200");
      assertThat(query(loupe, "azure_openai_requests{status_code=\"429\"}", "10:00", "10:02"))
          .as("nothing at 10:00: the empty point was skipped")
          .containsExactly(new Series(throttled, List.of("10:01=3", "10:02=5")));
      assertThat(query(loupe, "azure_openai_requests{status_code=\"200\"}", "10:00", "10:01"))
          .containsExactly(new Series(ok, List.of("10:01=40")));
      assertThat(query(loupe, "azure_openai_time_to_response_milliseconds", "10:00", "10:01")).containsExactly(
          new Series(Map.of("__name__", "azure_openai_time_to_response_milliseconds", "service", "my-aoai",
              "deployment", "gpt4o-prod"), List.of("10:01=640.25")));
      assertThat(query(loupe, "azure_openai_processed_prompt_tokens", "10:00", "10:03")).isEmpty();
    }
  }

  @Test
  void aRestResponseAndALogRecordMixedOnePerLine() {
    try (TestServer loupe = TestServer.start(dir, clock)) {
      String body = REST_RESPONSE.replace("\n", " ") + "\n"
          + "{\"TimeGenerated\":\"2026-11-29T10:01:30Z\",\"Resource\":\"MY-AOAI\",\"Category\":\"RequestResponse\","
          + "\"OperationName\":\"ChatCompletions_Create\",\"DurationMs\":900,\"ResultSignature\":\"200\","
          + "\"properties_s\":\"{\\\"modelDeploymentName\\\":\\\"gpt4o-prod\\\",\\\"modelName\\\":\\\"gpt-4o\\\"}\"}\n";
      TestServer.Answer a = loupe.post("api/v1/azure/openai", body);
      assertThat(a.status()).as(a.body()).isEqualTo(200);
      assertThat(a.json().get("accepted").asInt()).isEqualTo(5);
      assertThat(a.json().at("/errors/0/field").asText()).isEqualTo("value[0].timeseries[1].data[1] total");
      assertThat(loupe.get("api/v1/inferences?start=2026-11-29T10:00:00Z").json().get("data").size()).isEqualTo(1);
      assertThat(query(loupe, "azure_openai_requests{status_code=\"429\"}", "10:01", "10:01")).hasSize(1);
    }
  }
}
