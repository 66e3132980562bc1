package dev.loupe.rule;

import static dev.loupe.rule.TestRules.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.loupe.model.RangeSeries;
import dev.loupe.model.Sample;
import dev.loupe.model.SeriesSelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AggregationTest {
  private static RangeSeries series(double... values) {
    List<RangeSeries.Point> points = new ArrayList<>();
    for (int i = 0; i < values.length; i++) points.add(new RangeSeries.Point(T0 + i * 15_000L, values[i]));
    return new RangeSeries(new TreeMap<>(Map.of("__name__", "x")), points);
  }

  @Test
  void rateAndIncreaseCountACounterResetAsPromQl() {
    // 10 -> 20 (+10), reset to 5 (+5), -> 15 (+10): 25 over 45 s
    RangeSeries counter = series(10, 20, 5, 15);
    assertThat(Aggregation.parse("increase").apply(List.of(counter))).isEqualTo(25);
    assertThat(Aggregation.parse("rate").apply(List.of(counter))).isCloseTo(25 / 45.0, within(1e-12));
    assertThat(Aggregation.parse("rate").apply(List.of(series(7)))).as("one point has no rate").isNaN();
    assertThat(Aggregation.parse("increase").apply(List.of(counter, series(0, 1)))).as("summed over a group").isEqualTo(26);
  }

  @Test
  void derivIsTheLeastSquaresSlopePerSecondSummedAndSumOfAvgSumsEachSeriesAverage() {
    // 15 s apart: 0, 30, 60 rises 2 a second; a noisy line keeps its fitted slope.
    assertThat(Aggregation.parse("deriv").apply(List.of(series(0, 30, 60)))).isCloseTo(2, within(1e-12));
    assertThat(Aggregation.parse("deriv").apply(List.of(series(0, 40, 60)))).isCloseTo(2, within(1e-12));
    assertThat(Aggregation.parse("deriv").apply(List.of(series(5, 5, 5)))).isZero();
    assertThat(Aggregation.parse("deriv").apply(List.of(series(0, 30, 60), series(60, 30, 0)))).isZero();
    assertThat(Aggregation.parse("deriv").apply(List.of(series(7)))).as("one point has no slope").isNaN();
    assertThat(Aggregation.parse("sum_of_avg").apply(List.of(series(1, 3), series(10, 20, 30)))).isEqualTo(2 + 20);
  }

  @Test
  void predictLinearReadsTheLeastSquaresLineAtTheWindowsEndPlusItsHorizon() {
    // 15 s apart: 100, 130, 160 rise 2 a second. The window ends 30 s after the last point (at
    // T0 + 60 s) and the horizon is a minute: the line at T0 + 120 s, 100 + 2 * 120.
    Aggregation inAMinute = Aggregation.parse("predict_linear(1m)");
    assertThat(inAMinute.apply(List.of(series(100, 130, 160)), T0 + 60_000)).isCloseTo(340, within(1e-9));
    // A noisy line: slope 2, mean 100/3 at T0 + 15 s; read at T0 + 30 s + 10 s.
    assertThat(Aggregation.parse("predict_linear(10s)").apply(List.of(series(0, 40, 60)), T0 + 30_000))
        .isCloseTo(100 / 3.0 + 2 * 25, within(1e-9));
    // Without an end time, at the group's latest point.
    assertThat(inAMinute.apply(List.of(series(100, 130, 160)))).isCloseTo(160 + 2 * 60, within(1e-9));
    assertThat(Aggregation.parse("predict_linear(7d)").apply(List.of(series(5, 5, 5)), T0 + 30_000)).isEqualTo(5);
    // Each series' projection, summed; a falling one pulls the sum down.
    assertThat(inAMinute.apply(List.of(series(100, 130, 160), series(60, 30, 0)), T0 + 30_000))
        .isCloseTo((160 + 120) + (0 - 120), within(1e-9));
    assertThat(inAMinute.apply(List.of(series(7)), T0)).as("one point has no line").isNaN();
  }

  @Test
  void predictLinearIsWrittenWithItsHorizonAndRefusesNone() {
    assertThat(Aggregation.parse("predict_linear(7d)").horizon()).isEqualTo(Duration.ofDays(7));
    assertThat(Aggregation.parse(" Predict_Linear( 36h ) ")).hasToString("predict_linear(36h)");
    assertThat(Aggregation.predictLinear(Duration.ofMinutes(90))).hasToString("predict_linear(90m)");
    assertThat(Aggregation.parse("avg").horizon()).isNull();
    assertThatThrownBy(() -> Aggregation.parse("predict_linear")).hasMessageContaining("predict_linear(7d)");
    assertThatThrownBy(() -> Aggregation.parse("predict_linear()")).hasMessageContaining("predict_linear(7d)");
    assertThatThrownBy(() -> Aggregation.parse("predict_linear(7 days)")).hasMessageContaining("a duration such as 7d");
    assertThatThrownBy(() -> Aggregation.parse("predict_linear(0s)")).hasMessageContaining("positive horizon");
  }

  @Test
  void aRuleReadsPredictLinearAtItsEvaluationTimeNotAtItsLastPoint() {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i <= 4; i++) samples.add(new Sample("store_bytes", Map.of(), T0 + i * 60_000L, 1000.0 + 10 * i));
    Expression e = Expression.of(new Expression.Operand(SeriesSelector.parse("store_bytes"),
        Aggregation.parse("predict_linear(1h)")), Duration.ofMinutes(10), List.of());
    // 10 a minute; the last point is at T0 + 4 m and the evaluation at T0 + 5 m: 1000 + 10 * 65.
    Map<SortedMap<String, String>, Double> v = e.values(new SampleSignals(samples), T0 + 300_000, new HashSet<>());
    assertThat(v.values()).singleElement().satisfies(x -> assertThat(x).isCloseTo(1650, within(1e-9)));
  }

  @Test
  void quantileInterpolatesBetweenRanksOverEveryPointOfTheGroup() {
    assertThat(Aggregation.parse("quantile(0.5)").apply(List.of(series(1, 3), series(2, 4)))).isEqualTo(2.5);
    double[] hundred = new double[100];
    for (int i = 0; i < 100; i++) hundred[i] = 100 - i;
    assertThat(Aggregation.parse("quantile(0.95)").apply(List.of(series(hundred)))).isCloseTo(95.05, within(1e-9));
    assertThatThrownBy(() -> Aggregation.parse("quantile(1.5)")).hasMessageContaining("within 0..1");
    assertThatThrownBy(() -> Aggregation.parse("median")).hasMessageContaining("unknown aggregation 'median'");
  }

  @Test
  void gaugeAggregationsReduceEachSeriesThenCombine() {
    List<RangeSeries> g = List.of(series(1, 3), series(10, 20, 30));
    assertThat(Aggregation.parse("avg").apply(g)).isEqualTo((2 + 20) / 2.0);
    assertThat(Aggregation.parse("min").apply(g)).isEqualTo(1);
    assertThat(Aggregation.parse("max").apply(g)).isEqualTo(30);
    assertThat(Aggregation.parse("sum").apply(g)).isEqualTo(64);
    assertThat(Aggregation.parse("last").apply(g)).isEqualTo(30);
  }

  @Test
  void ratioOfTwoSelectorsPerGroup() {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i <= 4; i++) {
      long t = T0 + i * 15_000L;
      samples.add(new Sample("requests_total", Map.of("deployment", "a", "code", "200"), t, 100.0 * i));
      samples.add(new Sample("requests_total", Map.of("deployment", "a", "code", "429"), t, 5.0 * i));
      samples.add(new Sample("requests_total", Map.of("deployment", "b", "code", "200"), t, 50.0 * i));
      samples.add(new Sample("requests_total", Map.of("deployment", "c", "code", "429"), t, 1.0 * i));
    }
    Expression e = new Expression(
        new Expression.Operand(SeriesSelector.parse("requests_total{code=\"429\"}"), Aggregation.parse("rate")),
        new Expression.Operand(SeriesSelector.parse("requests_total"), Aggregation.parse("rate")),
        Duration.ofMinutes(1), List.of("deployment"));
    Map<SortedMap<String, String>, Double> v = e.values(new SampleSignals(samples), T0 + 60_000, new HashSet<>());
    // as in PromQL, a group the numerator lacks (b has no 429s) has no ratio
    assertThat(v).containsOnlyKeys(new TreeMap<>(Map.of("deployment", "a")), new TreeMap<>(Map.of("deployment", "c")));
    assertThat(v.get(new TreeMap<>(Map.of("deployment", "a")))).isCloseTo(5 / 105.0, within(1e-12));
    assertThat(v.get(new TreeMap<>(Map.of("deployment", "c")))).isEqualTo(1.0);
  }
}
