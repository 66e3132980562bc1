package dev.loupe.api;

import com.fasterxml.jackson.databind.util.RawValue;
import dev.loupe.dimension.model.ModelSignal;
import dev.loupe.dimension.model.QualitySignal;
import dev.loupe.dimension.model.RangeEvaluator;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.RollupQuery;
import dev.loupe.model.LabelMatcher;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.Sample;
import dev.loupe.model.SeriesSelector;
import dev.loupe.stats.SampleRange;
import dev.loupe.store.Store;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/signals/query_range?query=NAME{label="v"}&start&end&step}, answered in the
 * JSON shape of Prometheus's {@code query_range} so charts and existing tools can read it. Model
 * signals read only the per-minute rollups, never raw events; any other name is a scraped or
 * remote-written metric, read from its samples with PromQL's 5-minute lookback and staleness.
 * The quality signals ({@link QualitySignal}) are the scores of each step.
 */
final class QueryRangeHandler implements Handler {
  /** Prometheus refuses more points than this per series; so do we. */
  static final long MAX_POINTS = 11_000;
  /** PromQL's default lookback for a sample to count at a step. */
  static final long LOOKBACK_MILLIS = 5 * 60_000;
  /** Raw samples one query may read; beyond it the answer asks for a narrower query. */
  static final int MAX_SAMPLES = 2_000_000;

  private final Store store;

  QueryRangeHandler(Store store) {
    this.store = store;
  }

  @Override
  public void handle(Context ctx) {
    SeriesSelector selector;
    ModelSignal signal;
    RollupQuery query;
    long start;
    long end;
    long step;
    try {
      selector = SeriesSelector.parse(ctx.queryParam("query"));
      signal = ModelSignal.byMetricName(selector.metricName()).orElse(null);
      start = QueryParams.time("start", ctx.queryParam("start"));
      end = QueryParams.time("end", ctx.queryParam("end"));
      step = QueryParams.step(ctx.queryParam("step"));
      if (end < start) throw new IllegalArgumentException("end is before start");
      if ((end - start) / step + 1 > MAX_POINTS) {
        throw new IllegalArgumentException(
            "exceeded maximum resolution of " + MAX_POINTS + " points per series; raise the step");
      }
      if (QualitySignal.isQuality(selector.metricName())) {
        // Each point is the scores of the step before it: a chart's points never overlap.
        RollupQuery scores = new RollupQuery(start, end, step, step, selector.matchers());
        answer(ctx, QualitySignal.evaluate(selector, store.scoreRange(scores)));
        return;
      }
      if (signal == null) {
        // Only the samples the steps can pick: a 30-day chart of ten GPUs reads thousands, not millions.
        List<Sample> samples = store.samplesAtSteps(selector.metricName(), start, end, step, LOOKBACK_MILLIS,
            MAX_SAMPLES + 1);
        if (samples.size() > MAX_SAMPLES) {
          throw new IllegalArgumentException("the query reads more than " + MAX_SAMPLES
              + " samples of " + selector.metricName() + "; narrow the time range");
        }
        answer(ctx, SampleRange.evaluate(selector, samples, start, end, step, LOOKBACK_MILLIS));
        return;
      }
      List<LabelMatcher> storeMatchers = new ArrayList<>();
      for (LabelMatcher m : selector.matchers()) {
        if (!m.name().equals("quantile")) storeMatchers.add(m);
      }
      // A step under a minute still looks back a whole minute: rollups are per minute.
      query = new RollupQuery(start, end, step, Math.max(step, 60_000), storeMatchers);
    } catch (IllegalArgumentException e) {
      badData(ctx, e.getMessage());
      return;
    }
    answer(ctx, RangeEvaluator.evaluate(signal, selector, store.rollupRange(query)));
  }

  private static void answer(Context ctx, List<RangeSeries> series) {
    List<Map<String, Object>> result = new ArrayList<>();
    for (RangeSeries s : series) {
      List<List<Object>> values = new ArrayList<>(s.points().size());
      for (RangeSeries.Point p : s.points()) {
        values.add(List.of(timestamp(p.timeMillis()), format(p.value())));
      }
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("metric", s.labels());
      one.put("values", values);
      result.add(one);
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("resultType", "matrix");
    data.put("result", result);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "success");
    body.put("data", data);
    ApiJson.write(ctx, 200, body);
  }

  /**
   * A point's time as Prometheus writes it ({@code jsonutil.MarshalTimestamp}): a JSON number of
   * seconds, with exactly three decimals when it has milliseconds ({@code 1796199071.500}), none
   * when it has not, and never an exponent.
   */
  static RawValue timestamp(long millis) {
    StringBuilder b = new StringBuilder(16);
    if (millis < 0) b.append('-');
    long abs = Math.abs(millis);
    b.append(abs / 1000);
    long fraction = abs % 1000;
    if (fraction != 0) {
      b.append('.');
      if (fraction < 100) b.append('0');
      if (fraction < 10) b.append('0');
      b.append(fraction);
    }
    return new RawValue(b.toString());
  }

  /**
   * A sample value as Prometheus writes it ({@code jsonutil.MarshalValue}): a string of Go's
   * shortest round-trip digits, plain ({@code 'f'}) unless its magnitude is under 1e-6 or at least
   * 1e21, then in Go's exponent form ({@code 1e-07}, {@code 1.5e+21}).
   */
  static String format(double v) {
    if (Double.isNaN(v)) return "NaN";
    if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == 0) return 1 / v < 0 ? "-0" : "0";
    // Double.toString gives the shortest digits that read back as v; BigDecimal lays them out.
    BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
    double abs = Math.abs(v);
    if (abs >= 1e-6 && abs < 1e21) return d.toPlainString();
    String digits = d.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - d.scale();
    StringBuilder b = new StringBuilder(24);
    if (v < 0) b.append('-');
    b.append(digits.charAt(0));
    if (digits.length() > 1) b.append('.').append(digits, 1, digits.length());
    b.append('e').append(exponent < 0 ? '-' : '+');
    if (Math.abs(exponent) < 10) b.append('0');
    return b.append(Math.abs(exponent)).toString();
  }

  private static void badData(Context ctx, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "error");
    body.put("errorType", "bad_data");
    body.put("error", message);
    ApiJson.write(ctx, 400, body);
  }
}
