package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.loupe.model.Alert;
import dev.loupe.model.AlertState;
import dev.loupe.model.Sample;
import dev.loupe.rule.AlertSink;
import dev.loupe.rule.Rule;
import dev.loupe.rule.RuleEngine;
import dev.loupe.rule.SampleSignals;
import dev.loupe.rule.VersionHistory;
import dev.loupe.testing.Promtool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One exported rule fires in real Prometheus semantics ({@code promtool test rules}) at the
 * evaluation where Loupe's own engine fires it over the same samples, with the same labels and the
 * same rendered annotations.
 */
class ExportedRuleFiringTest {
  private static final long STEP = 15_000;
  /** Loupe's clock starts here; promtool's series start at 0. Only differences of time matter to either. */
  private static final long BASE = 1_790_000_000_000L;
  private static final String HOST = "node \"a\" \\ 1";

  @TempDir Path dir;

  // max over the window: a sample exactly one window old is in Prometheus 2.x's range and not in
  // Loupe's, and with a rising step it cannot change a maximum, so both fire at one evaluation.
  static final String RULE = """
      groups:
        - name: g
          rules:
            - alert: GpuTooHot
              signal: 'DCGM_FI_DEV_GPU_TEMP{gpu=~"[0-9]+"}'
              aggregation: max
              window: 1m
              by: [Hostname, gpu]
              condition: '> 83'
              for: 1m
              keep_firing_for: 2m
              severity: critical
              dimension: compute
              labels:
                team: '{{ $labels.Hostname }}-oncall'
              annotations:
                summary: 'GPU {{$labels.gpu}} on {{- $labels.Hostname}} at {{ $value | humanize }} °C [{{ $labels.absent }}]'
                raw: '{{ $value }} = {{ humanizePercentage $value }}'
      """;

  /** GPU 0: 70 °C for two minutes, then 88.123 °C; GPU 1 stays at 70 °C. */
  private static double temperature(String gpu, int i) {
    return gpu.equals("0") && i >= 8 ? 88.123 : 70;
  }

  @Test
  void promtoolFiresTheExportedRuleWhenLoupeDoes() throws Exception {
    List<Rule> rules = new ArrayList<>();
    for (RulesConfig.RuleGroup g : RuleFiles.parse(RULE, "test").groups()) {
      for (RulesConfig.RuleSpec r : g.rules()) rules.add(r.toRule());
    }
    int samples = 40;
    List<Sample> input = new ArrayList<>();
    for (String gpu : List.of("0", "1")) {
      for (int i = 0; i < samples; i++) {
        input.add(new Sample("DCGM_FI_DEV_GPU_TEMP", Map.of("Hostname", HOST, "gpu", gpu), BASE + i * STEP,
            temperature(gpu, i)));
      }
    }

    // Loupe's engine, at every evaluation over the same samples.
    RuleEngine engine = new RuleEngine(rules, new SampleSignals(input), VersionHistory.none(), AlertSink.noop(),
        RuleEngine.Settings.DEFAULTS);
    int firedAt = -1;
    Alert fired = null;
    for (int k = 0; k < samples && fired == null; k++) {
      engine.evaluate(BASE + k * STEP);
      for (Alert a : engine.alerts()) {
        if (a.state() == AlertState.FIRING) {
          firedAt = k;
          fired = a;
        }
      }
    }
    assertThat(fired).as("Loupe's engine fires the rule").isNotNull();
    assertThat(firedAt).as("pending at the first hot sample (8), fired one minute later").isEqualTo(12);
    assertThat(fired.labels()).containsEntry("gpu", "0").containsEntry("team", HOST + "-oncall");
    assertThat(fired.annotations().get("summary")).isEqualTo("GPU 0 on " + HOST + " at 88.12 °C []"); // Loupe keeps the space Go would trim at {{-

    PrometheusRuleExport.Result export = PrometheusRuleExport.export(rules, Duration.ofMillis(STEP), "test");
    Files.writeString(dir.resolve("loupe-rules.yml"), export.yaml());

    Map<String, String> labels = new TreeMap<>(fired.labels());
    labels.remove("alertname");
    Map<String, Object> firing = Map.of("exp_labels", labels, "exp_annotations", fired.annotations());
    Path passes = writeTest("passes.yml", input, List.of(
        evalAt(firedAt - 1, List.of()), // still pending: promtool lists firing alerts only
        evalAt(firedAt, List.of(firing))));
    Promtool.Run run = Promtool.run(dir, "test", "rules", passes.getFileName().toString());
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("SUCCESS");

    // The control: promtool does tell a wrong time apart.
    Path early = writeTest("early.yml", input, List.of(evalAt(firedAt - 1, List.of(firing))));
    Promtool.Run wrong = Promtool.run(dir, "test", "rules", early.getFileName().toString());
    assertThat(wrong.exitCode()).as(wrong.output()).isNotZero();
    assertThat(wrong.output()).contains("FAILED");
  }

  private static Map<String, Object> evalAt(int evaluation, List<Map<String, Object>> alerts) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("eval_time", evaluation * STEP / 1000 + "s");
    out.put("alertname", "GpuTooHot");
    out.put("exp_alerts", alerts);
    return out;
  }

  /** A promtool unit test file over the same samples, written with Jackson. */
  private Path writeTest(String name, List<Sample> samples, List<Map<String, Object>> checks) throws Exception {
    Map<String, List<Sample>> bySeries = new LinkedHashMap<>();
    for (Sample s : samples) {
      String series = s.name() + s.labels().entrySet().stream()
          .map(e -> e.getKey() + "=" + RulePromql.quoted(e.getValue())).collect(Collectors.joining(", ", "{", "}"));
      bySeries.computeIfAbsent(series, k -> new ArrayList<>()).add(s);
    }
    List<Map<String, Object>> inputSeries = new ArrayList<>();
    bySeries.forEach((series, points) -> inputSeries.add(Map.of("series", series,
        "values", points.stream().map(p -> RulePromql.number(p.value())).collect(Collectors.joining(" ")))));
    Map<String, Object> test = new LinkedHashMap<>();
    test.put("interval", STEP / 1000 + "s");
    test.put("input_series", inputSeries);
    test.put("alert_rule_test", checks);
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("rule_files", List.of("loupe-rules.yml"));
    file.put("evaluation_interval", STEP / 1000 + "s");
    file.put("tests", List.of(test));
    Path path = dir.resolve(name);
    new ObjectMapper(new YAMLFactory()).writeValue(path.toFile(), file);
    return path;
  }
}
