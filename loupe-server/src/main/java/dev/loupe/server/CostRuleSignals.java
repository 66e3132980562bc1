package dev.loupe.server;

import dev.loupe.dimension.cost.BudgetStatus;
import dev.loupe.dimension.cost.BurnRateThresholds;
import dev.loupe.dimension.cost.UnpricedModel;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.SeriesSelector;
import dev.loupe.rule.SignalSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The cost dimension's rule signals, one point at the end of the queried range, computed as of
 * then from the stored costs (like silence, they describe the evaluation time: a backtest answers
 * with its end's values). Other names go to the wrapped source.
 *
 * <ul>
 *   <li>{@code loupe_budget_burn_rate{budget, scope, subject, speed, window, threshold}}: spend
 *       over the budget's fast ({@code speed="fast"}, 1 h by default) or slow (6 h) window as a
 *       multiple of its even rate; {@code loupe_budget_burn_rate_threshold{…}} the multiple the
 *       budget alerts at (14 and 6 by default), so a rule divides the two.
 *   <li>{@code loupe_budget_spent_dollars}, {@code loupe_budget_limit_dollars} and
 *       {@code loupe_budget_used_ratio{budget, scope, subject}}: spent in the period, the limit,
 *       and their ratio. {@code subject} is the tenant, API key hash, deployment, or {@code all}.
 *   <li>{@code loupe_cost_unpriced_tokens{model}}: the input and output tokens of the last
 *       {@link #UNPRICED_WINDOW_MILLIS} of inferences of a model no price covers.
 * </ul>
 */
final class CostRuleSignals implements SignalSource {
  static final String BURN_RATE = "loupe_budget_burn_rate";
  static final String BURN_THRESHOLD = "loupe_budget_burn_rate_threshold";
  static final String SPENT = "loupe_budget_spent_dollars";
  static final String LIMIT = "loupe_budget_limit_dollars";
  static final String USED = "loupe_budget_used_ratio";
  static final String UNPRICED = "loupe_cost_unpriced_tokens";
  static final Set<String> NAMES = Set.of(BURN_RATE, BURN_THRESHOLD, SPENT, LIMIT, USED, UNPRICED);
  static final long UNPRICED_WINDOW_MILLIS = 24 * 3_600_000L;

  private final SignalSource inner;
  private final CostReports costs;
  /** The last answer, by its evaluation time: every cost rule of a tick asks once. */
  private volatile Cached cached = new Cached(Long.MIN_VALUE, List.of());

  private record Cached(long toMillis, List<RangeSeries> series) {}

  CostRuleSignals(SignalSource inner, CostReports costs) {
    this.inner = inner;
    this.costs = costs;
  }

  @Override
  public List<RangeSeries> range(SeriesSelector selector, long fromMillis, long toMillis) {
    if (!NAMES.contains(selector.metricName())) return inner.range(selector, fromMillis, toMillis);
    Cached c = cached;
    if (c.toMillis() != toMillis) {
      c = new Cached(toMillis, compute(toMillis));
      cached = c;
    }
    String name = selector.metricName();
    return c.series().stream()
        .filter(s -> name.equals(s.labels().get("__name__")) && selector.matches(s.labels())).toList();
  }

  private List<RangeSeries> compute(long nowMillis) {
    List<RangeSeries> out = new ArrayList<>();
    for (BudgetStatus s : costs.budgets(nowMillis)) {
      Map<String, String> who = Map.of("budget", s.budget().name(), "scope", s.budget().scope().wireName(),
          "subject", s.subject());
      BurnRateThresholds t = costs.thresholds(s.budget().name());
      burn(out, who, "fast", t.fastWindow(), t.fastMultiple(), s.fastBurn(), nowMillis);
      burn(out, who, "slow", t.slowWindow(), t.slowMultiple(), s.slowBurn(), nowMillis);
      out.add(point(SPENT, who, nowMillis, s.spent()));
      out.add(point(LIMIT, who, nowMillis, s.limit()));
      out.add(point(USED, who, nowMillis, s.fractionUsed()));
    }
    for (UnpricedModel m : costs.unpriced(nowMillis - UNPRICED_WINDOW_MILLIS, nowMillis + 1)) {
      out.add(point(UNPRICED, Map.of("model", m.model()), nowMillis, m.tokens()));
    }
    return out;
  }

  private static void burn(List<RangeSeries> out, Map<String, String> who, String speed, java.time.Duration window,
      double multiple, double burn, long t) {
    Map<String, String> labels = new TreeMap<>(who);
    labels.put("speed", speed);
    labels.put("window", DurationText.format(window));
    labels.put("threshold", number(multiple));
    out.add(point(BURN_RATE, labels, t, burn));
    out.add(point(BURN_THRESHOLD, labels, t, multiple));
  }

  private static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static RangeSeries point(String name, Map<String, String> labels, long t, double value) {
    SortedMap<String, String> l = new TreeMap<>(labels);
    l.put("__name__", name);
    return new RangeSeries(l, List.of(new RangeSeries.Point(t, value)));
  }
}
