package dev.loupe.server;

import dev.loupe.dimension.model.DeploymentLog;
import dev.loupe.dimension.model.VersionChange;
import dev.loupe.dimension.model.VersionChange.Sample;
import dev.loupe.dimension.model.VersionChange.Worse;
import dev.loupe.model.CostSummary;
import dev.loupe.model.Deployment;
import dev.loupe.model.LabelMatcher;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.RollupPoint;
import dev.loupe.model.RollupQuery;
import dev.loupe.model.ScoreSummary;
import dev.loupe.model.SeriesSelector;
import dev.loupe.rule.SignalSource;
import dev.loupe.store.Store;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code loupe_version_regression{service, deployment, model_version, previous_model_version,
 * signal, worse_when, went_live}}: for each deployment whose latest rollout is less than
 * {@link #RECENT} old, every signal that is significantly worse on the new version than on the one
 * it replaced — every quality score, the error and 429 rates, the per-minute P95 time to first
 * token and the cost per request (of the priced inferences; the cost dimension's rule reads that
 * one) — with how much worse as the
 * value (0.18 is 18 % worse). The new version is read from its rollout to the evaluation time, the
 * old one over the day before the rollout (or since its own rollout, when later). Latency has its
 * own rule (ModelLatencyRegression). One point at the end of the queried range: like silence, it
 * describes the evaluation time, computed from the store as of then. Other names go to the wrapped
 * source.
 */
final class VersionRegressionSignals implements SignalSource {
  static final String NAME = "loupe_version_regression";
  /** A rollout older than this is not compared any more: the new version is simply the version. */
  static final long RECENT = 7 * 24 * 3_600_000L;
  /** How much of the old version's traffic before the rollout is its reference. */
  static final long REFERENCE = 24 * 3_600_000L;

  private final SignalSource inner;
  private final Store store;
  private final DeploymentLog deployments;
  /** The last answer, by its evaluation time: every rule of a tick asks once. */
  private volatile Cached cached = new Cached(Long.MIN_VALUE, List.of());

  private record Cached(long toMillis, List<RangeSeries> series) {}

  VersionRegressionSignals(SignalSource inner, Store store, DeploymentLog deployments) {
    this.inner = inner;
    this.store = store;
    this.deployments = deployments;
  }

  @Override
  public List<RangeSeries> range(SeriesSelector selector, long fromMillis, long toMillis) {
    if (!selector.metricName().equals(NAME)) return inner.range(selector, fromMillis, toMillis);
    Cached c = cached;
    if (c.toMillis() != toMillis) {
      c = new Cached(toMillis, compute(toMillis));
      cached = c;
    }
    return c.series().stream().filter(s -> selector.matches(s.labels())).toList();
  }

  /** Every regression as of {@code nowMillis}, with its change; for the API as well as the rules. */
  List<Regression> regressions(long nowMillis) {
    List<Regression> out = new ArrayList<>();
    for (Deployment d : deployments.latestOfEach()) {
      if (d.fromVersion() == null || d.fromVersion().equals(d.toVersion())) continue;
      if (d.timestampMillis() > nowMillis || nowMillis - d.timestampMillis() > RECENT) continue;
      long referenceFrom = d.timestampMillis() - REFERENCE;
      for (Deployment earlier : deployments.recent(d.service(), d.deployment())) {
        if (earlier.timestampMillis() < d.timestampMillis()) referenceFrom = Math.max(referenceFrom, earlier.timestampMillis());
      }
      for (VersionChange change : changes(d, referenceFrom, nowMillis)) {
        if (change.regression()) out.add(new Regression(d, change));
      }
    }
    return out;
  }

  /** A significant worsening of one signal since a rollout. */
  record Regression(Deployment rollout, VersionChange change) {}

  private List<RangeSeries> compute(long nowMillis) {
    List<RangeSeries> out = new ArrayList<>();
    for (Regression r : regressions(nowMillis)) {
      Deployment d = r.rollout();
      SortedMap<String, String> labels = new TreeMap<>();
      labels.put("__name__", NAME);
      labels.put("service", d.service());
      labels.put("deployment", d.deployment());
      labels.put("model_version", d.toVersion());
      labels.put("previous_model_version", d.fromVersion());
      labels.put("signal", r.change().signal());
      labels.put("worse_when", r.change().worse().wireName());
      labels.put("went_live", Instant.ofEpochMilli(d.timestampMillis()).truncatedTo(ChronoUnit.SECONDS).toString());
      out.add(new RangeSeries(labels, List.of(new RangeSeries.Point(nowMillis, r.change().badness()))));
    }
    return out;
  }

  /** Every signal compared between the rollout's two versions. */
  List<VersionChange> changes(Deployment d, long referenceFromMillis, long nowMillis) {
    List<VersionChange> out = new ArrayList<>();
    List<LabelMatcher> where = new ArrayList<>();
    where.add(new LabelMatcher("deployment", LabelMatcher.Op.EQ, d.deployment()));
    if (!dev.loupe.model.Checks.UNKNOWN.equals(d.service())) {
      where.add(new LabelMatcher("service", LabelMatcher.Op.EQ, d.service()));
    }
    Map<String, Sample> before = scores(where, d.fromVersion(), referenceFromMillis, d.timestampMillis());
    Map<String, Sample> after = scores(where, d.toVersion(), d.timestampMillis(), nowMillis + 1);
    for (Map.Entry<String, Sample> e : after.entrySet()) {
      Sample b = before.get(e.getKey());
      if (b != null) out.add(VersionChange.of(e.getKey(), VersionChange.worseFor(e.getKey()), b, e.getValue()));
    }
    Requests rb = requests(where, d.fromVersion(), referenceFromMillis, d.timestampMillis());
    Requests ra = requests(where, d.toVersion(), d.timestampMillis(), nowMillis + 1);
    if (rb.requests() > 0 && ra.requests() > 0) {
      out.add(VersionChange.of("error rate", Worse.HIGHER, Sample.rate(rb.errors(), rb.requests()),
          Sample.rate(ra.errors(), ra.requests())));
      out.add(VersionChange.of("429 rate", Worse.HIGHER, Sample.rate(rb.throttled(), rb.requests()),
          Sample.rate(ra.throttled(), ra.requests())));
    }
    if (rb.ttftP95().count() > 0 && ra.ttftP95().count() > 0) {
      out.add(VersionChange.of("TTFT P95", Worse.HIGHER, rb.ttftP95(), ra.ttftP95()));
    }
    Sample cb = cost(where, d.fromVersion(), referenceFromMillis, d.timestampMillis());
    Sample ca = cost(where, d.toVersion(), d.timestampMillis(), nowMillis + 1);
    if (cb != null && ca != null) out.add(VersionChange.of(COST_PER_REQUEST, Worse.HIGHER, cb, ca));
    return out;
  }

  /** The compared signal a version's higher spend per inference shows as. */
  static final String COST_PER_REQUEST = "cost per request";

  /** The cost of one priced inference of one version over a window: count, mean, standard deviation. */
  private Sample cost(List<LabelMatcher> where, String version, long fromMillis, long toMillis) {
    if (toMillis <= fromMillis) return null;
    List<LabelMatcher> m = new ArrayList<>(where);
    m.add(new LabelMatcher("model_version", LabelMatcher.Op.EQ, version));
    for (CostSummary s : store.costSummary(fromMillis, toMillis, List.of(), m)) {
      if (s.priced() > 0) return new Sample(s.priced(), s.meanCost(), s.stddevCost(), false);
    }
    return null;
  }

  private Map<String, Sample> scores(List<LabelMatcher> where, String version, long fromMillis, long toMillis) {
    List<LabelMatcher> m = new ArrayList<>(where);
    m.add(new LabelMatcher("model_version", LabelMatcher.Op.EQ, version));
    Map<String, Sample> out = new HashMap<>();
    if (toMillis <= fromMillis) return out;
    for (ScoreSummary s : store.scoreSummary(fromMillis, toMillis, List.of("name"), m)) {
      out.put(s.group().get("name"), new Sample(s.count(), s.mean(), s.stddev(), false));
    }
    return out;
  }

  /** {@code ttftP95}: the minutes' P95 time to first token, one observation a minute. */
  private record Requests(long requests, long errors, long throttled, Sample ttftP95) {}

  /**
   * The requests, errors and throttled of one version over a window, and its minutes' P95 time to
   * first token (the rollups keep quantiles per minute, not every call's), from the minute rollups.
   */
  private Requests requests(List<LabelMatcher> where, String version, long fromMillis, long toMillis) {
    long minute = 60_000;
    long start = Math.floorDiv(fromMillis, minute) * minute;
    long end = Math.floorDiv(toMillis, minute) * minute;
    if (end <= start) return new Requests(0, 0, 0, new Sample(0, Double.NaN, Double.NaN, false));
    List<LabelMatcher> m = new ArrayList<>(where);
    m.add(new LabelMatcher("model_version", LabelMatcher.Op.EQ, version));
    long requests = 0;
    long errors = 0;
    long throttled = 0;
    long n = 0;
    double sum = 0;
    double squares = 0;
    for (RollupPoint p : store.rollupRange(new RollupQuery(start + minute, end, minute, minute, m))) {
      requests += p.requests();
      errors += p.errors();
      throttled += p.throttled();
      if (p.ttftCount() > 0 && Double.isFinite(p.ttftP95Ms())) {
        n++;
        sum += p.ttftP95Ms();
        squares += p.ttftP95Ms() * p.ttftP95Ms();
      }
    }
    double mean = n == 0 ? Double.NaN : sum / n;
    double sd = n < 2 ? 0 : Math.sqrt(Math.max(0, (squares - n * mean * mean) / (n - 1)));
    return new Requests(requests, errors, throttled, new Sample(n, mean, sd, false));
  }
}
