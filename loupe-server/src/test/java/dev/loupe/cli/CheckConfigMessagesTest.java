package dev.loupe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code loupe check --config} on files people really get wrong: each answer names the line,
 * column and key of the problem and its cause, in YAML's words, never Java's.
 */
class CheckConfigMessagesTest {
  @TempDir Path dir;

  static Stream<Arguments> mistakes() {
    return Stream.of(
        Arguments.of("a tab indents a key",
            "server:\n  host: 127.0.0.1\n\tport: 9710\n",
            "3:1: server.host: a tab character; YAML indents with spaces only, never with tabs"),
        Arguments.of("an unclosed [ at the end of the file",
            "scrape_configs:\n  - job_name: dcgm\n    static_configs:\n      - targets: [127.0.0.1:9400\n",
            "4:18: scrape_configs[0].static_configs[0].targets: this '[' is never closed: expected ',' or ']'"
                + " but found the end of the file at line 5, column 1"),
        Arguments.of("an unclosed [ before the next key",
            "scrape_configs:\n  - job_name: dcgm\n    static_configs:\n      - targets: [127.0.0.1:9400\n"
                + "server:\n  port: 9710\n",
            "4:18: scrape_configs[0].static_configs[0].targets: this '[' is never closed: expected ',' or ']'"
                + " but found ':' at line 5, column 7"),
        Arguments.of("a port that is not a number",
            "server:\n  port: abc\n",
            "2:9: server.port: expected a whole number, got \"abc\""),
        Arguments.of("a relabel regex that does not compile",
            "scrape_configs:\n  - job_name: dcgm\n    static_configs:\n      - targets: ['127.0.0.1:9400']\n"
                + "    metric_relabel_configs:\n      - source_labels: [gpu]\n        regex: '(['\n        action: keep\n",
            "7:16: scrape_configs[0].metric_relabel_configs[0].regex: '([' is not a valid regular expression:"
                + " unclosed character class (at character 2)"),
        Arguments.of("a workload regex that does not compile",
            "compute:\n  workload_classes:\n    - label: pod\n      regex: 'train-(.*'\n      class: training\n",
            "4:14: compute.workload_classes[0].regex: 'train-(.*' is not a valid regular expression:"
                + " unclosed group (at character 10)"),
        Arguments.of("an unknown key",
            "server:\n  port: 9710\n  prot: 1\n",
            "3:3: server.prot: unknown key; did you mean 'port'? (valid here: data_dir, external_url, host, port, tls)"),
        Arguments.of("a bad duration",
            "retention:\n  inference: 30x\n",
            "2:14: retention.inference: '30x' is not a duration (use e.g. 500ms, 15s, 5m, 1h, 30d)"),
        Arguments.of("a section given a list",
            "server: [9710]\n",
            "1:9: server: expected a map of keys, got a list"),
        Arguments.of("a port out of range",
            "server:\n  port: 70000\n",
            "2:9: server.port: must be 0..65535 (0 picks a free port), got 70000"),
        Arguments.of("two keys on one line",
            "server:\n  port: 9710 data_dir: /data\n",
            "2:22: server.port: a ': ' that cannot start a key here; put each key on its own line, indented"
                + " like the keys beside it, or quote a value that contains ': '"),
        Arguments.of("a key indented deeper than its siblings",
            "server:\n  port: 9710\n   data_dir: /data\n",
            "3:12: server.port: a ': ' that cannot start a key here; put each key on its own line, indented"
                + " like the keys beside it, or quote a value that contains ': '"),
        Arguments.of("an override of a built-in rule with a bad condition",
            "rules:\n  builtin:\n    override:\n      GpuTemperatureHigh/warning:\n        for: 10m\n        condition: '80'\n",
            "6:9: rules.builtin.override.GpuTemperatureHigh/warning.condition: expected one of > >= < <= == != at the"
                + " start of '80'"),
        Arguments.of("an override of a built-in rule's severity",
            "rules:\n  builtin:\n    override:\n      ModelErrorRatioHigh: {severity: critical}\n",
            "4:7: rules.builtin.override.ModelErrorRatioHigh: alert and severity name the rule and cannot be"
                + " overridden; disable it and write your own"),
        Arguments.of("a built-in rule disabled by a name it does not have",
            "rules:\n  builtin:\n    disable: [GpuTooHot]\n",
            "3:5: rules.builtin.disable: no built-in rule named GpuTooHot (built-in rules: "),
        Arguments.of("a storage budget without a unit people use",
            "limits:\n  telemetry:\n    max_stored_bytes: 50 gigs\n",
            "3:23: limits.telemetry.max_stored_bytes: '50 gigs' is not a size (write e.g. 50GB, 500MiB, 1.5TB or a"
                + " number of bytes)"),
        Arguments.of("a records budget of zero",
            "limits:\n  telemetry: {max_stored_bytes: 50GB, max_records_per_day: 0}\n",
            "2:60: limits.telemetry.max_records_per_day: '0' must be a positive count"),
        Arguments.of("a records budget given a list",
            "limits:\n  telemetry:\n    max_records_per_day: [1M]\n",
            "3:26: limits.telemetry.max_records_per_day: expected one value such as 1.4M, got a list"),
        Arguments.of("a misspelt budget key",
            "limits:\n  telemetry:\n    max_stored_byte: 50GB\n",
            "3:5: limits.telemetry.max_stored_byte: unknown key; did you mean 'max_stored_bytes'? (valid here:"
                + " max_records_per_day, max_stored_bytes)"),
        Arguments.of("a pipeline expected more often than a minute",
            "data:\n  pipelines:\n    kb-refresh: {every: 30s, kind: rag_index}\n",
            "3:25: data.pipelines.kb-refresh.every: must be at least 1m (how often a successful run is due), got 30s"),
        Arguments.of("a pipeline kind that does not exist",
            "data:\n  pipelines:\n    nightly-etl:\n      every: 24h\n      kind: nightly\n",
            "5:13: data.pipelines.nightly-etl.kind: must be rag_index or batch, got 'nightly'"),
        Arguments.of("an index on a batch pipeline",
            "data:\n  pipelines:\n    nightly-etl:\n      every: 24h\n      index: kb-prod\n",
            "5:14: data.pipelines.nightly-etl.index: names the index a rag_index pipeline refreshes; set kind: rag_index"),
        Arguments.of("a cadence that is not a duration",
            "data:\n  pipelines:\n    nightly-etl:\n      every: daily\n",
            "4:14: data.pipelines.nightly-etl.every: 'daily' is not a duration (use e.g. 500ms, 15s, 5m, 1h, 30d)"),
        Arguments.of("a misspelt pipeline key",
            "data:\n  pipelines:\n    nightly-etl:\n      every: 24h\n      max_dealy: 2h\n",
            "5:7: data.pipelines.nightly-etl.max_dealy: unknown key; did you mean 'max_delay'? (valid here:"
                + " every, feeds, index, kind, max_delay)"),
        Arguments.of("a time zone that does not exist",
            "data:\n  timezone: Mars/Olympus\n",
            "2:13: data.timezone: 'Mars/Olympus' is not a time zone (write e.g. UTC or Europe/Paris)"),
        Arguments.of("a budget without its limit",
            "budgets:\n  - name: per-key\n    scope: api_key\n    period: daily\n",
            "2:5: budgets[0].limit: limit (US dollars) is required"),
        Arguments.of("two budgets of one name",
            "budgets:\n  - {name: a, scope: tenant, limit: 5, period: daily}\n  - {name: a, scope: user, limit: 5, period: daily}\n",
            "3:12: budgets[1].name: budget name 'a' is used twice; each budget needs a name of its own (alerts name it)"),
        Arguments.of("a budget scope that does not exist",
            "budgets:\n  - {name: a, scope: team, limit: 5, period: daily}\n",
            "2:22: budgets[0].scope: scope must be one of organisation, tenant, user, api_key, deployment; got team"),
        Arguments.of("a model price without an output price",
            "prices:\n  models:\n    - {model: my-llm, input: 1.0}\n",
            "3:7: prices.models[0].output: output (dollars per million output tokens) is required"),
        Arguments.of("a price file that is not there",
            "prices:\n  files: [no-such-prices.yml]\n",
            "2:11: prices.files[0]: no such price catalog file "),
        Arguments.of("a key indented off its siblings",
            "server:\n  port: 9710\n data_dir: /data\n",
            "3:2: server.port: this line is not indented like the keys above it"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void eachMistakeNamesLineColumnKeyAndCause(String what, String yaml, String expected) throws Exception {
    Path file = dir.resolve("loupe.yml");
    Files.writeString(file, yaml);
    LoupeCommandTest.Run r = LoupeCommandTest.run("check", "--config", file.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    if (expected.endsWith("no such price catalog file ")) {
      assertThat(r.err().strip()).isEqualTo(file + ":" + expected + dir.resolve("no-such-prices.yml"));
    } else if (expected.endsWith("(built-in rules: ")) {
      assertThat(r.err().strip()).startsWith(file + ":" + expected).contains("GpuTemperatureHigh");
    } else {
      assertThat(r.err().strip()).isEqualTo(file + ":" + expected);
    }
  }
}
