package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.loupe.model.Dimension;
import dev.loupe.model.SeriesSelector;
import dev.loupe.model.Severity;
import dev.loupe.rule.Aggregation;
import dev.loupe.rule.Condition;
import dev.loupe.rule.Expression;
import dev.loupe.rule.Rule;
import dev.loupe.testing.Promtool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported rule file is checked by Debian's real promtool, and its PromQL compared with the exact text. */
class PrometheusRuleExportTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final LoupeConfig.Limits NO_LIMITS = new LoupeConfig.Limits(null);

  @TempDir Path dir;

  /** Every aggregation, a ratio, changes against an offset and a baseline, a guard, templates, tricky values. */
  static final String RULES = """
      groups:
        - name: mixed
          rules:
            - alert: GpuHotAvg
              signal: 'DCGM_FI_DEV_GPU_TEMP{Hostname="node \\"a\\" \\\\ 1"}'
              aggregation: avg
              window: 5m
              by: [Hostname, gpu]
              condition: '> 83'
              for: 2m
              keep_firing_for: 10m
              severity: critical
              dimension: compute
              labels:
                team: 'infra "gpu" \\ {{ $labels.Hostname }}'
              annotations:
                summary: 'GPU {{$labels.gpu}} on {{- $labels.Hostname -}} at {{ humanize $value }} °C'
                share: '{{ $value | humanizePercentage }} / {{ $value | humanizeDuration }} / {{ $value }} / [{{ $labels.absent }}]'
            - alert: GpuColdMin
              signal: 'DCGM_FI_DEV_GPU_TEMP{gpu=~"[0-9]+", modelName!~".*A100\\\\.x|\\\\d+"}'
              aggregation: min
              window: 1m
              condition: '< 10'
              severity: warning
              dimension: compute
            - alert: PowerMax
              signal: DCGM_FI_DEV_POWER_USAGE
              aggregation: max
              window: 30s
              by: [gpu]
              condition: '>= 700.5'
              severity: warning
              dimension: compute
            - alert: EnergySum
              signal: 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu!=""}'
              aggregation: sum
              window: 1h
              by: [gpu]
              condition: '> 1e9'
              severity: warning
              dimension: cost
            - alert: XidLast
              signal: DCGM_FI_DEV_XID_ERRORS
              aggregation: last
              window: 10m
              by: [gpu, Hostname]
              condition: '!= 0'
              severity: warning
              dimension: compute
            - alert: RequestsRate
              signal: http_requests_total
              aggregation: rate
              window: 5m
              condition: '< 0.001'
              severity: warning
              dimension: model
            - alert: EccIncrease
              signal: DCGM_FI_DEV_ECC_DBE_VOL_TOTAL
              aggregation: increase
              window: 10m
              by: [gpu]
              condition: '> 0'
              keep_firing_for: 1h
              severity: critical
              dimension: compute
            - alert: MemoryGrowing
              signal: DCGM_FI_DEV_FB_USED
              aggregation: deriv
              window: 15m
              by: [gpu]
              condition: '> 1.5'
              severity: warning
              dimension: compute
            - alert: DiskFillingIn4h
              signal: 'node_filesystem_avail_bytes{mountpoint="/"}'
              aggregation: predict_linear(4h)
              window: 6h
              by: [instance]
              condition: '< 0'
              for: 1h
              severity: warning
              dimension: data
            - alert: LatencyP99
              signal: 'loupe_model_latency_seconds{quantile="0.99"}'
              aggregation: quantile(0.9)
              window: 10m
              by: [deployment, model_version]
              condition: '> 2.5'
              for: 5m
              severity: warning
              dimension: model
            - alert: ThrottledShare
              ratio:
                numerator: {signal: 'http_requests_total{code="429"}', aggregation: rate}
                denominator: {signal: http_requests_total, aggregation: rate}
              window: 10m
              by: [deployment]
              condition: '> 0.05'
              severity: critical
              dimension: model
            - alert: TokensUpOnLastWeek
              signal: loupe_model_tokens_per_minute
              aggregation: avg
              window: 1h
              by: [deployment]
              change: '> 40%'
              against: offset 7d
              severity: warning
              dimension: cost
            - alert: ErrorsAboveBaseline
              ratio:
                numerator: {signal: 'http_requests_total{code=~"5.."}', aggregation: increase}
                denominator: {signal: http_requests_total, aggregation: increase}
              window: 15m
              by: [deployment]
              change: '> 50%'
              against: baseline 1d
              severity: warning
              dimension: model
            - alert: BusyWhileThrottled
              signal: loupe_model_requests_per_second
              aggregation: avg
              window: 5m
              by: [deployment, model_version]
              condition: '> 10'
              when:
                signal: loupe_model_throttled_ratio
                aggregation: max
                window: 5m
                by: [deployment]
                condition: '> 0.01'
              severity: warning
              dimension: model
            - alert: KeywordNamedMetric
              signal: 'offset{job="weird"}'
              aggregation: max
              window: 1m
              condition: '> 0'
              severity: warning
              dimension: data
      """;

  private static List<Rule> rules(String yaml) {
    List<Rule> out = new ArrayList<>();
    for (RulesConfig.RuleGroup g : RuleFiles.parse(yaml, "test").groups()) {
      for (RulesConfig.RuleSpec r : g.rules()) out.add(r.toRule());
    }
    return out;
  }

  private Path write(PrometheusRuleExport.Result r) throws Exception {
    Path file = dir.resolve("loupe-rules.yml");
    Files.writeString(file, r.yaml());
    return file;
  }

  private static void assertPromtoolAccepts(Path file, int rules) {
    Promtool.Run check = Promtool.checkRules(file);
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: " + rules + " rules found");
  }

  private static JsonNode rule(JsonNode file, String alert) {
    for (JsonNode g : file.path("groups")) {
      for (JsonNode r : g.path("rules")) {
        if (r.path("alert").asText().equals(alert)) return r;
      }
    }
    throw new AssertionError("no rule " + alert + " in the export");
  }

  @Test
  void everyKindOfRuleIsAcceptedByPromtoolAndReadsAsWritten() throws Exception {
    List<Rule> rules = rules(RULES);
    PrometheusRuleExport.Result r = PrometheusRuleExport.export(rules, Duration.ofSeconds(30), NO_LIMITS, "loupe.yml");
    assertThat(r.leftOut()).isEmpty();
    assertThat(r.rules()).isEqualTo(rules.size());
    assertPromtoolAccepts(write(r), rules.size());

    JsonNode file = YAML.readTree(r.yaml());
    assertThat(file.path("groups").findValuesAsText("name"))
        .containsExactly("loupe-compute", "loupe-cost", "loupe-model", "loupe-data");
    assertThat(file.path("groups").get(0).path("interval").asText()).isEqualTo("30s");

    JsonNode hot = rule(file, "GpuHotAvg");
    assertThat(hot.path("expr").asText()).isEqualTo(
        "avg by (Hostname, gpu) (avg_over_time(DCGM_FI_DEV_GPU_TEMP{Hostname=\"node \\\"a\\\" \\\\ 1\"}[5m])) > 83");
    assertThat(hot.path("for").asText()).isEqualTo("2m");
    assertThat(hot.path("keep_firing_for").asText()).isEqualTo("10m");
    assertThat(hot.path("labels").path("severity").asText()).isEqualTo("critical");
    assertThat(hot.path("labels").path("dimension").asText()).isEqualTo("compute");
    assertThat(hot.path("labels").path("team").asText()).isEqualTo("infra \"gpu\" \\ {{ $labels.Hostname }}");
    // Go would trim the space beside {{- -}}; Loupe keeps it, so the export drops the markers.
    assertThat(hot.path("annotations").path("summary").asText())
        .isEqualTo("GPU {{ $labels.gpu }} on {{ $labels.Hostname }} at {{ $value | humanize }} °C");

    assertThat(rule(file, "GpuColdMin").path("expr").asText()).isEqualTo(
        "min (min_over_time(DCGM_FI_DEV_GPU_TEMP{gpu=~\"[0-9]+\", modelName!~\".*A100\\\\.x|\\\\d+\"}[1m])) < 10");
    assertThat(rule(file, "GpuColdMin").has("for")).as("no for: 0s").isFalse();
    assertThat(rule(file, "PowerMax").path("expr").asText())
        .isEqualTo("max by (gpu) (max_over_time(DCGM_FI_DEV_POWER_USAGE[30s])) >= 700.5");
    assertThat(rule(file, "EnergySum").path("expr").asText())
        .isEqualTo("sum by (gpu) (sum_over_time(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu!=\"\"}[1h])) > 1000000000");
    assertThat(rule(file, "XidLast").path("expr").asText())
        .isEqualTo("max by (gpu, Hostname) (last_over_time(DCGM_FI_DEV_XID_ERRORS[10m])) != 0");
    assertThat(rule(file, "RequestsRate").path("expr").asText()).isEqualTo("sum (rate(http_requests_total[5m])) < 0.001");
    assertThat(rule(file, "EccIncrease").path("expr").asText())
        .isEqualTo("sum by (gpu) (increase(DCGM_FI_DEV_ECC_DBE_VOL_TOTAL[10m])) > 0");
    assertThat(rule(file, "MemoryGrowing").path("expr").asText())
        .isEqualTo("sum by (gpu) (deriv(DCGM_FI_DEV_FB_USED[15m])) > 1.5");
    assertThat(rule(file, "DiskFillingIn4h").path("expr").asText())
        .isEqualTo("sum by (instance) (predict_linear(node_filesystem_avail_bytes{mountpoint=\"/\"}[6h], 14400)) < 0");
    assertThat(rule(file, "LatencyP99").path("expr").asText()).isEqualTo(
        "quantile by (deployment, model_version) (0.9, quantile_over_time(0.9, "
            + "loupe_model_latency_seconds{quantile=\"0.99\"}[10m])) > 2.5");
    assertThat(rule(file, "ThrottledShare").path("expr").asText()).isEqualTo(
        "(sum by (deployment) (rate(http_requests_total{code=\"429\"}[10m])) / on(deployment) "
            + "(sum by (deployment) (rate(http_requests_total[10m])) != 0)) > 0.05");
    String tokens = "avg by (deployment) (avg_over_time(loupe_model_tokens_per_minute[1h]";
    assertThat(rule(file, "TokensUpOnLastWeek").path("expr").asText()).isEqualTo(
        "(" + tokens + ")) - " + tokens + " offset 7d))) / (abs(" + tokens + " offset 7d))) > 0) > 0.4");
    assertThat(rule(file, "ErrorsAboveBaseline").path("expr").asText())
        .contains("increase(http_requests_total{code=~\"5..\"}[15m])")
        .contains("increase(http_requests_total{code=~\"5..\"}[1d] offset 15m)")
        .endsWith(" > 0) > 0.5");
    assertThat(rule(file, "BusyWhileThrottled").path("expr").asText()).isEqualTo(
        "(avg by (deployment, model_version) (avg_over_time(loupe_model_requests_per_second[5m])) > 10) "
            + "and on(deployment) (max by (deployment) (max_over_time(loupe_model_throttled_ratio[5m])) > 0.01)");
    assertThat(rule(file, "KeywordNamedMetric").path("expr").asText())
        .isEqualTo("max (max_over_time({__name__=\"offset\", job=\"weird\"}[1m])) > 0");
  }

  @Test
  void whatPromqlCannotSayIsLeftOutAndNamedInTheFile() throws Exception {
    List<Rule> rules = rules("""
        groups:
          - name: g
            rules:
              - alert: SlowerThanLastVersion
                signal: 'loupe_model_latency_seconds{quantile="0.95"}'
                aggregation: avg
                window: 10m
                by: [deployment, model_version]
                change: '> 40%'
                against: previous_model_version
                severity: warning
                dimension: model
              - alert: JavaLookahead
                signal: 'up{job=~"(?!test).*"}'
                aggregation: min
                window: 1m
                condition: '< 1'
                severity: critical
                dimension: network
              - alert: TtftMedian
                signal: 'loupe_model_ttft_seconds{quantile="0.5"}'
                aggregation: avg
                window: 5m
                condition: '> 1'
                severity: warning
                dimension: model
              - alert: NotOnMetrics
                signal: loupe_gpu_ecc_dbe_errors_total
                aggregation: increase
                window: 10m
                condition: '> 0'
                severity: critical
                dimension: compute
              - alert: StillFine
                signal: 'loupe_model_ttft_seconds{quantile="0.95"}'
                aggregation: avg
                window: 5m
                condition: '> 1'
                severity: warning
                dimension: model
        """);
    PrometheusRuleExport.Result r = PrometheusRuleExport.export(rules, Duration.ofSeconds(15), NO_LIMITS, "loupe.yml");
    assertThat(r.rules()).isEqualTo(1);
    assertThat(r.leftOut()).extracting(PrometheusRuleExport.LeftOut::alert)
        .containsExactly("SlowerThanLastVersion", "JavaLookahead", "TtftMedian", "NotOnMetrics");
    assertThat(r.leftOut().get(0).reason()).contains("previous_model_version");
    assertThat(r.leftOut().get(1).reason()).contains("lookaround").contains("RE2");
    assertThat(r.leftOut().get(2).reason()).contains("quantile=\"0.95\" only");
    assertThat(r.leftOut().get(3).reason()).contains("does not expose on /metrics");
    assertThat(r.yaml()).contains("# Left out, because PromQL cannot say them")
        .contains("#   SlowerThanLastVersion (warning): it compares each model_version with the version it replaced");
    assertPromtoolAccepts(write(r), 1);
  }

  @Test
  void everyAggregationHasAPromqlForm() {
    for (Aggregation.Kind kind : Aggregation.Kind.values()) {
      Aggregation a = kind == Aggregation.Kind.QUANTILE ? new Aggregation(kind, 0.5)
          : kind == Aggregation.Kind.PREDICT_LINEAR ? Aggregation.predictLinear(Duration.ofDays(7)) : Aggregation.of(kind);
      Rule rule = new Rule("R", Expression.of(new Expression.Operand(SeriesSelector.parse("x"), a),
          Duration.ofMinutes(5), List.of("gpu")), Condition.parseThreshold("> 1"), Duration.ZERO, Duration.ZERO,
          Severity.WARNING, Dimension.COMPUTE, Map.of(), Map.of(), "");
      PrometheusRuleExport.Result r = PrometheusRuleExport.export(List.of(rule), Duration.ofSeconds(15), NO_LIMITS, "test");
      assertThat(r.leftOut()).as("aggregation " + kind + " needs a translation in RulePromql").isEmpty();
    }
  }

  @Test
  void theBuiltinPackExportsWithTheConfigsLimitsAsConstantsAndPromtoolAcceptsIt() throws Exception {
    List<Rule> pack = BuiltinRules.load(RulesConfig.Builtin.DEFAULTS);
    LoupeConfig.Limits limits = new LoupeConfig.Limits(Map.of(
        "chat-prod", new LoupeConfig.DeploymentLimit(150_000.0, 900.0),
        "batch \"x\"", new LoupeConfig.DeploymentLimit(2_000_000.0, null)),
        new LoupeConfig.Telemetry(50_000_000_000L, 1.4e6));
    PrometheusRuleExport.Result r = PrometheusRuleExport.export(pack, RulesConfig.DEFAULTS.evaluationInterval(), limits,
        "the built-in rule pack");
    assertThat(r.rules() + r.leftOut().size()).isEqualTo(pack.size());
    assertThat(r.rules()).isPositive();
    for (PrometheusRuleExport.LeftOut l : r.leftOut()) assertThat(l.reason()).as(l.toString()).isNotBlank();
    assertPromtoolAccepts(write(r), r.rules());

    String tpm = "(sum by (deployment) (avg_over_time(loupe_model_tokens_per_minute[2m])) / on(deployment) "
        + "(max by (deployment) (label_replace(vector(2000000), \"deployment\", \"batch \\\"x\\\"\", \"\", \"\") "
        + "or label_replace(vector(150000), \"deployment\", \"chat-prod\", \"\", \"\")) != 0))";
    assertThat(rule(YAML.readTree(r.yaml()), "ModelTokensPerMinuteNearLimit").path("expr").asText())
        .isEqualTo(tpm + " > 0.8");
    assertThat(r.yaml()).contains("alert: ModelRequestsPerMinuteNearLimit");
    assertThat(rule(YAML.readTree(r.yaml()), "TelemetryOverBudget").path("expr").asText()).isEqualTo(
        "(sum (predict_linear(loupe_store_bytes[1d], 604800)) / on() (max (vector(50000000000)) != 0)) > 1");
    assertThat(rule(YAML.readTree(r.yaml()), "TelemetryRecordsOverBudget").path("expr").asText()).isEqualTo(
        "(sum (predict_linear(loupe_store_records_per_day[1d], 604800)) / on() (max (vector(1400000)) != 0)) > 1");
    assertThat(r.leftOut()).extracting(PrometheusRuleExport.LeftOut::alert).contains("ModelLatencyRegression")
        .doesNotContain("ModelTokensPerMinuteNearLimit", "ModelRequestsPerMinuteNearLimit", "GpuTemperatureHigh",
            "TelemetryOverBudget");

    PrometheusRuleExport.Result none = PrometheusRuleExport.export(pack, Duration.ofSeconds(15), NO_LIMITS, "pack");
    assertThat(none.leftOut()).filteredOn(l -> l.alert().equals("ModelTokensPerMinuteNearLimit")).isNotEmpty()
        .allSatisfy(l -> assertThat(l.reason()).contains("limits.deployments"));
    assertThat(none.leftOut()).filteredOn(l -> l.alert().equals("TelemetryOverBudget")).singleElement()
        .satisfies(l -> assertThat(l.reason()).contains("loupe_store_bytes_budget").contains("limits.telemetry"));
  }

  @Test
  void theNetworkRulesExportOverThePortAndProbeSignalsOfLoupesMetrics() throws Exception {
    List<Rule> network = BuiltinRules.load(RulesConfig.Builtin.DEFAULTS).stream()
        .filter(r -> r.dimension() == Dimension.NETWORK && !r.name().endsWith("SourceSilent")).toList();
    PrometheusRuleExport.Result r = PrometheusRuleExport.export(network, Duration.ofSeconds(15), NO_LIMITS, "pack");
    assertThat(r.leftOut()).as("every network rule reads a signal /metrics carries").isEmpty();
    assertThat(network).allSatisfy(rule -> assertThat(dev.loupe.api.InfrastructureSignalFamilies.NAMES)
        .containsAll(rule.inputs()));
    assertPromtoolAccepts(write(r), network.size());
    JsonNode file = YAML.readTree(r.yaml());
    assertThat(file.at("/groups/0/name").asText()).isEqualTo("loupe-network");
    JsonNode down = rule(file, "InfinibandLinkDowned");
    assertThat(down.path("expr").asText())
        .isEqualTo("sum by (host, device, port) (increase(loupe_infiniband_port_link_downed_total[5m])) > 0");
    assertThat(down.path("keep_firing_for").asText()).isEqualTo("1h");
    assertThat(rule(file, "InfinibandSymbolErrors").path("expr").asText())
        .isEqualTo("sum by (host, device, port) (increase(loupe_infiniband_port_symbol_errors_total[5m])) > 10");
    assertThat(rule(file, "InfinibandPortDown").path("expr").asText())
        .isEqualTo("max by (host, device, port) (last_over_time(loupe_infiniband_port_link_up[1m])) < 1");
    assertThat(rule(file, "NetworkProbeFailing").path("expr").asText())
        .isEqualTo("max by (source, target, module) (last_over_time(loupe_probe_success[1m])) < 0.5");
    assertThat(rule(file, "NetworkProbeFailing").path("for").asText()).isEqualTo("1m");
    assertThat(rule(file, "InfinibandCongestion").path("annotations").path("summary").asText())
        .contains("{{ $labels.host }}").contains("{{ $value | humanizePercentage }}");
  }

  @Test
  void java_onlyRegexFormsAreFoundAndRe2OnesPass() {
    assertThat(RulePromql.Re2.javaOnly("(?<=a)b")).contains("lookaround");
    assertThat(RulePromql.Re2.javaOnly("(a)\\1")).contains("backreference");
    assertThat(RulePromql.Re2.javaOnly("a*+")).contains("possessive");
    assertThat(RulePromql.Re2.javaOnly("(?>ab)")).contains("atomic");
    assertThat(RulePromql.Re2.javaOnly("[a-z&&[^x]]")).contains("intersection");
    assertThat(RulePromql.Re2.javaOnly("(?<name>a)")).contains("named group");
    for (String ok : List.of("a\\*+", "[*+]+", "(?:ab)+", "(?i)gpu-[0-9]{2}", "\\d+\\.\\d+", "a{2,3}", "[]a]+", "(?P<n>x)")) {
      assertThat(RulePromql.Re2.javaOnly(ok)).as(ok).isNull();
    }
  }

  @Test
  void quotedEscapesAsPromqlReadsIt() {
    assertThat(RulePromql.quoted("a\"b\\c\nd\te\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\te\\x01\"");
    assertThat(RulePromql.number(83)).isEqualTo("83");
    assertThat(RulePromql.number(0.4)).isEqualTo("0.4");
    assertThat(RulePromql.number(-0.3)).isEqualTo("-0.3");
    assertThat(RulePromql.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
  }
}
