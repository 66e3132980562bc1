package dev.loupe.dimension.data;

import dev.loupe.model.PipelineRun;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.SeriesSelector;
import dev.loupe.rule.SignalSource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The data dimension's pipeline signals, computed at query time from {@link WatchedPipelines} as
 * of the end of the queried range (one point there; a backtest sees the runs that had finished by
 * each evaluation). Every series carries {@code pipeline} and {@code kind} ({@code rag_index},
 * {@code batch}, {@code unknown} when not configured). Every other name goes to the wrapped source.
 *
 * <ul>
 *   <li>{@code loupe_pipeline_last_success_age_seconds}, {@code loupe_pipeline_staleness_ratio}
 *       (age over {@code every + max_delay}) and {@code loupe_pipeline_stale_seconds} (how long
 *       past it), the last two only with a cadence (configured, or learnt from 4 runs), labelled
 *       {@code last_success} (its time, {@code never succeeded}, or {@code never reported}),
 *       {@code every}, {@code max_delay} and {@code cadence} ({@code configured} or {@code learnt}).
 *   <li>{@code loupe_pipeline_failed_runs}: failed runs since the last success.
 *   <li>{@code loupe_pipeline_failure_ratio} and {@code loupe_pipeline_runs}: failed share and
 *       count of the runs that finished in the last 7 days (none without runs).
 *   <li>{@code loupe_pipeline_check_failed} (1 failed, 0 passed) and
 *       {@code loupe_pipeline_check_value}, by {@code check}, of the newest run that reported checks.
 *   <li>{@code loupe_pipeline_rows_deviation}: how far the newest successful run's row count is
 *       from its baseline, in robust standard deviations (absolute; {@code direction} below or
 *       above; {@code basis} the weekday compared, or all days).
 *   <li>{@code loupe_pipeline_run_failed}: 1 or 0 at the end of each run in the range (history,
 *       for sums over a window).
 *   <li>{@code loupe_deployment_index_stale_seconds{deployment, index, pipeline, last_success}}:
 *       for each deployment answering from a RAG index (configured {@code feeds}, or a trace in
 *       the last day), how long past its cadence the index's last refresh is.
 * </ul>
 */
public final class PipelineRuleSignals implements SignalSource {
  public static final String AGE = "loupe_pipeline_last_success_age_seconds";
  public static final String STALENESS = "loupe_pipeline_staleness_ratio";
  public static final String STALE = "loupe_pipeline_stale_seconds";
  public static final String FAILED_RUNS = "loupe_pipeline_failed_runs";
  public static final String FAILURE_RATIO = "loupe_pipeline_failure_ratio";
  public static final String RUNS = "loupe_pipeline_runs";
  public static final String CHECK_FAILED = "loupe_pipeline_check_failed";
  public static final String CHECK_VALUE = "loupe_pipeline_check_value";
  public static final String ROWS_DEVIATION = "loupe_pipeline_rows_deviation";
  public static final String RUN_FAILED = "loupe_pipeline_run_failed";
  public static final String INDEX_STALE = "loupe_deployment_index_stale_seconds";

  /** The names computed now (not {@link #RUN_FAILED}, a history of runs), for {@code /metrics}. */
  public static final List<String> NOW = List.of(AGE, STALENESS, STALE, FAILED_RUNS, FAILURE_RATIO, RUNS,
      CHECK_FAILED, CHECK_VALUE, ROWS_DEVIATION, INDEX_STALE);
  private static final Set<String> NAMES = Set.copyOf(concat(NOW, RUN_FAILED));

  /** One value of a signal now: its name, labels (without {@code __name__}) and value. */
  public record Point(String name, SortedMap<String, String> labels, double value) {}

  private final SignalSource inner;
  private final WatchedPipelines pipelines;

  public PipelineRuleSignals(SignalSource inner, WatchedPipelines pipelines) {
    this.inner = inner;
    this.pipelines = pipelines;
  }

  public static boolean isPipelineSignal(String name) {
    return NAMES.contains(name);
  }

  @Override
  public List<RangeSeries> range(SeriesSelector selector, long fromMillis, long toMillis) {
    String name = selector.metricName();
    if (!NAMES.contains(name)) return inner.range(selector, fromMillis, toMillis);
    Map<SortedMap<String, String>, List<RangeSeries.Point>> series = new LinkedHashMap<>();
    if (name.equals(RUN_FAILED)) {
      for (PipelineState s : pipelines.states(toMillis)) {
        for (PipelineRun r : pipelines.log().runs(s.name(), toMillis)) {
          if (r.finishedAtMillis() <= fromMillis) continue;
          SortedMap<String, String> labels = labels(s);
          labels.put("__name__", name);
          if (selector.matches(labels)) {
            series.computeIfAbsent(labels, k -> new ArrayList<>())
                .add(new RangeSeries.Point(r.finishedAtMillis(), r.success() ? 0 : 1));
          }
        }
      }
    } else {
      for (Point p : points(toMillis)) {
        if (!p.name().equals(name)) continue;
        SortedMap<String, String> labels = new TreeMap<>(p.labels());
        labels.put("__name__", name);
        if (selector.matches(labels)) {
          series.computeIfAbsent(labels, k -> new ArrayList<>()).add(new RangeSeries.Point(toMillis, p.value()));
        }
      }
    }
    List<RangeSeries> out = new ArrayList<>();
    series.forEach((labels, points) -> {
      points.sort(java.util.Comparator.comparingLong(RangeSeries.Point::timeMillis));
      out.add(new RangeSeries(labels, points));
    });
    return out;
  }

  /** Every signal of {@link #NOW} as of {@code asOfMillis}. */
  public List<Point> points(long asOfMillis) {
    List<Point> out = new ArrayList<>();
    List<PipelineState> states = pipelines.states(asOfMillis);
    for (PipelineState s : states) {
      SortedMap<String, String> fresh = labels(s);
      fresh.put("last_success", lastSuccess(s));
      out.add(new Point(AGE, fresh, s.lastSuccessAgeMillis() / 1000.0));
      if (s.cadence() != null) {
        SortedMap<String, String> cadence = new TreeMap<>(fresh);
        cadence.put("every", text(s.cadence().every()));
        cadence.put("max_delay", text(s.cadence().maxDelay()));
        cadence.put("cadence", s.cadence().configured() ? "configured" : "learnt");
        out.add(new Point(STALENESS, cadence, s.stalenessRatio()));
        out.add(new Point(STALE, cadence, s.staleMillis() / 1000.0));
      }
      out.add(new Point(FAILED_RUNS, labels(s), s.consecutiveFailures()));
      if (s.runsWeek() > 0) {
        out.add(new Point(FAILURE_RATIO, labels(s), s.failureRatioWeek()));
        out.add(new Point(RUNS, labels(s), s.runsWeek()));
      }
      for (PipelineRun.Check c : s.checks()) {
        SortedMap<String, String> check = labels(s);
        check.put("check", c.name());
        out.add(new Point(CHECK_FAILED, check, c.passed() ? 0 : 1));
        if (c.value() != null) out.add(new Point(CHECK_VALUE, check, c.value()));
      }
      if (s.rows() != null) {
        SortedMap<String, String> rows = labels(s);
        rows.put("direction", s.rows().direction());
        rows.put("basis", s.rows().basis());
        out.add(new Point(ROWS_DEVIATION, rows, Math.abs(s.rows().deviation())));
      }
    }
    out.addAll(indexPoints(states, asOfMillis));
    return out;
  }

  /** Each deployment answering from an index whose pipeline has a cadence: how stale its answers' source is. */
  private List<Point> indexPoints(List<PipelineState> states, long asOfMillis) {
    List<Point> out = new ArrayList<>();
    for (PipelineState s : states) {
      String index = WatchedPipelines.indexOf(s.spec());
      if (index == null || s.cadence() == null) continue;
      for (String deployment : s.feeds()) {
        SortedMap<String, String> labels = new TreeMap<>();
        labels.put("deployment", deployment);
        labels.put("index", index);
        labels.put("pipeline", s.name());
        labels.put("last_success", lastSuccess(s));
        out.add(new Point(INDEX_STALE, labels, s.staleMillis() / 1000.0));
      }
    }
    return out;
  }

  private static SortedMap<String, String> labels(PipelineState s) {
    SortedMap<String, String> labels = new TreeMap<>();
    labels.put("pipeline", s.name());
    labels.put("kind", s.spec().kind().wireName());
    return labels;
  }

  /** The last success's end to the second, or why there is none. */
  static String lastSuccess(PipelineState s) {
    if (s.lastSuccess() != null) {
      return Instant.ofEpochMilli(s.lastSuccess().finishedAtMillis()).truncatedTo(ChronoUnit.SECONDS).toString();
    }
    return s.lastRun() == null ? "never reported" : "never succeeded";
  }

  /** {@code 1d}, {@code 1h30m}, {@code 45s}: as loupe.yml writes durations. */
  static String text(Duration d) {
    long s = d.toSeconds();
    if (s == 0) return "0s";
    StringBuilder b = new StringBuilder();
    long[] units = {86_400, 3_600, 60, 1};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (s >= units[i]) {
        b.append(s / units[i]).append(names[i]);
        s %= units[i];
      }
    }
    return b.toString();
  }

  private static List<String> concat(List<String> a, String b) {
    List<String> out = new ArrayList<>(a);
    out.add(b);
    return out;
  }
}
