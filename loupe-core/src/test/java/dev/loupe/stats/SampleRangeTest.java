package dev.loupe.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.RangeSeries;
import dev.loupe.model.Sample;
import dev.loupe.model.SeriesSelector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SampleRangeTest {
  static final long S = 1_000;
  static final long LOOKBACK = 300 * S;
  /** Times below are offsets from this instant. */
  static final long T0 = 1_795_900_000_000L;

  static Sample s(String gpu, long t, double v) {
    return new Sample("gpu_util", Map.of("gpu", gpu), T0 + t, v);
  }

  @Test
  void eachStepTakesTheNewestSampleWithinTheLookback() {
    List<Sample> samples = List.of(s("0", 0, 10), s("0", 15 * S, 20), s("0", 30 * S, 30));
    List<RangeSeries> r = SampleRange.evaluate(SeriesSelector.parse("gpu_util"), samples, T0, T0 + 60 * S, 15 * S, LOOKBACK);
    assertThat(r).hasSize(1);
    assertThat(r.get(0).labels()).containsEntry("__name__", "gpu_util").containsEntry("gpu", "0");
    assertThat(r.get(0).points()).extracting(RangeSeries.Point::value).containsExactly(10.0, 20.0, 30.0, 30.0, 30.0);
  }

  @Test
  void aSeriesEndsAtItsStalenessMarkerAndAfterTheLookback() {
    List<Sample> samples = List.of(s("0", 0, 10), Sample.staleMarker("gpu_util", Map.of("gpu", "0"), T0 + 20 * S),
        s("1", 0, 5));
    List<RangeSeries> r = SampleRange.evaluate(SeriesSelector.parse("gpu_util"), samples, T0, T0 + 600 * S, 15 * S, LOOKBACK);
    RangeSeries ended = r.stream().filter(x -> x.labels().get("gpu").equals("0")).findFirst().orElseThrow();
    assertThat(ended.points()).extracting(RangeSeries.Point::timeMillis).containsExactly(T0, T0 + 15 * S);
    RangeSeries quiet = r.stream().filter(x -> x.labels().get("gpu").equals("1")).findFirst().orElseThrow();
    assertThat(quiet.points().get(quiet.points().size() - 1).timeMillis()).as("not carried past 5 m").isEqualTo(T0 + 285 * S);
  }

  @Test
  void matchersSelectSeries() {
    List<Sample> samples = List.of(s("0", 0, 1), s("1", 0, 2), s("2", 0, 3));
    assertThat(SampleRange.evaluate(SeriesSelector.parse("gpu_util{gpu=~\"0|2\"}"), samples, T0, T0, S, LOOKBACK))
        .extracting(x -> x.labels().get("gpu")).containsExactlyInAnyOrder("0", "2");
    assertThat(SampleRange.evaluate(SeriesSelector.parse("gpu_util{gpu!=\"1\",missing=\"\"}"), samples, T0, T0, S, LOOKBACK))
        .hasSize(2);
  }
}
