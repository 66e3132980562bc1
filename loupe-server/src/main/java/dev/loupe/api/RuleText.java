package dev.loupe.api;

import dev.loupe.model.SeriesSelector;
import dev.loupe.rule.AlertTemplate;
import dev.loupe.rule.Condition;
import dev.loupe.rule.Expression;
import dev.loupe.rule.Rule;
import dev.loupe.server.DurationText;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** A rule written back as one line of text for the API, e.g. {@code max by (gpu) (temp[5m]) > 83}. */
final class RuleText {
  private RuleText() {}

  static String query(Rule r) {
    String text = condition(r.expression(), r.condition());
    if (r.when() != null) {
      List<String> on = r.when().expression().by();
      text = text + " and on (" + String.join(", ", on) + ") " + condition(r.when().expression(), r.when().condition());
    }
    return text;
  }

  private static String condition(Expression e, Condition c) {
    String window = DurationText.format(e.window());
    String by = e.by().isEmpty() ? "" : " by (" + String.join(", ", e.by()) + ")";
    String value = operand(e.numerator(), by, window);
    if (e.denominator() != null) value = value + " / " + operand(e.denominator(), by, window);
    if (c instanceof Condition.Change ch) {
      String against = ch.reference() instanceof Condition.Offset o
          ? "offset " + DurationText.format(o.offset())
          : ch.reference() instanceof Condition.Baseline b
              ? "baseline " + DurationText.format(b.span()) : "previous_model_version";
      return "change(" + value + " against " + against + ") " + c.comparison().symbol() + " " + c.threshold();
    }
    return value + " " + c.comparison().symbol() + " " + QueryRangeHandler.format(c.threshold());
  }

  private static String operand(Expression.Operand o, String by, String window) {
    return o.aggregation() + by + " (" + selector(o.selector()) + "[" + window + "])";
  }

  /** A selector as text that {@link SeriesSelector#parse} reads back to the same selector. */
  static String selector(SeriesSelector s) {
    if (s.matchers().isEmpty()) return s.metricName();
    return s.metricName() + s.matchers().stream()
        .map(m -> m.name() + m.op().symbol() + quoted(m.value()))
        .collect(Collectors.joining(", ", "{", "}"));
  }

  /** A label value in double quotes, with the escapes {@link SeriesSelector#parse} reads. */
  static String quoted(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  static Map<String, String> sources(Map<String, AlertTemplate> templates) {
    Map<String, String> out = new TreeMap<>();
    templates.forEach((k, t) -> out.put(k, t.source()));
    return out;
  }
}
