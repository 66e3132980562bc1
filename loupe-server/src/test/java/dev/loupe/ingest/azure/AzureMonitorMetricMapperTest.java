package dev.loupe.ingest.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.model.InvalidRecordException;
import dev.loupe.model.Sample;
import dev.loupe.model.TimestampAdmission;
import dev.loupe.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AzureMonitorMetricMapperTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String RESOURCE = "/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COGNITIVESERVICES/ACCOUNTS/MY-AOAI";
  static final long T = Instant.parse("2026-11-29T10:01:00Z").toEpochMilli();
  final TimestampAdmission admission = new TimestampAdmission(
      new MutableClock(Instant.parse("2026-11-29T10:05:00Z")), Duration.ofMinutes(10), Duration.ofDays(30));

  static Map<String, Object> json(String text) {
    try {
      return JSON.readValue(text, new TypeReference<>() {});
    } catch (Exception e) {
      throw new AssertionError(text, e);
    }
  }

  /** A diagnostic-settings record whose total (12) and average (4) tell which aggregation was taken. */
  static Map<String, Object> record(String metric) {
    return json("{\"time\":\"2026-11-29T10:01:00.0000000Z\",\"resourceId\":\"" + RESOURCE + "\",\"metricName\":\""
        + metric + "\",\"timeGrain\":\"PT1M\",\"count\":3,\"total\":12,\"minimum\":1,\"maximum\":7,\"average\":4}");
  }

  @ParameterizedTest
  @CsvSource({
    "AzureOpenAIRequests, azure_openai_requests, 12",
    "ProcessedPromptTokens, azure_openai_processed_prompt_tokens, 12",
    "GeneratedTokens, azure_openai_generated_tokens, 12",
    "TokenTransaction, azure_openai_token_transaction, 12",
    "AzureOpenAITimeToResponse, azure_openai_time_to_response_milliseconds, 4",
    "AzureOpenAITokenPerSecond, azure_openai_tokens_per_second, 4",
    "AzureOpenAIContextTokensCacheMatchRate, azure_openai_context_tokens_cache_match_rate_percent, 4",
    "AzureOpenAIProvisionedManagedUtilizationV2, azure_openai_provisioned_managed_utilization_percent, 4",
    "ActiveTokens, azure_openai_active_tokens, 12",
    "AzureOpenAINormalizedTTFTInMS, azure_openai_normalized_ttft_in_ms, 12",
    "ProcessedFineTunedTrainingHours, azure_openai_processed_fine_tuned_training_hours, 12",
  })
  void eachMetricOfTheTableTakesItsNameAndAggregation(String metric, String sample, double value) {
    Sample s = AzureMonitorMetricMapper.mapRecord(record(metric));
    assertThat(s.name()).isEqualTo(sample);
    assertThat(s.value()).isEqualTo(value);
    assertThat(s.timestampMillis()).isEqualTo(T);
    assertThat(s.labels()).isEqualTo(Map.of("service", "my-aoai"));
  }

  @Test
  void aMissingAggregationFallsBackOrIsRejectedByName() {
    Map<String, Object> noTotal = record("GeneratedTokens");
    noTotal.remove("total");
    assertThat(AzureMonitorMetricMapper.mapRecord(noTotal).value()).as("average × count").isEqualTo(12);

    Map<String, Object> noAverage = record("AzureOpenAITimeToResponse");
    noAverage.remove("average");
    assertThat(AzureMonitorMetricMapper.mapRecord(noAverage).value()).as("total / count").isEqualTo(4);

    Map<String, Object> unknownNoTotal = record("SomethingNew");
    unknownNoTotal.remove("total");
    assertThat(AzureMonitorMetricMapper.mapRecord(unknownNoTotal).value()).as("average").isEqualTo(4);

    Map<String, Object> neither = record("GeneratedTokens");
    neither.remove("total");
    neither.remove("count");
    assertThatThrownBy(() -> AzureMonitorMetricMapper.mapRecord(neither))
        .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
          assertThat(e.field()).isEqualTo("total");
          assertThat(e.reason()).contains("average and count");
        });
    Map<String, Object> zeroCount = record("AzureOpenAITimeToResponse");
    zeroCount.remove("average");
    zeroCount.put("count", 0);
    assertThatThrownBy(() -> AzureMonitorMetricMapper.mapRecord(zeroCount))
        .isInstanceOfSatisfying(InvalidRecordException.class, e -> assertThat(e.field()).isEqualTo("average"));
  }

  @Test
  void dimensionsFromTheObjectAndFromFieldsOfAnyCase() {
    Map<String, Object> r = record("AzureOpenAIRequests");
    r.put("dimensions", Map.of("ModelDeploymentName", "gpt4o-prod", "ApiName", "Azure OpenAI API", "StreamingType", "Streaming"));
    r.put("MODELNAME", "gpt-4o");
    r.put("modelVersion", "2024-08-06");
    r.put("StatusCode", 429);
    r.put("region", "");
    assertThat(AzureMonitorMetricMapper.mapRecord(r).labels()).isEqualTo(Map.of(
        "service", "my-aoai", "deployment", "gpt4o-prod", "model", "gpt-4o", "model_version", "2024-08-06",
        "status_code", "429", "api_name", "Azure OpenAI API", "streaming_type", "Streaming"));
  }

  @Test
  void azuresSevenFractionalDigitsKeepTheMilliseconds() {
    Map<String, Object> r = record("GeneratedTokens");
    r.put("time", "2026-11-29T10:01:00.1234567Z");
    assertThat(AzureMonitorMetricMapper.mapRecord(r).timestampMillis()).isEqualTo(T + 123);
  }

  @Test
  void logAnalyticsAzureMetricsRowsReadTheSame() {
    Sample s = AzureMonitorMetricMapper.mapRecord(json("{\"TimeGenerated\":\"2026-11-29T10:01:00Z\",\"_ResourceId\":\""
        + RESOURCE.toLowerCase() + "\",\"MetricName\":\"ProcessedPromptTokens\",\"Total\":2412,\"Count\":3,"
        + "\"Type\":\"AzureMetrics\",\"UnitName\":\"Count\",\"TimeGrain\":\"PT1M\"}"));
    assertThat(s.name()).isEqualTo("azure_openai_processed_prompt_tokens");
    assertThat(s.value()).isEqualTo(2412);
    assertThat(s.labels()).isEqualTo(Map.of("service", "my-aoai"));
  }

  @Test
  void recordsWithoutTimeOrWithBadNumbersAreRejectedNamingTheField() {
    Map<String, Object> noTime = record("GeneratedTokens");
    noTime.remove("time");
    assertThatThrownBy(() -> AzureMonitorMetricMapper.mapRecord(noTime))
        .isInstanceOfSatisfying(InvalidRecordException.class, e -> assertThat(e.field()).isEqualTo("time"));
    Map<String, Object> badTotal = record("GeneratedTokens");
    badTotal.put("total", "lots");
    assertThatThrownBy(() -> AzureMonitorMetricMapper.mapRecord(badTotal))
        .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
          assertThat(e.field()).isEqualTo("total");
          assertThat(e.reason()).contains("\"lots\"");
        });
    Map<String, Object> nan = record("GeneratedTokens");
    nan.put("total", "NaN");
    assertThatThrownBy(() -> AzureMonitorMetricMapper.mapRecord(nan))
        .isInstanceOfSatisfying(InvalidRecordException.class, e -> assertThat(e.reason()).contains("finite"));
    Map<String, Object> badDimensions = record("GeneratedTokens");
    badDimensions.put("dimensions", "ModelName=gpt-4o");
    assertThatThrownBy(() -> AzureMonitorMetricMapper.mapRecord(badDimensions))
        .isInstanceOfSatisfying(InvalidRecordException.class, e -> assertThat(e.field()).isEqualTo("dimensions"));
  }

  @Test
  void restResponsesGiveOneSamplePerPointWithMetadataAsLabels() {
    AzureMonitorMetricMapper.Points p = AzureMonitorMetricMapper.mapResponse(json("""
        {"cost": 0, "interval": "PT1M", "namespace": "Microsoft.CognitiveServices/accounts", "resourceregion": "swedencentral",
         "value": [{
           "id": "%s/providers/Microsoft.Insights/metrics/AzureOpenAIRequests",
           "type": "Microsoft.Insights/metrics",
           "name": {"value": "AzureOpenAIRequests", "localizedValue": "Azure OpenAI Requests"},
           "unit": "Count", "errorCode": "Success",
           "timeseries": [{
             "metadatavalues": [
               {"name": {"value": "ModelDeploymentName", "localizedValue": "ModelDeploymentName"}, "value": "gpt4o-prod"},
               {"name": {"value": "statuscode"}, "value": "429"}],
             "data": [
               {"timeStamp": "2026-11-29T10:00:00Z"},
               {"timeStamp": "2026-11-29T10:01:00Z", "total": 3},
               {"timeStamp": "2026-11-29T10:02:00Z", "average": 1, "count": 5}]
           }]
         }]}
        """.formatted(RESOURCE)), admission);
    assertThat(p.rejected()).isEmpty();
    assertThat(p.samples()).extracting(Sample::timestampMillis).as("the empty point is skipped")
        .containsExactly(T, T + 60_000);
    assertThat(p.samples()).extracting(Sample::value).containsExactly(3.0, 5.0);
    assertThat(p.samples().get(0).name()).isEqualTo("azure_openai_requests");
    assertThat(p.samples().get(0).labels())
        .isEqualTo(Map.of("service", "my-aoai", "deployment", "gpt4o-prod", "status_code", "429"));
  }

  @Test
  void restRejectionsNameThePathAndKeepTheRest() {
    AzureMonitorMetricMapper.Points p = AzureMonitorMetricMapper.mapResponse(json("""
        {"value": [
          {"id": "x/providers/microsoft.insights/metrics/GeneratedTokens", "name": {"value": "GeneratedTokens"},
           "timeseries": [{"data": [
             {"timeStamp": "2026-11-29T10:01:00Z", "total": 7},
             {"total": 8},
             {"timeStamp": "2026-11-29T10:03:00Z", "total": "eight"},
             {"timeStamp": "2026-11-29T10:04:00Z", "maximum": 8},
             {"timeStamp": "2031-01-01T00:00:00Z", "total": 1}]},
             {"metadatavalues": {"ModelName": "gpt-4o"}, "data": []}]},
          {"name": {"value": "GeneratedTokens"}},
          {"name": {"value": "AzureOpenAIRequests"}, "errorCode": "InsufficientPermissions", "errorMessage": "no access"},
          42]}
        """), admission);
    assertThat(p.samples()).singleElement().satisfies(s -> {
      assertThat(s.value()).isEqualTo(7);
      assertThat(s.labels()).isEqualTo(Map.of("service", "x"));
    });
    assertThat(p.rejected()).extracting(AzureMonitorMetricMapper.Rejected::field).containsExactly(
        "value[0].timeseries[0].data[1] timeStamp",
        "value[0].timeseries[0].data[2] total",
        "value[0].timeseries[0].data[3] total",
        "value[0].timeseries[0].data[4] timeStamp",
        "value[0].timeseries[1] metadatavalues",
        "value[1] timeseries",
        "value[2] errorCode",
        "value[3]");
    assertThat(p.rejected().get(3).reason()).contains("future");
    assertThat(p.rejected().get(6).reason()).contains("InsufficientPermissions").contains("no access");
  }

  @Test
  void snakeCaseKeepsAcronymsTogether() {
    assertThat(AzureMonitorMetricMapper.snakeCase("ModelDeploymentName")).isEqualTo("model_deployment_name");
    assertThat(AzureMonitorMetricMapper.snakeCase("AzureOpenAITTLTInMS")).isEqualTo("azure_openai_ttlt_in_ms");
    assertThat(AzureMonitorMetricMapper.snakeCase("APIName")).isEqualTo("api_name");
    assertThat(AzureMonitorMetricMapper.snakeCase("Percentage CPU")).isEqualTo("percentage_cpu");
    assertThat(AzureMonitorMetricMapper.snakeCase("5xxErrors")).isEqualTo("_5xx_errors");
    assertThat(AzureMonitorMetricMapper.snakeCase("--")).isEmpty();
    assertThat(AzureMonitorMetricMapper.labelName("statuscode")).as("REST may lower-case names").isEqualTo("status_code");
    assertThat(AzureMonitorMetricMapper.resourceIdOf(RESOURCE + "/providers/Microsoft.Insights/metrics/X")).isEqualTo(RESOURCE);
  }
}
