package dev.loupe.server;

import dev.loupe.model.LabelMatcher;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.SeriesSelector;
import dev.loupe.rule.Aggregation;
import dev.loupe.rule.Condition;
import dev.loupe.rule.Expression;
import dev.loupe.rule.Rule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A Loupe rule's expression and condition written as one PromQL alerting expression over the same
 * metric names, so that Prometheus alerts on the same groups with the same {@code $value}. What
 * PromQL cannot say is refused with a {@link NotExpressible} naming the reason.
 *
 * <p>Each aggregation reduces every series over the window and combines the series of a group, as
 * Loupe does: {@code avg} is {@code avg by (…) (avg_over_time(s[w]))}, {@code min}, {@code max}
 * and {@code sum} likewise, {@code last} is {@code max by (…) (last_over_time(s[w]))},
 * {@code rate}, {@code increase} and {@code deriv} are summed, {@code sum_of_avg} is
 * {@code sum by (…) (avg_over_time(s[w]))}, {@code predict_linear(h)} is
 * {@code sum by (…) (predict_linear(s[w], h in seconds))}; the config's limits and budgets are constant vectors. Two differ from Loupe's own values,
 * because PromQL has no exact form: {@code rate} and {@code increase} extrapolate to the window's
 * edges, and {@code quantile(q)} is the q-quantile of each series' q-quantile instead of one
 * quantile over the pooled points (the same whenever a group holds one series).
 */
final class RulePromql {
  /** Why a rule has no PromQL form. */
  static final class NotExpressible extends RuntimeException {
    NotExpressible(String reason) {
      super(reason);
    }
  }

  /** PromQL words a bare metric name cannot be; such a name is written {@code {__name__="…"}}. */
  private static final Set<String> KEYWORDS = Set.of(
      "and", "or", "unless", "atan2", "by", "without", "on", "ignoring", "group_left", "group_right", "bool",
      "offset", "start", "end", "sum", "avg", "count", "min", "max", "group", "stddev", "stdvar", "topk",
      "bottomk", "count_values", "quantile", "inf", "nan");

  private final LoupeConfig.Limits limits;

  /** {@code limits} gives the values of the limit signals ({@code loupe_model_tpm_limit}, …), written as constants. */
  RulePromql(LoupeConfig.Limits limits) {
    this.limits = limits;
  }

  /** The alerting expression: the rule's value with its condition applied, and its {@code when} guard. */
  String alertExpression(Rule rule) {
    String main = condition(rule.expression(), rule.condition());
    if (rule.when() == null) return main;
    Rule.Guard guard = rule.when();
    // Comparisons bind tighter than "and"; the parentheses are for the reader.
    return "(" + main + ") and on(" + String.join(", ", guard.expression().by()) + ") ("
        + condition(guard.expression(), guard.condition()) + ")";
  }

  private String condition(Expression e, Condition c) {
    String op = " " + c.comparison().symbol() + " " + number(c.threshold());
    if (c instanceof Condition.Threshold) return value(e, e.window(), null) + op;
    Condition.Reference ref = ((Condition.Change) c).reference();
    String reference;
    if (ref instanceof Condition.Offset o) {
      reference = value(e, e.window(), o.offset());
    } else if (ref instanceof Condition.Baseline b) {
      reference = value(e, b.span(), e.window()); // the span that ends where the window starts
    } else {
      throw new NotExpressible("it compares each model_version with the version it replaced (against: "
          + "previous_model_version), and PromQL does not know which version came before which");
    }
    // Loupe's change: (value - reference) / |reference|, for the groups whose reference is not 0.
    return "(" + value(e, e.window(), null) + " - " + reference + ") / (abs(" + reference + ") > 0)" + op;
  }

  /** The value of each group: one operand, or the ratio of two for the groups whose denominator is not 0. */
  private String value(Expression e, Duration range, Duration offset) {
    String numerator = operand(e.numerator(), e.by(), range, offset);
    if (e.denominator() == null) return numerator;
    String denominator = operand(e.denominator(), e.by(), range, offset);
    return "(" + numerator + " / on(" + String.join(", ", e.by()) + ") (" + denominator + " != 0))";
  }

  private String operand(Expression.Operand o, List<String> by, Duration range, Duration offset) {
    if (LimitSignals.isLimit(o.selector().metricName())) return limit(o, by);
    String series = selector(o.selector()) + "[" + DurationText.format(range) + "]"
        + (offset == null ? "" : " offset " + DurationText.format(offset));
    Aggregation a = o.aggregation();
    String group = by.isEmpty() ? "" : " by (" + String.join(", ", by) + ")";
    if (a.kind() == Aggregation.Kind.PREDICT_LINEAR && offset != null) {
      // PromQL reads an offset range's line at the evaluation time, Loupe at the end of that range.
      throw new NotExpressible("it compares " + a + " against an earlier window, which PromQL projects from now"
          + " rather than from that window's end");
    }
    return switch (a.kind()) {
      case AVG -> "avg" + group + " (avg_over_time(" + series + "))";
      case MIN -> "min" + group + " (min_over_time(" + series + "))";
      case MAX -> "max" + group + " (max_over_time(" + series + "))";
      case SUM -> "sum" + group + " (sum_over_time(" + series + "))";
      case LAST -> "max" + group + " (last_over_time(" + series + "))";
      case RATE -> "sum" + group + " (rate(" + series + "))";
      case INCREASE -> "sum" + group + " (increase(" + series + "))";
      case DERIV -> "sum" + group + " (deriv(" + series + "))";
      case SUM_OF_AVG -> "sum" + group + " (avg_over_time(" + series + "))";
      case PREDICT_LINEAR -> "sum" + group + " (predict_linear(" + series + ", " + number(a.horizon().toMillis() / 1000.0)
          + "))";
      case QUANTILE -> "quantile" + group + " (" + number(a.q()) + ", quantile_over_time(" + number(a.q()) + ", "
          + series + "))";
      // An aggregation added to Loupe after this translation was written: refused, never guessed.
      default -> throw new NotExpressible("its aggregation " + a + " has no PromQL translation yet");
    };
  }

  /**
   * A limit from {@code limits:} (a deployment's quota, the telemetry budget): one value per
   * deployment, or one, that holds at any time, so a constant vector, the same at an offset; its
   * series combined as the aggregation combines them.
   */
  private String limit(Expression.Operand o, List<String> by) {
    String name = o.selector().metricName();
    List<RangeSeries> series = new ArrayList<>(new LimitSignals((s, from, to) -> List.of(), limits)
        .range(o.selector(), 0, 0));
    if (series.isEmpty()) {
      throw new NotExpressible("it reads " + name + ", and the config sets no such limit under limits:"
          + " (limits.deployments, limits.telemetry), so it has no value (in Loupe neither)");
    }
    series.sort(Comparator.comparing(s -> s.labels().getOrDefault("deployment", "")));
    StringBuilder vector = new StringBuilder();
    for (RangeSeries s : series) {
      if (vector.length() > 0) vector.append(" or ");
      String deployment = s.labels().get("deployment");
      String constant = "vector(" + number(s.points().get(0).value()) + ")";
      vector.append(deployment == null ? constant
          : "label_replace(" + constant + ", \"deployment\", " + quoted(deployment) + ", \"\", \"\")");
    }
    Aggregation a = o.aggregation();
    String group = by.isEmpty() ? "" : " by (" + String.join(", ", by) + ")";
    String across = switch (a.kind()) {
      case AVG -> "avg";
      case MIN -> "min";
      case MAX, LAST -> "max";
      case SUM, SUM_OF_AVG -> "sum";
      case QUANTILE -> "quantile";
      default -> throw new NotExpressible("it takes " + a + " of " + name + ", a limit with one value at a time "
          + "(no rate, increase, slope or projection)");
    };
    return across + group + " (" + (a.kind() == Aggregation.Kind.QUANTILE ? number(a.q()) + ", " : "") + vector + ")";
  }

  /** A selector in PromQL: label values quoted and escaped, regexes checked for RE2. */
  static String selector(SeriesSelector s) {
    StringBuilder out = new StringBuilder();
    boolean bareName = !KEYWORDS.contains(s.metricName().toLowerCase(Locale.ROOT));
    if (bareName) out.append(s.metricName());
    if (!bareName || !s.matchers().isEmpty()) {
      out.append('{');
      if (!bareName) out.append("__name__=").append(quoted(s.metricName()));
      for (LabelMatcher m : s.matchers()) {
        if (out.charAt(out.length() - 1) != '{') out.append(", ");
        if (m.op() == LabelMatcher.Op.RE || m.op() == LabelMatcher.Op.NRE) Re2.check(m.name(), m.value());
        out.append(m.name()).append(m.op().symbol()).append(quoted(m.value()));
      }
      out.append('}');
    }
    return out.toString();
  }

  /** A PromQL double-quoted string: backslash, quote and control characters escaped as Go reads them. */
  static String quoted(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) out.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
          else out.append(c);
        }
      }
    }
    return out.append('"').toString();
  }

  /** A number as PromQL reads it: {@code 83}, {@code 0.4}, {@code 1.0E-4}, {@code +Inf}, {@code NaN}. */
  static String number(double v) {
    if (Double.isNaN(v)) return "NaN";
    if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return Double.toString(v);
  }

  /**
   * Loupe's regexes are Java's and Prometheus's are RE2: the Java-only forms (lookaround, atomic
   * groups, backreferences, possessive quantifiers, class intersections) are refused here rather
   * than left for Prometheus to reject or to read differently.
   */
  static final class Re2 {
    private Re2() {}

    static void check(String label, String regex) {
      String found = javaOnly(regex);
      if (found != null) {
        throw new NotExpressible("its regex on " + label + " uses " + found
            + ", which Java's regexes have and Prometheus's (RE2) do not");
      }
    }

    /** The first Java-only form in the regex, or null. */
    static String javaOnly(String r) {
      boolean inClass = false;
      for (int i = 0; i < r.length(); i++) {
        char c = r.charAt(i);
        char next = i + 1 < r.length() ? r.charAt(i + 1) : 0;
        if (c == '\\') {
          if (next >= '1' && next <= '9') return "a backreference (\\" + next + ")";
          if (next == 'k') return "a named backreference (\\k)";
          i++; // the escaped character is literal
          continue;
        }
        if (inClass) {
          if (c == ']') inClass = false;
          else if (c == '&' && next == '&') return "a class intersection (&&)";
          continue;
        }
        if (c == '[') {
          inClass = true;
          if (next == '^') i++;
          if (i + 1 < r.length() && r.charAt(i + 1) == ']') i++; // a leading ] is literal
        } else if (c == '(' && next == '?') {
          String rest = r.substring(i + 2);
          if (rest.startsWith("=") || rest.startsWith("!") || rest.startsWith("<=") || rest.startsWith("<!")) {
            return "a lookaround ((?=, (?!, (?<=, (?<!)";
          }
          if (rest.startsWith(">")) return "an atomic group ((?>)";
          if (rest.startsWith("<")) return "a named group written (?<name>) (RE2 here reads (?P<name>)";
        } else if ((c == '*' || c == '+' || c == '?' || c == '}') && next == '+') {
          return "a possessive quantifier (" + c + "+)";
        }
      }
      return null;
    }
  }
}
