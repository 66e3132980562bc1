package dev.loupe.dimension.model;

import dev.loupe.model.RollupPoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.loupe.model.RangeSeries;
import dev.loupe.model.SeriesKey;
import dev.loupe.model.SeriesSelector;
import java.util.List;
import org.junit.jupiter.api.Test;

class RangeEvaluatorTest {
  static final SeriesKey KEY = new SeriesKey("svc", "chat", "gpt-4o", "v1");

  static RollupPoint point(long t, long requests, long errors, long latencyCount, double p95) {
    return new RollupPoint(KEY, t, 120_000, requests, errors, 0, 1000, 500, 1500, latencyCount,
        p95 / 2, p95, p95 * 1.5, 0, Double.NaN, Double.NaN, Double.NaN);
  }

  @Test
  void quantileSeriesCarryLabelsAndSeconds() {
    List<RangeSeries> out = RangeEvaluator.evaluate(ModelSignal.LATENCY_SECONDS,
        SeriesSelector.parse("loupe_model_latency_seconds{quantile=~\"0.95|0.99\"}"),
        List.of(point(60_000, 10, 0, 10, 800), point(120_000, 10, 0, 10, 900)));
    assertThat(out).hasSize(2);
    RangeSeries p95 = out.stream().filter(s -> s.labels().get("quantile").equals("0.95")).findFirst().orElseThrow();
    assertThat(p95.labels()).containsEntry("__name__", "loupe_model_latency_seconds")
        .containsEntry("service", "svc").containsEntry("deployment", "chat").containsEntry("model", "gpt-4o")
        .containsEntry("model_version", "v1");
    assertThat(p95.points()).extracting(RangeSeries.Point::value).containsExactly(0.8, 0.9);
    assertThat(p95.points()).extracting(RangeSeries.Point::timeMillis).containsExactly(60_000L, 120_000L);
  }

  @Test
  void ratesDivideByCoveredTimeAndEmptyValuesAreLeftOut() {
    List<RangeSeries> rate = RangeEvaluator.evaluate(ModelSignal.REQUESTS_PER_SECOND,
        SeriesSelector.parse("loupe_model_requests_per_second"), List.of(point(60_000, 240, 0, 0, Double.NaN)));
    assertThat(rate.get(0).points().get(0).value()).isCloseTo(2.0, within(1e-9));
    assertThat(rate.get(0).labels()).doesNotContainKey("quantile");
    assertThat(RangeEvaluator.evaluate(ModelSignal.TTFT_SECONDS, SeriesSelector.parse("loupe_model_ttft_seconds"),
        List.of(point(60_000, 10, 0, 10, 800)))).as("no TTFT samples, no series").isEmpty();
    List<RangeSeries> tpm = RangeEvaluator.evaluate(ModelSignal.TOKENS_PER_MINUTE,
        SeriesSelector.parse("loupe_model_tokens_per_minute"), List.of(point(60_000, 10, 0, 10, 800)));
    assertThat(tpm.get(0).points().get(0).value()).isCloseTo(750.0, within(1e-9));
    List<RangeSeries> errors = RangeEvaluator.evaluate(ModelSignal.ERROR_RATIO,
        SeriesSelector.parse("loupe_model_error_ratio"), List.of(point(60_000, 0, 0, 0, 1)));
    assertThat(errors).as("no requests: no ratio").isEmpty();
  }

  @Test
  void everySignalIsFoundByItsName() {
    for (ModelSignal s : ModelSignal.values()) {
      assertThat(ModelSignal.byMetricName(s.metricName())).contains(s);
      assertThat(s.metricName()).startsWith("loupe_model_");
    }
    assertThat(ModelSignal.byMetricName("nope")).isEmpty();
  }
}
