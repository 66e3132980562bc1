package dev.loupe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckMetricsCommandTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  /** Runs {@code loupe ARGS < stdin} in-process, capturing what it prints. */
  static Run run(byte[] stdin, String... args) {
    InputStream oldIn = System.in;
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setIn(new ByteArrayInputStream(stdin));
    System.setOut(new PrintStream(out, true));
    System.setErr(new PrintStream(err, true));
    try {
      CommandLine cl = LoupeCommand.commandLine();
      int code = cl.execute(args);
      cl.getOut().flush();
      cl.getErr().flush();
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setIn(oldIn);
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  static Run run(String stdin, String... args) {
    return run(stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  static byte[] fixture(String name) throws Exception {
    try (InputStream in = CheckMetricsCommandTest.class.getResourceAsStream("/fixtures/prometheus/" + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void acceptsAValidTextExposition() throws Exception {
    Run r = run(fixture("dcgm-exporter-nvidia-l4.prom"), "check", "metrics");
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("ok: 23 samples in 23 families" + System.lineSeparator());
    assertThat(r.err()).isEmpty();

    Run explicit = run(fixture("prometheus-bench-alltypes.237mfs.prom.txt"), "check", "metrics", "--format", "text");
    assertThat(explicit.code()).isZero();
    assertThat(explicit.out()).startsWith("ok: 1857 samples in 237 families");
  }

  @Test
  void rejectsABrokenTextExpositionWithLineAndColumn() {
    Run r = run("ok 1\nfoo{a\"b\"} 1\n", "check", "metrics");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("2:6: expected '=' after label name a, found '\"'" + System.lineSeparator());
  }

  @Test
  void checksOpenMetricsAgainstTheSpecification() {
    Run ok = run("# TYPE a counter\n# HELP a help\na_total 1\n# EOF\n", "check", "metrics", "--format", "openmetrics");
    assertThat(ok.code()).isZero();
    assertThat(ok.out()).startsWith("ok: 1 sample in 1 family");

    Run noEof = run("# TYPE a counter\na_total 1\n", "check", "metrics", "--format", "openmetrics");
    assertThat(noEof.code()).isEqualTo(1);
    assertThat(noEof.err()).startsWith("3:1: missing # EOF");

    Run negative = run("# TYPE a counter\na_total -1\n# EOF\n", "check", "metrics", "--format=OpenMetrics");
    assertThat(negative.code()).isEqualTo(1);
    assertThat(negative.err()).startsWith("2:9: a_total is a counter and cannot be negative");

    // Valid text is not valid OpenMetrics: the formats differ.
    Run text = run("a 1\n", "check", "metrics", "--format", "openmetrics");
    assertThat(text.code()).isEqualTo(1);
  }

  @Test
  void emptyInputIsAValidTextExposition() {
    Run r = run("", "check", "metrics");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("ok: 0 samples in 0 families");
  }

  @Test
  void unknownFormatIsAUsageError() {
    Run r = run("a 1\n", "check", "metrics", "--format", "json");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--format").contains("text").contains("openmetrics");
  }

  @Test
  void checkConfigStillWorksBesideTheSubcommand() throws Exception {
    Path good = dir.resolve("good.yml");
    Files.writeString(good, "server:\n  port: 9000\n");
    Run ok = run("", "check", "--config", good.toString());
    assertThat(ok.code()).isZero();
    assertThat(ok.out()).contains("ok").contains("9000");

    Run missing = run("", "check");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("Missing required option: '--config=FILE'");

    Run help = run("", "check", "metrics", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("Usage: loupe check metrics").contains("--format");
    assertThat(run("", "check", "--help").out()).contains("metrics").contains("--config");
  }
}
