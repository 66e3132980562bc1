package dev.loupe.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.loupe.model.SeriesSelector;
import dev.loupe.rule.Aggregation;
import dev.loupe.rule.AlertTemplate;
import dev.loupe.rule.Condition;
import dev.loupe.rule.Expression;
import dev.loupe.rule.Rule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code rules:} section of {@code loupe.yml}: evaluation settings, extra rule files (each in
 * the shape of a Prometheus rule file, {@code groups: [{name, rules: [...]}]}) and rule groups
 * written inline. A rule reads like a Prometheus alerting rule whose {@code expr} is spelled out
 * as {@code signal}, {@code aggregation}, {@code window}, {@code by} and a {@code condition}
 * (or a {@code change} {@code against} a reference).
 */
public record RulesConfig(
    @JsonProperty("evaluation_interval") Duration evaluationInterval,
    @JsonProperty("resend_delay") Duration resendDelay,
    @JsonProperty("for_outage_tolerance") Duration forOutageTolerance,
    @JsonProperty("for_grace_period") Duration forGracePeriod,
    @JsonProperty("rule_files") List<String> ruleFiles,
    List<RuleGroup> groups,
    Builtin builtin) {
  public static final RulesConfig DEFAULTS = new RulesConfig(null, null, null, null, null, null, null);

  public RulesConfig {
    evaluationInterval = positive("evaluation_interval", evaluationInterval, Duration.ofSeconds(15));
    resendDelay = positive("resend_delay", resendDelay, Duration.ofMinutes(1));
    forOutageTolerance = positive("for_outage_tolerance", forOutageTolerance, Duration.ofHours(1));
    forGracePeriod = positive("for_grace_period", forGracePeriod, Duration.ofMinutes(10));
    ruleFiles = ruleFiles == null ? List.of() : List.copyOf(ruleFiles);
    groups = groups == null ? List.of() : List.copyOf(groups);
    RuleGroup.checkUnique(groups);
    builtin = builtin == null ? Builtin.DEFAULTS : builtin;
  }

  /**
   * The built-in rule pack: on unless {@code enabled: false}; {@code disable} lists rules to leave
   * out, {@code override} replaces fields of a rule ({@code for}, {@code condition}, {@code window},
   * labels, ...). A rule is named by its alert name (both severities) or {@code name/severity}.
   */
  public record Builtin(Boolean enabled, List<String> disable, Map<String, com.fasterxml.jackson.databind.JsonNode> override) {
    public static final Builtin DEFAULTS = new Builtin(null, null, null);

    public Builtin {
      enabled = enabled == null || enabled;
      disable = disable == null ? List.of() : List.copyOf(disable);
      override = override == null ? Map.of() : Map.copyOf(override);
    }
  }

  /** The same settings with relative rule files resolved against {@code dir} (the config's directory). */
  public RulesConfig resolvedAgainst(Path dir) {
    if (dir == null) return this;
    List<String> files = ruleFiles.stream().map(f -> dir.resolve(f).toString()).toList();
    return new RulesConfig(evaluationInterval, resendDelay, forOutageTolerance, forGracePeriod, files, groups, builtin);
  }

  /** The rules written inline, in order. */
  public List<Rule> inlineRules() {
    List<Rule> out = new ArrayList<>();
    for (RuleGroup g : groups) for (RuleSpec r : g.rules()) out.add(r.toRule());
    return out;
  }

  private static Duration positive(String key, Duration d, Duration fallback) {
    if (d == null) return fallback;
    if (d.isNegative() || d.isZero()) throw new ConfigValueException(key, "must be positive, got " + d);
    return d;
  }

  /** A named list of rules, as in a Prometheus rule file. */
  public record RuleGroup(String name, List<RuleSpec> rules) {
    public RuleGroup {
      if (name == null || name.isBlank()) throw new ConfigValueException("name", "a rule group needs a name");
      rules = rules == null ? List.of() : List.copyOf(rules);
    }

    static void checkUnique(List<RuleGroup> groups) {
      Set<String> names = new HashSet<>();
      Set<String> rules = new HashSet<>();
      for (RuleGroup g : groups) {
        if (!names.add(g.name())) throw new IllegalArgumentException("two rule groups named '" + g.name() + "'");
        for (RuleSpec r : g.rules()) {
          if (!rules.add(r.alert() + "/" + r.severity())) {
            throw new IllegalArgumentException("two rules '" + r.alert() + "' with severity " + r.severity());
          }
        }
      }
    }
  }

  /** A rule file: {@code groups:} only, as Prometheus's. */
  public record RuleFile(List<RuleGroup> groups) {
    public RuleFile {
      groups = groups == null ? List.of() : List.copyOf(groups);
      RuleGroup.checkUnique(groups);
    }
  }

  /** One side of a ratio. */
  public record Operand(String signal, String aggregation) {
    Expression.Operand toOperand(String side) {
      String s = side.isEmpty() ? "signal" : side + ".signal";
      String a = side.isEmpty() ? "aggregation" : side + ".aggregation";
      return new Expression.Operand(
          value(s, () -> SeriesSelector.parse(required(s, signal))),
          value(a, () -> Aggregation.parse(required(a, aggregation))));
    }
  }

  /** {@code numerator / denominator}, each aggregated on its own. */
  public record Ratio(Operand numerator, Operand denominator) {}

  /** One alerting rule as written. */
  public record RuleSpec(
      String alert,
      String signal,
      String aggregation,
      Ratio ratio,
      Duration window,
      List<String> by,
      String condition,
      String change,
      String against,
      @JsonProperty("for") Duration forDuration,
      @JsonProperty("keep_firing_for") Duration keepFiringFor,
      String severity,
      String dimension,
      Map<String, String> labels,
      Map<String, String> annotations,
      @JsonProperty("missing_hint") String missingHint,
      When when) {
    public RuleSpec {
      toRule(alert, signal, aggregation, ratio, window, by, condition, change, against, forDuration, keepFiringFor,
          severity, dimension, labels, annotations, missingHint, when);
    }

    public Rule toRule() {
      return toRule(alert, signal, aggregation, ratio, window, by, condition, change, against, forDuration,
          keepFiringFor, severity, dimension, labels, annotations, missingHint, when);
    }

    private static Rule toRule(String alert, String signal, String aggregation, Ratio ratio, Duration window,
        List<String> by, String condition, String change, String against, Duration forDuration,
        Duration keepFiringFor, String severity, String dimension, Map<String, String> labels,
        Map<String, String> annotations, String missingHint, When when) {
      required("alert", alert);
      Expression expression = expressionOf("", signal, aggregation, ratio, window, by);
      Condition c = conditionOf("", condition, change, against);
      Rule.Guard guard = when == null ? null : when.toGuard();
      Map<String, AlertTemplate> labelTemplates = value("labels", () -> Rule.templates(labels));
      Map<String, AlertTemplate> annotationTemplates = value("annotations", () -> Rule.templates(annotations));
      return value("alert", () -> new Rule(alert, expression, c, forDuration, keepFiringFor,
          value("severity", () -> Rule.severity(severity)), value("dimension", () -> Rule.dimension(dimension)),
          labelTemplates, annotationTemplates, missingHint, guard));
    }
  }

  /**
   * A second condition that must hold at the same time, for the groups with the same values of
   * its {@code by} labels (PromQL's {@code and on(...)}): "RPM near its limit while TPM is not".
   */
  public record When(
      String signal, String aggregation, Ratio ratio, Duration window, List<String> by, String condition,
      String change, String against) {
    public When {
      toGuard(signal, aggregation, ratio, window, by, condition, change, against);
    }

    Rule.Guard toGuard() {
      return toGuard(signal, aggregation, ratio, window, by, condition, change, against);
    }

    private static Rule.Guard toGuard(String signal, String aggregation, Ratio ratio, Duration window,
        List<String> by, String condition, String change, String against) {
      Expression e = expressionOf("when.", signal, aggregation, ratio, window, by);
      Condition c = conditionOf("when.", condition, change, against);
      return value("when", () -> new Rule.Guard(e, c));
    }
  }

  private static Expression expressionOf(String prefix, String signal, String aggregation, Ratio ratio,
      Duration window, List<String> by) {
    Expression.Operand numerator;
    Expression.Operand denominator = null;
    if (ratio != null) {
      if (signal != null) throw new ConfigValueException(prefix + "signal", "give either signal or ratio, not both");
      if (ratio.numerator() == null) throw new ConfigValueException(prefix + "ratio", "ratio needs a numerator");
      if (ratio.denominator() == null) throw new ConfigValueException(prefix + "ratio", "ratio needs a denominator");
      numerator = ratio.numerator().toOperand(prefix + "ratio.numerator");
      denominator = ratio.denominator().toOperand(prefix + "ratio.denominator");
    } else {
      numerator = new Operand(signal, aggregation).toOperand(prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1));
    }
    if (window == null) throw new ConfigValueException(prefix + "window", "window is required (e.g. 5m)");
    Expression.Operand den = denominator;
    return value(prefix + "window", () -> new Expression(numerator, den, window, by));
  }

  private static Condition conditionOf(String prefix, String condition, String change, String against) {
    if ((condition == null) == (change == null)) {
      throw new ConfigValueException(prefix + (condition == null ? "condition" : "change"),
          "give either condition (e.g. '> 0.9') or change with against (e.g. change: '> 40%', against: offset 7d)");
    }
    return condition != null
        ? value(prefix + "condition", () -> conditionOf(condition))
        : value(prefix + "change", () -> changeOf(change, value(prefix + "against", () -> referenceOf(against))));
  }

  private static Condition conditionOf(String text) {
    return Condition.parseThreshold(text);
  }

  private static Condition changeOf(String text, Condition.Reference reference) {
    return Condition.parseChange(text, reference);
  }

  private static Condition.Reference referenceOf(String text) {
    if (text == null) throw new IllegalArgumentException("change needs against: offset <duration> or previous_model_version");
    return Condition.parseReference(text);
  }

  static String required(String key, String value) {
    if (value == null || value.isBlank()) throw new ConfigValueException(key, key + " is required");
    return value;
  }

  /** Runs a parse step, naming {@code key} on its failure. */
  static <T> T value(String key, Supplier<T> step) {
    try {
      return step.get();
    } catch (ConfigValueException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new ConfigValueException(key, e.getMessage());
    }
  }
}
