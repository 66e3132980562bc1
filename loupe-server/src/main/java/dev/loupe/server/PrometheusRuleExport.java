package dev.loupe.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.loupe.api.AlertFamilies;
import dev.loupe.api.InfrastructureSignalFamilies;
import dev.loupe.api.ModelSignalFamilies;
import dev.loupe.dimension.model.ModelSignal;
import dev.loupe.model.Dimension;
import dev.loupe.model.SeriesSelector;
import dev.loupe.model.Severity;
import dev.loupe.rule.AlertTemplate;
import dev.loupe.rule.Expression;
import dev.loupe.rule.Rule;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Loupe's alerting rules as a Prometheus rule file, for teams that alert from their own
 * Prometheus: one group per dimension ({@code loupe-compute}, …) evaluated at Loupe's interval,
 * each rule's expression in PromQL ({@link RulePromql}) over the names Prometheus has when it
 * scrapes dcgm-exporter and Loupe's {@code /metrics}, with {@code for}, {@code keep_firing_for},
 * the {@code severity} and {@code dimension} labels and the templates. A rule PromQL cannot say is
 * left out and named, with why, in {@link Result#leftOut()} and in the file's opening comment.
 *
 * <pre>{@code
 * PrometheusRuleExport.Result r =
 *     PrometheusRuleExport.export(rules, config.rules().evaluationInterval(), config.limits(), "loupe.yml");
 * Files.writeString(Path.of("loupe-rules.yml"), r.yaml());
 * }</pre>
 */
public final class PrometheusRuleExport {
  /** A rule that was not exported, and why. */
  public record LeftOut(String alert, Severity severity, String reason) {
    @Override
    public String toString() {
      return alert + " (" + severity.name().toLowerCase(Locale.ROOT) + "): " + reason;
    }
  }

  /** The rule file's text, how many rules and groups it holds, and the rules left out. */
  public record Result(String yaml, int rules, int groups, List<LeftOut> leftOut) {
    public Result {
      leftOut = List.copyOf(leftOut);
    }
  }

  /** Loupe's derived signals on {@code /metrics}: what a Prometheus scraping Loupe has of them. */
  private static final Set<String> ON_METRICS = new LinkedHashSet<>();

  static {
    ON_METRICS.addAll(ModelSignalFamilies.NAMES);
    ON_METRICS.addAll(InfrastructureSignalFamilies.NAMES);
    ON_METRICS.addAll(AlertFamilies.NAMES);
    ON_METRICS.addAll(StoreVolume.NAMES);
    ON_METRICS.add("loupe_store_unreadable_rows_total"); // Loupe's own counter, on /metrics too
    ON_METRICS.add(SilenceSignals.NAME);
    ON_METRICS.addAll(dev.loupe.api.CostFamilies.NAMES);
  }

  /** Name prefixes of the signals Loupe derives itself (the rest are stored as received). */
  private static final List<String> DERIVED_PREFIXES = List.of("loupe_model_", "loupe_gpu_", "loupe_infiniband_",
      "loupe_probe_", "loupe_dimension_", "loupe_store_", "loupe_source_", "loupe_budget_", "loupe_cost_",
      "loupe_security_");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
      .disable(YAMLGenerator.Feature.SPLIT_LINES)); // an expression stays on one line

  private PrometheusRuleExport() {}

  /**
   * The rule file of {@code rules}, evaluated every {@code evaluationInterval}; {@code limits} are
   * the config's deployment limits, which become constants; {@code source} names where the rules
   * came from in the file's opening comment.
   */
  public static Result export(List<Rule> rules, Duration evaluationInterval, LoupeConfig.Limits limits, String source) {
    RulePromql promql = new RulePromql(limits);
    Map<Dimension, List<AlertingRule>> byDimension = new EnumMap<>(Dimension.class);
    List<LeftOut> leftOut = new ArrayList<>();
    for (Rule r : rules) {
      try {
        byDimension.computeIfAbsent(r.dimension(), d -> new ArrayList<>()).add(alertingRule(r, promql));
      } catch (RulePromql.NotExpressible e) {
        leftOut.add(new LeftOut(r.name(), r.severity(), e.getMessage()));
      }
    }
    List<Group> groups = new ArrayList<>();
    int count = 0;
    for (Map.Entry<Dimension, List<AlertingRule>> e : byDimension.entrySet()) {
      if (e.getValue().isEmpty()) continue;
      groups.add(new Group("loupe-" + e.getKey().wireName(), DurationText.format(evaluationInterval), e.getValue()));
      count += e.getValue().size();
    }
    String body;
    try {
      body = YAML.writeValueAsString(new RuleFile(groups));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    return new Result(comment(source, count, groups.size(), leftOut) + body, count, groups.size(), leftOut);
  }

  private static AlertingRule alertingRule(Rule r, RulePromql promql) {
    for (String input : r.inputs()) {
      if (isDerived(input) && !ON_METRICS.contains(input) && !LimitSignals.isLimit(input)) {
        throw new RulePromql.NotExpressible("it reads " + input + ", which Loupe derives itself and does not "
            + "expose on /metrics, so a Prometheus scraping Loupe has no such series");
      }
    }
    checkTtftQuantiles(r.expression());
    if (r.when() != null) checkTtftQuantiles(r.when().expression());
    String expr = promql.alertExpression(r);
    Map<String, String> labels = goTemplates(r.labels());
    labels.put("severity", r.severity().name().toLowerCase(Locale.ROOT));
    labels.put("dimension", r.dimension().wireName());
    return new AlertingRule(r.name(), expr, duration(r.forDuration()), duration(r.keepFiringFor()), labels,
        goTemplates(r.annotations()));
  }

  private static boolean isDerived(String name) {
    return ModelSignal.byMetricName(name).isPresent() || DERIVED_PREFIXES.stream().anyMatch(name::startsWith);
  }

  /** {@code /metrics} carries the time to first token at quantile 0.95 only; the rollups Loupe reads have 0.5 and 0.99 too. */
  private static void checkTtftQuantiles(Expression e) {
    List<Expression.Operand> operands = e.denominator() == null ? List.of(e.numerator())
        : List.of(e.numerator(), e.denominator());
    for (Expression.Operand o : operands) {
      SeriesSelector s = o.selector();
      if (!s.metricName().equals(ModelSignal.TTFT_SECONDS.metricName())) continue;
      if (selects(s, "0.5") || selects(s, "0.99")) {
        throw new RulePromql.NotExpressible("it reads " + s.metricName() + " at quantiles other than 0.95, and "
            + "Loupe's /metrics exposes that signal at quantile=\"0.95\" only");
      }
    }
  }

  private static boolean selects(SeriesSelector s, String quantile) {
    return s.matchersOn("quantile").stream().allMatch(m -> m.matches(quantile));
  }

  private static String duration(Duration d) {
    return d.isZero() ? null : DurationText.format(d);
  }

  private static String comment(String source, int rules, int groups, List<LeftOut> leftOut) {
    StringBuilder out = new StringBuilder();
    out.append("# Prometheus alerting rules written by `loupe export-rules` from ").append(oneLine(source)).append(".\n");
    out.append("# ").append(rules).append(" rules in ").append(groups).append(groups == 1 ? " group" : " groups")
        .append(". They read dcgm-exporter's metrics as Prometheus scrapes them and Loupe's signals\n")
        .append("# (loupe_*) as Prometheus scrapes Loupe's /metrics. Check with: promtool check rules FILE\n");
    if (leftOut.isEmpty()) {
      out.append("# Every rule was exported.\n");
    } else {
      out.append("# Left out, because PromQL cannot say them as Loupe evaluates them:\n");
      for (LeftOut l : leftOut) out.append("#   ").append(oneLine(l.toString())).append('\n');
    }
    return out.toString();
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ');
  }

  /** The file: {@code groups:} as Prometheus reads it. */
  record RuleFile(List<Group> groups) {}

  @JsonPropertyOrder({"name", "interval", "rules"})
  record Group(String name, String interval, List<AlertingRule> rules) {}

  @JsonPropertyOrder({"alert", "expr", "for", "keep_firing_for", "labels", "annotations"})
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  record AlertingRule(
      String alert,
      String expr,
      @JsonProperty("for") String forDuration,
      @JsonProperty("keep_firing_for") String keepFiringFor,
      Map<String, String> labels,
      Map<String, String> annotations) {}

  private static Map<String, String> goTemplates(Map<String, AlertTemplate> templates) {
    Map<String, String> out = new TreeMap<>();
    templates.forEach((k, t) -> out.put(k, t.goTemplate()));
    return out;
  }
}
