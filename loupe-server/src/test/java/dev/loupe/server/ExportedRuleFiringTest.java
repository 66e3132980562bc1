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
 * Exported rules fire in real Prometheus semantics ({@code promtool test rules}) at the
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
    List<Sample> input = new ArrayList<>();
    for (String gpu : List.of("0", "1")) {
      for (int i = 0; i < 40; i++) {
        input.add(new Sample("DCGM_FI_DEV_GPU_TEMP", Map.of("Hostname", HOST, "gpu", gpu), BASE + i * STEP,
            temperature(gpu, i)));
      }
    }
    Fired fired = bothFire(RULE, input, NO_LIMITS, "GpuTooHot", 40);
    assertThat(fired.evaluation()).as("pending at the first hot sample (8), fired one minute later").isEqualTo(12);
    Alert a = fired.alerts().get(0);
    assertThat(a.labels()).containsEntry("gpu", "0").containsEntry("team", HOST + "-oncall");
    // Loupe keeps the space that Go would trim at {{-; the exported template has no trim marker.
    assertThat(a.annotations().get("summary")).isEqualTo("GPU 0 on " + HOST + " at 88.12 °C []");
  }

  /**
   * A ratio whose numerator sums two model versions' averages and whose denominator is the
   * config's TPM limit (a constant in PromQL), with a guard against an offset. The series have a
   * point a minute and the window is 110 s, so no point is ever exactly one window old (where
   * Prometheus 2.x and Loupe differ, see the README).
   */
  @Test
  void aRatioOverAConfigLimitWithAGuardFiresTogether() throws Exception {
    String rules = """
        groups:
          - name: g
            rules:
              - alert: TpmNearLimit
                ratio:
                  numerator: {signal: loupe_model_tokens_per_minute, aggregation: sum_of_avg}
                  denominator: {signal: loupe_model_tpm_limit, aggregation: last}
                window: 110s
                by: [deployment]
                condition: '> 0.8'
                for: 1m
                when:
                  signal: loupe_model_tokens_per_minute
                  aggregation: sum_of_avg
                  window: 110s
                  by: [deployment]
                  change: '> 20%'
                  against: offset 10m
                severity: warning
                dimension: model
                annotations:
                  summary: '{{ $labels.deployment }} at {{ $value | humanizePercentage }} of its TPM limit'
        """;
    LoupeConfig.Limits limits = new LoupeConfig.Limits(Map.of(
        "chat-prod", new LoupeConfig.DeploymentLimit(150_000.0, null),
        "batch", new LoupeConfig.DeploymentLimit(1_000_000.0, null)));
    List<Sample> input = new ArrayList<>();
    int minutes = 30;
    for (int m = 0; m < minutes; m++) {
      long t = BASE + m * 60_000L;
      // chat-prod: v1 steady at 40k; v2 at 40k, then 81.7k from minute 20 (121.7k of 150k, +52 %)
      input.add(tokens("chat-prod", "v1", t, 40_000));
      input.add(tokens("chat-prod", "v2", t, m >= 20 ? 81_700 : 40_000));
      // batch: far under its limit throughout
      input.add(tokens("batch", "v7", t, m >= 20 ? 300_000 : 200_000));
    }
    Fired fired = bothFire(rules, input, limits, "TpmNearLimit", minutes * 4);
    assertThat(fired.alerts()).singleElement().satisfies(a -> {
      assertThat(a.labels()).containsEntry("deployment", "chat-prod");
      assertThat(a.annotations().get("summary")).isEqualTo("chat-prod at 81.13% of its TPM limit");
    });
    assertThat(fired.evaluation()).as("pending at minute 21 (both points of the window high), fired at 22")
        .isEqualTo(22 * 4);
  }

  /**
   * predict_linear: Prometheus's least-squares line, read at the evaluation time plus the horizon,
   * crosses the threshold at the evaluation where Loupe's does, with the same projected value. A
   * window of 305 s never holds a point exactly one window old (see above).
   */
  @Test
  void predictLinearFiresTogetherWithTheSameProjection() throws Exception {
    String rules = """
        groups:
          - name: g
            rules:
              - alert: StoreFullSoon
                signal: loupe_store_bytes
                aggregation: predict_linear(1h)
                window: 305s
                condition: '> 16000.5'
                severity: warning
                dimension: data
                annotations:
                  summary: 'projected {{ $value | humanize }}B'
        """;
    List<Sample> input = new ArrayList<>();
    // About 50 a step (3.3/s, 12,000 an hour), with a bump every third point so the fit is no exact line.
    for (int i = 0; i < 120; i++) {
      input.add(new Sample("loupe_store_bytes", Map.of("instance", "loupe"), BASE + i * STEP,
          1000 + 50.0 * i + (i % 3 == 0 ? 20 : 0)));
    }
    Fired fired = bothFire(rules, input, NO_LIMITS, "StoreFullSoon", 120);
    // numpy.polyfit over the 21 points of evaluation 60 reads 16052.12 an hour after it; at 59, 15911.
    assertThat(fired.evaluation()).isEqualTo(60);
    assertThat(fired.alerts().get(0).annotations().get("summary")).isEqualTo("projected 16.05kB");
  }

  private static Sample tokens(String deployment, String version, long t, double v) {
    return new Sample("loupe_model_tokens_per_minute", Map.of("deployment", deployment, "model_version", version), t, v);
  }

  private static final LoupeConfig.Limits NO_LIMITS = new LoupeConfig.Limits(null);

  /** Loupe's first evaluation with a firing alert (its index from 0) and the alerts firing then. */
  record Fired(int evaluation, List<Alert> alerts) {}

  /**
   * Runs Loupe's engine over the samples at every evaluation until the alert fires, then has
   * promtool check the exported rule over the same samples: no alert firing one evaluation
   * earlier, the same alerts (labels and rendered annotations) at that one; and, as a control,
   * that promtool fails a test expecting them one evaluation early.
   */
  private Fired bothFire(String rulesYaml, List<Sample> input, LoupeConfig.Limits limits, String alert,
      int evaluations) throws Exception {
    List<Rule> rules = new ArrayList<>();
    for (RulesConfig.RuleGroup g : RuleFiles.parse(rulesYaml, "test").groups()) {
      for (RulesConfig.RuleSpec r : g.rules()) rules.add(r.toRule());
    }
    RuleEngine engine = new RuleEngine(rules, new LimitSignals(new SampleSignals(input), limits),
        VersionHistory.none(), AlertSink.noop(), RuleEngine.Settings.DEFAULTS);
    Fired fired = null;
    for (int k = 0; k < evaluations && fired == null; k++) {
      engine.evaluate(BASE + k * STEP);
      List<Alert> firing = engine.alerts().stream().filter(a -> a.state() == AlertState.FIRING).toList();
      if (!firing.isEmpty()) fired = new Fired(k, firing);
    }
    assertThat(fired).as("Loupe's engine fires " + alert).isNotNull();
    assertThat(fired.evaluation()).as("an evaluation without a firing alert before").isPositive();

    PrometheusRuleExport.Result export = PrometheusRuleExport.export(rules, Duration.ofMillis(STEP), limits, "test");
    assertThat(export.leftOut()).isEmpty();
    Files.writeString(dir.resolve("loupe-rules.yml"), export.yaml());
    List<Map<String, Object>> expected = new ArrayList<>();
    for (Alert a : fired.alerts()) {
      Map<String, String> labels = new TreeMap<>(a.labels());
      labels.remove("alertname");
      expected.add(Map.of("exp_labels", labels, "exp_annotations", a.annotations()));
    }
    Path passes = writeTest("passes.yml", input, List.of(
        evalAt(fired.evaluation() - 1, alert, List.of()), // pending or nothing: promtool lists firing alerts only
        evalAt(fired.evaluation(), alert, expected)));
    Promtool.Run run = Promtool.run(dir, "test", "rules", passes.getFileName().toString());
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("SUCCESS");

    // The control: promtool does tell a wrong time apart.
    Path early = writeTest("early.yml", input, List.of(evalAt(fired.evaluation() - 1, alert, expected)));
    Promtool.Run wrong = Promtool.run(dir, "test", "rules", early.getFileName().toString());
    assertThat(wrong.exitCode()).as(wrong.output()).isNotZero();
    assertThat(wrong.output()).contains("FAILED");
    return fired;
  }

  private static Map<String, Object> evalAt(int evaluation, String alert, List<Map<String, Object>> alerts) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("eval_time", evaluation * STEP / 1000 + "s");
    out.put("alertname", alert);
    out.put("exp_alerts", alerts);
    return out;
  }

  /**
   * A promtool unit test file over the same samples, written with Jackson: one value per
   * evaluation step from {@code BASE}, {@code _} where a series has no sample.
   */
  private Path writeTest(String name, List<Sample> samples, List<Map<String, Object>> checks) throws Exception {
    Map<String, TreeMap<Long, Double>> bySeries = new LinkedHashMap<>();
    for (Sample s : samples) {
      String series = s.name() + s.labels().entrySet().stream()
          .map(e -> e.getKey() + "=" + RulePromql.quoted(e.getValue())).collect(Collectors.joining(", ", "{", "}"));
      assertThat((s.timestampMillis() - BASE) % STEP).as("samples on the step").isZero();
      bySeries.computeIfAbsent(series, k -> new TreeMap<>()).put((s.timestampMillis() - BASE) / STEP, s.value());
    }
    List<Map<String, Object>> inputSeries = new ArrayList<>();
    bySeries.forEach((series, points) -> {
      List<String> values = new ArrayList<>();
      for (long i = 0; i <= points.lastKey(); i++) {
        Double v = points.get(i);
        values.add(v == null ? "_" : RulePromql.number(v));
      }
      inputSeries.add(Map.of("series", series, "values", String.join(" ", values)));
    });
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
