package dev.loupe.api;

import dev.loupe.model.LabelMatcher;
import dev.loupe.model.SeriesSelector;
import dev.loupe.rule.Aggregation;
import dev.loupe.rule.Condition;
import dev.loupe.rule.Expression;
import dev.loupe.rule.Rule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The signal behind an alert, for the page to chart: the rule's (numerator) selector narrowed to
 * the alert's group with an equality matcher per {@code by} label, as a {@code query_range}
 * query. {@code model_version} is left open, so a regression's chart shows the version before it
 * too. {@code change} says the alert's value is a relative change; the threshold is given only when the alert's value is on the charted signal's scale (a
 * plain threshold on an avg, min, max, last or quantile of one signal, not a ratio, rate or change).
 */
final class AlertSignal {
  /** Aggregations whose result has the unit of the signal's points. */
  private static final Set<Aggregation.Kind> SAME_SCALE = Set.of(
      Aggregation.Kind.AVG, Aggregation.Kind.MIN, Aggregation.Kind.MAX, Aggregation.Kind.LAST, Aggregation.Kind.QUANTILE);

  private AlertSignal() {}

  static Map<String, Object> of(Rule rule, Map<String, String> alertLabels) {
    Expression e = rule.expression();
    SeriesSelector s = e.numerator().selector();
    List<LabelMatcher> matchers = new ArrayList<>(s.matchers());
    for (String label : e.by()) {
      String value = alertLabels.get(label);
      if (value == null || label.equals("model_version")) continue;
      matchers.removeIf(m -> m.name().equals(label));
      matchers.add(LabelMatcher.eq(label, value));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("query", RuleText.selector(new SeriesSelector(s.metricName(), matchers)));
    if (e.denominator() != null) out.put("denominator", RuleText.selector(e.denominator().selector()));
    // The alert's value is then a relative change (0.42 for +42 %), not a point of the signal.
    if (rule.condition() instanceof Condition.Change) out.put("change", true);
    if (rule.condition() instanceof Condition.Threshold t && e.denominator() == null
        && SAME_SCALE.contains(e.numerator().aggregation().kind())) {
      out.put("threshold", t.threshold());
    }
    return out;
  }
}
