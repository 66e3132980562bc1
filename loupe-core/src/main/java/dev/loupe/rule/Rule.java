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
 * {@code missingHint} tells what usually provides an input that was never seen.
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
    String missingHint) {
  /** Labels the engine sets itself; a rule cannot override them through {@code labels}. */
  static final List<String> RESERVED_LABELS = List.of("alertname", "alertstate", "severity", "dimension");

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
