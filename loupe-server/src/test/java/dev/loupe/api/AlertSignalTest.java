package dev.loupe.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.LabelMatcher;
import dev.loupe.model.SeriesSelector;
import dev.loupe.rule.Rule;
import dev.loupe.server.ConfigLoader;
import dev.loupe.server.RuleFiles;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The signal the page charts for an alert: the rule's selector narrowed to the alert's group. */
class AlertSignalTest {
  private static Rule rule(String fields) {
    String yaml = "rules:\n  builtin: {enabled: false}\n  groups:\n    - name: g\n      rules:\n        - alert: R\n"
        + "          severity: warning\n          dimension: compute\n" + fields.indent(10);
    return RuleFiles.load(ConfigLoader.parse(yaml, "t.yml").rules()).get(0);
  }

  @Test
  void narrowsTheSelectorToTheAlertsGroupAndReadsBackWhateverTheLabelsHold() {
    Rule r = rule("signal: 'DCGM_FI_DEV_GPU_TEMP{job=\"dcgm\"}'\naggregation: max\nwindow: 1m\nby: [Hostname, gpu]\n"
        + "condition: '> 83'\n");
    String odd = "a\"b\\c\nd <img src=x>";
    Map<String, Object> s = AlertSignal.of(r, Map.of("alertname", "R", "Hostname", odd, "gpu", "0", "team", "x"));
    SeriesSelector back = SeriesSelector.parse((String) s.get("query"));
    assertThat(back.metricName()).isEqualTo("DCGM_FI_DEV_GPU_TEMP");
    assertThat(back.matchers()).containsExactly(LabelMatcher.eq("job", "dcgm"), LabelMatcher.eq("Hostname", odd),
        LabelMatcher.eq("gpu", "0"));
    assertThat(s).containsEntry("threshold", 83.0).doesNotContainKeys("change", "denominator");
  }

  @Test
  void aChangeAgainstThePreviousVersionLeavesTheVersionOpenAndHasNoThreshold() {
    Rule r = rule("signal: 'loupe_model_latency_seconds{quantile=\"0.95\"}'\naggregation: avg\nwindow: 2m\n"
        + "by: [service, deployment, model_version]\nchange: '> 40%'\nagainst: previous_model_version\n");
    Map<String, Object> s = AlertSignal.of(r, Map.of("service", "chat-api", "deployment", "chat-prod",
        "model_version", "v2", "previous_model_version", "v1"));
    assertThat(s.get("query")).isEqualTo("loupe_model_latency_seconds{quantile=\"0.95\", service=\"chat-api\", deployment=\"chat-prod\"}");
    assertThat(s).containsEntry("change", true).doesNotContainKey("threshold");
  }

  @Test
  void aRatioNamesItsDenominatorAndARateHasNoThresholdOnTheChart() {
    Rule ratio = rule("ratio:\n  numerator: {signal: 'http_requests_total{code=\"429\"}', aggregation: rate}\n"
        + "  denominator: {signal: http_requests_total, aggregation: rate}\nwindow: 5m\nby: [deployment]\ncondition: '> 0.05'\n");
    Map<String, Object> s = AlertSignal.of(ratio, Map.of("deployment", "d"));
    assertThat(s).containsEntry("query", "http_requests_total{code=\"429\", deployment=\"d\"}")
        .containsEntry("denominator", "http_requests_total").doesNotContainKey("threshold");
    Rule rate = rule("signal: errors_total\naggregation: rate\nwindow: 5m\ncondition: '> 1'\n");
    assertThat(AlertSignal.of(rate, Map.of())).isEqualTo(Map.of("query", "errors_total"));
  }
}
