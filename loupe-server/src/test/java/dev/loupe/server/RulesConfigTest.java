package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loupe.model.Dimension;
import dev.loupe.model.Severity;
import dev.loupe.rule.Aggregation;
import dev.loupe.rule.Condition;
import dev.loupe.rule.Rule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesConfigTest {
  static final String RULES = """
      rules:
        evaluation_interval: 30s
        for_grace_period: 5m
        groups:
          - name: gpu
            rules:
              - alert: GpuTooHot
                signal: 'DCGM_FI_DEV_GPU_TEMP{job="dcgm"}'
                aggregation: max
                window: 5m
                by: [gpu, Hostname]
                condition: '> 83'
                for: 2m
                severity: critical
                dimension: compute
                labels: {team: infra}
                annotations:
                  summary: 'GPU {{ $labels.gpu }} on {{ $labels.Hostname }} at {{ $value }} C'
              - alert: Throttled
                ratio:
                  numerator: {signal: 'http_requests_total{code="429"}', aggregation: rate}
                  denominator: {signal: http_requests_total, aggregation: rate}
                window: 10m
                by: [deployment]
                condition: '> 0.05'
                severity: critical
                dimension: model
              - alert: SlowerThanLastVersion
                signal: loupe_model_latency_seconds
                aggregation: quantile(0.95)
                window: 10m
                by: [deployment, model_version]
                change: '> 40%'
                against: previous_model_version
                for: 10m
                keep_firing_for: 5m
                severity: warning
                dimension: model
        builtin: {enabled: false}
      """;

  @Test
  void readsRulesWithTheirDefaults() {
    RulesConfig defaults = ConfigLoader.parse("", "loupe.yml").rules();
    assertThat(defaults.evaluationInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(defaults.resendDelay()).isEqualTo(Duration.ofMinutes(1));
    assertThat(defaults.forOutageTolerance()).isEqualTo(Duration.ofHours(1));
    assertThat(defaults.forGracePeriod()).isEqualTo(Duration.ofMinutes(10));

    RulesConfig c = ConfigLoader.parse(RULES, "loupe.yml").rules();
    assertThat(c.evaluationInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.forGracePeriod()).isEqualTo(Duration.ofMinutes(5));
    List<Rule> rules = RuleFiles.load(c);
    assertThat(rules).extracting(Rule::name).containsExactly("GpuTooHot", "Throttled", "SlowerThanLastVersion");
    Rule hot = rules.get(0);
    assertThat(hot.expression().numerator().selector().matchersOn("job")).hasSize(1);
    assertThat(hot.expression().by()).containsExactly("gpu", "Hostname");
    assertThat(hot.condition()).isEqualTo(Condition.parseThreshold("> 83"));
    assertThat(hot.forDuration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(hot.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(hot.dimension()).isEqualTo(Dimension.COMPUTE);
    assertThat(rules.get(1).expression().denominator().aggregation()).isEqualTo(Aggregation.parse("rate"));
    Rule slower = rules.get(2);
    assertThat(slower.condition()).isEqualTo(new Condition.Change(
        dev.loupe.rule.Comparison.GT, 0.4, new Condition.PreviousVersion()));
    assertThat(slower.keepFiringFor()).isEqualTo(Duration.ofMinutes(5));
  }

  private static void fails(String yaml, int line, String key, String reason) {
    assertThatThrownBy(() -> RuleFiles.load(ConfigLoader.parse(yaml, "loupe.yml").rules()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(reason)
        .satisfies(e -> {
          ConfigException c = (ConfigException) e;
          assertThat(c.keyPath()).isEqualTo(key);
          assertThat(c.line()).as(c.getMessage()).isEqualTo(line);
          assertThat(c.getMessage()).startsWith("loupe.yml:" + line + ":");
        });
  }

  @Test
  void mistakesNameTheLineAndKey() {
    fails(RULES.replace("condition: '> 83'", "condition: '83'"), 12, "rules.groups[0].rules[0].condition",
        "expected one of > >= < <= == !=");
    fails(RULES.replace("aggregation: max", "aggregation: median"), 9, "rules.groups[0].rules[0].aggregation",
        "unknown aggregation 'median'");
    fails(RULES.replace("severity: critical\n          dimension: compute", "severity: page\n          dimension: compute"),
        14, "rules.groups[0].rules[0].severity", "severity must be warning or critical, got 'page'");
    fails(RULES.replace("{{ $labels.Hostname }}", "{{ .Labels.Hostname }}"), 17,
        "rules.groups[0].rules[0].annotations", "unsupported template '{{ .Labels.Hostname }}'");
    fails(RULES.replace("window: 10m\n          by: [deployment]\n", "window: ten\n          by: [deployment]\n"), 23,
        "rules.groups[0].rules[1].window", "not a duration");
    fails(RULES.replace("total, aggregation: rate}", "total, aggregation: rat}"), 22,
        "rules.groups[0].rules[1].ratio.denominator.aggregation", "unknown aggregation 'rat'");
    fails(RULES.replace("against: previous_model_version", "against: last_week"), 34,
        "rules.groups[0].rules[2].against", "against must be 'offset <duration>', 'baseline <duration>' or 'previous_model_version'");
    fails(RULES.replace("keep_firing_for: 5m", "keep_firing_fr: 5m"), 36,
        "rules.groups[0].rules[2].keep_firing_fr", "did you mean 'keep_firing_for'");
    fails(RULES.replace("dimension: model\n        - alert: SlowerThanLastVersion", "dimension: moodel\n        - alert: SlowerThanLastVersion"), 27,
        "rules.groups[0].rules[1].dimension", "dimension must be one of");
  }

  @Test
  void ruleFilesAreReadRelativeToTheConfigAndTheirMistakesNameTheFile(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("extra.yml"), """
        groups:
          - name: extra
            rules:
              - alert: EccErrors
                signal: DCGM_FI_DEV_ECC_DBE_VOL_TOTAL
                aggregation: increase
                window: 5m
                by: [gpu]
                condition: '> 0'
                severity: critical
                dimension: compute
                missing_hint: dcgm-exporter with the extended counter list
        """);
    Files.writeString(dir.resolve("loupe.yml"), RULES.replace("  evaluation_interval: 30s\n",
        "  evaluation_interval: 30s\n  rule_files: [extra.yml]\n"));
    LoupeConfig c = ConfigLoader.load(dir.resolve("loupe.yml"));
    assertThat(RuleFiles.load(c.rules())).extracting(Rule::name).endsWith("EccErrors");

    Files.writeString(dir.resolve("extra.yml"), Files.readString(dir.resolve("extra.yml")).replace("window: 5m", "window: -5m"));
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("loupe.yml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(dir.resolve("extra.yml") + ":7:")
        .hasMessageContaining("groups[0].rules[0].window");
  }
}
