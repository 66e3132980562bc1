package dev.loupe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.testing.Promtool;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loupe export-rules} as a person runs it, its output checked by Debian's real promtool. */
class ExportRulesCommandTest {
  @TempDir Path dir;

  static final String CONFIG = """
      rules:
        evaluation_interval: 30s
        rule_files: [more-rules.yml]
        groups:
          - name: mine
            rules:
              - alert: ThrottledShare
                ratio:
                  numerator: {signal: 'http_requests_total{code="429"}', aggregation: rate}
                  denominator: {signal: http_requests_total, aggregation: rate}
                window: 10m
                by: [deployment]
                condition: '> 0.05'
                severity: critical
                dimension: model
              - alert: SlowerThanLastVersion
                signal: 'loupe_model_latency_seconds{quantile="0.95"}'
                aggregation: avg
                window: 10m
                by: [deployment, model_version]
                change: '> 40%'
                against: previous_model_version
                severity: warning
                dimension: model
      """;

  static final String MORE_RULES = """
      groups:
        - name: from-a-file
          rules:
            - alert: NodeDown
              signal: 'up{job="node"}'
              aggregation: min
              window: 1m
              by: [instance]
              condition: '< 1'
              for: 2m
              severity: critical
              dimension: network
      """;

  private Path config() throws Exception {
    Files.writeString(dir.resolve("more-rules.yml"), MORE_RULES);
    Path config = dir.resolve("loupe.yml");
    Files.writeString(config, CONFIG);
    return config;
  }

  @Test
  void writesThePackAndTheConfigsRulesToAFilePromtoolAccepts() throws Exception {
    Path out = dir.resolve("loupe-rules.yml");
    LoupeCommandTest.Run run = LoupeCommandTest.run("export-rules", "--config", config().toString(), "--output", out.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).isEmpty();
    String yaml = Files.readString(out);
    assertThat(yaml)
        .contains("alert: GpuTemperatureHigh") // the built-in pack
        .contains("alert: ThrottledShare").contains("alert: NodeDown") // inline and from the rule file
        .contains("name: loupe-compute").contains("name: loupe-model").contains("name: loupe-network")
        .contains("interval: 30s")
        .doesNotContain("alert: SlowerThanLastVersion")
        .contains("#   SlowerThanLastVersion (warning): it compares each model_version");
    assertThat(run.err()).contains("left out SlowerThanLastVersion (warning): it compares each model_version")
        .contains(out + ": wrote ");
    Promtool.Run check = Promtool.checkRules(out);
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS");
  }

  @Test
  void writesToStandardOutputWithoutOutputAndThePackAloneWithoutConfig() throws Exception {
    LoupeCommandTest.Run run = LoupeCommandTest.run("export-rules");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("# Prometheus alerting rules written by `loupe export-rules` from the built-in rule pack")
        .contains("alert: GpuTemperatureHigh").contains("interval: 15s");
    assertThat(run.err()).contains("wrote ");
    Path file = dir.resolve("stdout.yml");
    Files.writeString(file, run.out());
    Promtool.Run check = Promtool.checkRules(file);
    assertThat(check.exitCode()).as(check.output()).isZero();
  }

  @Test
  void aBadConfigFailsWithItsLineAndKeyAndWritesNothing() throws Exception {
    Path bad = dir.resolve("bad.yml");
    Files.writeString(bad, """
        rules:
          groups:
            - name: g
              rules:
                - alert: X
                  signal: up
                  aggregation: median
                  window: 1m
                  condition: '< 1'
                  severity: warning
                  dimension: network
        """);
    Path out = dir.resolve("out.yml");
    LoupeCommandTest.Run run = LoupeCommandTest.run("export-rules", "--config", bad.toString(), "--output", out.toString());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("bad.yml:").contains("aggregation").contains("unknown aggregation 'median'");
    assertThat(out).doesNotExist();
  }

  @Test
  void helpNamesItsOptions() {
    LoupeCommandTest.Run run = LoupeCommandTest.run("export-rules", "--help");
    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("Usage: loupe export-rules").contains("--config").contains("--output");
    assertThat(LoupeCommandTest.run("--help").out()).contains("export-rules");
  }
}
