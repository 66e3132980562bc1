package dev.loupe.dimension.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loupe.dimension.model.ReportedFigure.Measure;
import dev.loupe.model.Sample;
import dev.loupe.model.SeriesKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelMetricReaderTest {
  static final long T = 1_795_000_000_000L;

  final ModelMetricReader reader = new ModelMetricReader(List.of("model_version", "service_version"),
      List.of("deployment", "deployment_name"));

  static Map<String, String> labels(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }

  static double sum(List<ReportedFigure> figures, Measure m) {
    return figures.stream().filter(f -> f.measure() == m).mapToDouble(f -> f.value() * f.weight()).sum();
  }

  @Test
  void azureMinutePointsAreAmountsKeyedByResourceDeploymentModelAndVersion() {
    Map<String, String> base = labels("service", "my-aoai", "deployment", "gpt4o-prod", "model", "gpt-4o",
        "model_version", "2024-08-06");
    Map<String, String> ok = new HashMap<>(base);
    ok.put("status_code", "200");
    Map<String, String> throttled = new HashMap<>(base);
    throttled.put("status_code", "429");
    Map<String, String> failed = new HashMap<>(base);
    failed.put("status_code", "500");
    List<ReportedFigure> f = reader.read(List.of(
        new Sample("azure_openai_requests", ok, T, 90),
        new Sample("azure_openai_requests", throttled, T, 8),
        new Sample("azure_openai_requests", failed, T, 2),
        new Sample("azure_openai_processed_prompt_tokens", base, T, 5000),
        new Sample("azure_openai_generated_tokens", base, T, 1200),
        new Sample("azure_openai_time_to_response_milliseconds", base, T, 640),
        new Sample("azure_openai_tokens_per_second", base, T, 55)));
    assertThat(f).allMatch(x -> x.key().equals(new SeriesKey("my-aoai", "gpt4o-prod", "gpt-4o", "2024-08-06")));
    assertThat(sum(f, Measure.REQUESTS)).isEqualTo(100);
    assertThat(sum(f, Measure.THROTTLED)).isEqualTo(8);
    assertThat(sum(f, Measure.ERRORS)).isEqualTo(2);
    assertThat(sum(f, Measure.INPUT_TOKENS)).isEqualTo(5000);
    assertThat(sum(f, Measure.OUTPUT_TOKENS)).isEqualTo(1200);
    assertThat(f).filteredOn(x -> x.measure() == Measure.TTFT_MS).singleElement()
        .satisfies(x -> assertThat(x.value()).isEqualTo(640));
    assertThat(reader.read(List.of(new Sample("azure_openai_requests", ok, T, 90))))
        .as("the same minute sent again is not counted again").isEmpty();
    assertThat(reader.read(List.of(new Sample("azure_openai_requests", ok, T + 60_000, 40))))
        .extracting(ReportedFigure::value).containsExactly(40.0);
  }

  List<Sample> durationPoint(long ts, double[] cumulativeByBound, double count, String... extra) {
    double[] bounds = {0.5, 1, 2, Double.POSITIVE_INFINITY};
    Map<String, String> l = labels("service", "chat-api", "gen_ai_request_model", "gpt-4o",
        "gen_ai_response_model", "gpt-4o-2024-08-06", "service_version", "1.4.0");
    for (int i = 0; i < extra.length; i += 2) l.put(extra[i], extra[i + 1]);
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < bounds.length; i++) {
      Map<String, String> b = new HashMap<>(l);
      b.put("le", Double.isInfinite(bounds[i]) ? "+Inf" : Double.toString(bounds[i]));
      out.add(new Sample("gen_ai_client_operation_duration_seconds_bucket", b, ts, cumulativeByBound[i]));
    }
    out.add(new Sample("gen_ai_client_operation_duration_seconds_count", l, ts, count));
    return out;
  }

  @Test
  void genAiDurationHistogramsCountFromTheirSecondPointAsIncreases() {
    assertThat(reader.read(durationPoint(T, new double[] {1, 3, 4, 4}, 4)))
        .as("a first cumulative point says nothing about this minute").isEmpty();
    List<ReportedFigure> f = reader.read(durationPoint(T + 60_000, new double[] {3, 8, 10, 11}, 11));
    SeriesKey key = new SeriesKey("chat-api", null, "gpt-4o-2024-08-06", "1.4.0");
    assertThat(f).allMatch(x -> x.key().equals(key));
    assertThat(sum(f, Measure.REQUESTS)).isEqualTo(7);
    List<ReportedFigure> latencies = f.stream().filter(x -> x.measure() == Measure.LATENCY_MS).toList();
    // increases per bucket: (0,0.5]: 2, (0.5,1]: 3, (1,2]: 1, (2,+Inf]: 1
    assertThat(latencies).extracting(ReportedFigure::value).containsExactly(250.0, 750.0, 1500.0, 2000.0);
    assertThat(latencies).extracting(ReportedFigure::weight).containsExactly(2L, 3L, 1L, 1L);
    List<ReportedFigure> reset = reader.read(durationPoint(T + 120_000, new double[] {1, 1, 1, 1}, 1));
    assertThat(sum(reset, Measure.REQUESTS)).as("a drop is a restart of the sender").isEqualTo(1);
  }

  @Test
  void failedCallsCountAsErrorsOrThrottlesAndAreNotTimed() {
    reader.read(durationPoint(T, new double[] {0, 0, 1, 1}, 1, "error_type", "429"));
    reader.read(durationPoint(T, new double[] {0, 0, 0, 1}, 1, "error_type", "timeout"));
    List<ReportedFigure> f = new ArrayList<>();
    f.addAll(reader.read(durationPoint(T + 60_000, new double[] {0, 0, 4, 4}, 4, "error_type", "429")));
    f.addAll(reader.read(durationPoint(T + 60_000, new double[] {0, 0, 0, 3}, 3, "error_type", "timeout")));
    assertThat(sum(f, Measure.REQUESTS)).isEqualTo(5);
    assertThat(sum(f, Measure.THROTTLED)).isEqualTo(3);
    assertThat(sum(f, Measure.ERRORS)).isEqualTo(2);
    assertThat(f).noneMatch(x -> x.measure() == Measure.LATENCY_MS);
  }

  @Test
  void tokenUsageSumsAndFirstTokenHistogramsAreRead() {
    Map<String, String> in = labels("service", "chat-api", "gen_ai_request_model", "gpt-4o", "gen_ai_token_type", "input");
    Map<String, String> outL = labels("service", "chat-api", "gen_ai_request_model", "gpt-4o", "gen_ai_token_type", "output");
    Map<String, String> ttft = labels("service", "chat-api", "gen_ai_request_model", "gpt-4o", "le", "0.25");
    Map<String, String> ttftInf = labels("service", "chat-api", "gen_ai_request_model", "gpt-4o", "le", "+Inf");
    reader.read(List.of(new Sample("gen_ai_client_token_usage_sum", in, T, 100),
        new Sample("gen_ai_client_token_usage_sum", outL, T, 40),
        new Sample("gen_ai_server_time_to_first_token_bucket", ttft, T, 1),
        new Sample("gen_ai_server_time_to_first_token_bucket", ttftInf, T, 1)));
    List<ReportedFigure> f = reader.read(List.of(new Sample("gen_ai_client_token_usage_sum", in, T + 60_000, 350),
        new Sample("gen_ai_client_token_usage_sum", outL, T + 60_000, 90),
        new Sample("gen_ai_server_time_to_first_token_bucket", ttft, T + 60_000, 5),
        new Sample("gen_ai_server_time_to_first_token_bucket", ttftInf, T + 60_000, 6)));
    assertThat(sum(f, Measure.INPUT_TOKENS)).isEqualTo(250);
    assertThat(sum(f, Measure.OUTPUT_TOKENS)).isEqualTo(50);
    assertThat(f).filteredOn(x -> x.measure() == Measure.TTFT_MS)
        .extracting(ReportedFigure::value, ReportedFigure::weight)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(125.0, 4L), org.assertj.core.groups.Tuple.tuple(250.0, 1L));
  }

  @Test
  void otherMetricsAndUnattributableSeriesAreIgnored() {
    assertThat(reader.read(List.of(
        new Sample("DCGM_FI_DEV_GPU_TEMP", labels("gpu", "0"), T, 70),
        new Sample("azure_openai_requests", labels("status_code", "200"), T, 5)))).isEmpty();
  }

  @Test
  void aFigureIsAFiniteNonNegativeAmount() {
    SeriesKey key = new SeriesKey("a", "b", "c", "d");
    assertThatThrownBy(() -> ReportedFigure.amount(key, T, Measure.REQUESTS, -1))
        .hasMessageContaining("REQUESTS");
    assertThatThrownBy(() -> new ReportedFigure(key, T, Measure.TTFT_MS, 10, 0)).hasMessageContaining("weight");
  }
}
