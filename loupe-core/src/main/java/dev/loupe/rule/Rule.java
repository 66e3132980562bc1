package dev.loupe.rule;

import dev.loupe.model.Checks;
import dev.loupe.model.Dimension;
import dev.loupe.model.Severity;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An alerting rule: what to measure, when it breaches, how long it must hold ({@code for}), how
 * long a firing alert outlives its condition ({@code keep_firing_for}), and what the alert says.
 * {@code missingHint} tells what usually provides an input that was never seen. {@code when}, if
 * set, is a second condition a group must meet at the same time (PromQL's {@code and on(by)}).
 */
public record Rule(
    String name,
    Expression expression,
    Condition condition,
    Duration forDuration,
    Duration keepFiringFor,
    Severity severity,
    Dimension dimension,
    Map<String, AlertTemplate> labels,
    Map<String, AlertTemplate> annotations,
    String missingHint,
    Guard when) {
  /** Labels the engine sets itself; a rule cannot override them through {@code labels}. */
  static final List<String> RESERVED_LABELS = List.of("alertname", "alertstate", "severity", "dimension");

  /**
   * A second expression and condition that must also hold: a group of the rule breaches only if
   * a group of the guard with the same values of the guard's {@code by} labels breaches too.
   */
  public record Guard(Expression expression, Condition condition) {
    public Guard {
      if (expression == null) throw new IllegalArgumentException("when needs a signal");
      if (condition == null) throw new IllegalArgumentException("when needs a condition or a change");
      if (condition instanceof Condition.Change c && c.reference() instanceof Condition.PreviousVersion) {
        throw new IllegalArgumentException("when cannot compare against previous_model_version");
      }
    }
  }

  /** A rule without a guard. */
  public Rule(String name, Expression expression, Condition condition, Duration forDuration, Duration keepFiringFor,
      Severity severity, Dimension dimension, Map<String, AlertTemplate> labels, Map<String, AlertTemplate> annotations,
      String missingHint) {
    this(name, expression, condition, forDuration, keepFiringFor, severity, dimension, labels, annotations,
        missingHint, null);
  }

  public Rule {
    if (name == null || !Checks.isMetricName(name)) {
      throw new IllegalArgumentException("alert name must be a metric-like name ([a-zA-Z_:][a-zA-Z0-9_:]*), got '" + name + "'");
    }
    if (expression == null) throw new IllegalArgumentException("signal is required");
    if (condition == null) throw new IllegalArgumentException("a condition or a change is required");
    forDuration = nonNegative("for", forDuration);
    keepFiringFor = nonNegative("keep_firing_for", keepFiringFor);
    if (severity == null) throw new IllegalArgumentException("severity is required (warning or critical)");
    if (dimension == null) throw new IllegalArgumentException("dimension is required");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    for (String l : labels.keySet()) {
      if (!Checks.isLabelName(l)) throw new IllegalArgumentException("invalid label name '" + l + "'");
      if (RESERVED_LABELS.contains(l)) throw new IllegalArgumentException("label '" + l + "' is set by the rule itself");
    }
    if (condition instanceof Condition.Change c && c.reference() instanceof Condition.PreviousVersion
        && !expression.by().contains("model_version")) {
      throw new IllegalArgumentException("a change against previous_model_version needs model_version among the 'by' labels");
    }
    missingHint = missingHint == null ? "" : missingHint;
    if (when != null && !expression.by().containsAll(when.expression().by())) {
      throw new IllegalArgumentException("when.by must be among the rule's by labels " + expression.by());
    }
  }

  /** The metric names it reads, its guard's included. */
  public List<String> inputs() {
    List<String> out = new java.util.ArrayList<>(expression.inputs());
    if (when != null) {
      for (String i : when.expression().inputs()) if (!out.contains(i)) out.add(i);
    }
    return out;
  }

  /** How far before an evaluation its reads reach: the window, plus an offset or a baseline. */
  public Duration lookback() {
    Duration d = lookback(expression, condition);
    if (when != null) {
      Duration g = lookback(when.expression(), when.condition());
      if (g.compareTo(d) > 0) d = g;
    }
    return d;
  }

  private static Duration lookback(Expression e, Condition c) {
    Duration d = e.window();
    if (c instanceof Condition.Change ch) {
      if (ch.reference() instanceof Condition.Offset o) d = d.plus(o.offset());
      if (ch.reference() instanceof Condition.Baseline b) d = d.plus(b.span());
    }
    return d;
  }

  /** Templates from their text; see {@link AlertTemplate}. */
  public static Map<String, AlertTemplate> templates(Map<String, String> texts) {
    Map<String, AlertTemplate> out = new LinkedHashMap<>();
    if (texts != null) {
      texts.forEach((k, v) -> {
        try {
          out.put(k, AlertTemplate.parse(v));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(k + ": " + e.getMessage(), e);
        }
      });
    }
    return out;
  }

  public static Severity severity(String text) {
    if (text == null) throw new IllegalArgumentException("severity is required (warning or critical)");
    try {
      return Severity.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("severity must be warning or critical, got '" + text + "'");
    }
  }

  public static Dimension dimension(String text) {
    if (text == null) throw new IllegalArgumentException("dimension is required");
    for (Dimension d : Dimension.values()) {
      if (d.wireName().equals(text.trim())) return d;
    }
    throw new IllegalArgumentException("dimension must be one of compute, cost, model, security, network, data; got '" + text + "'");
  }

  private static Duration nonNegative(String key, Duration d) {
    if (d == null) return Duration.ZERO;
    if (d.isNegative()) throw new IllegalArgumentException(key + " must not be negative");
    return d;
  }
}
