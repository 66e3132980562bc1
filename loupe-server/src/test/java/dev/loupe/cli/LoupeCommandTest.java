package dev.loupe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.store.RecordType;
import dev.loupe.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LoupeCommandTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  /** Runs a command as main would, capturing what it prints. */
  static Run run(String... args) {
    java.io.PrintStream oldOut = System.out;
    java.io.PrintStream oldErr = System.err;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(out, true));
    System.setErr(new java.io.PrintStream(err, true));
    try {
      // Created after the streams are replaced: picocli writes to System.out/err as they were then.
      CommandLine cl = LoupeCommand.commandLine();
      int code = cl.execute(args);
      cl.getOut().flush();
      cl.getErr().flush();
      return new Run(code, out.toString(), err.toString());
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void versionAndHelpOnEveryCommand() {
    Run v = run("--version");
    assertThat(v.code()).isZero();
    assertThat(v.out()).startsWith("loupe ").contains("Java");
    List<List<String>> commands = List.of(List.of(), List.of("serve"), List.of("demo"), List.of("check"),
        List.of("bench"), List.of("bench", "ingest"), List.of("bench", "scrape"), List.of("bench", "otlp"),
        List.of("check", "metrics"));
    for (List<String> cmd : commands) {
      List<String> withHelp = new java.util.ArrayList<>(cmd);
      withHelp.add("--help");
      String[] args = withHelp.toArray(String[]::new);
      Run h = run(args);
      assertThat(h.code()).as(String.join(" ", args)).isZero();
      assertThat(h.out()).as(String.join(" ", args)).contains("Usage: loupe");
    }
    assertThat(run("serve", "--help").out()).contains("--config").contains("--data-dir").contains("--port");
  }

  @Test
  void checkAcceptsAGoodFileAndRejectsABadOneWithLineAndKey() throws Exception {
    Path good = dir.resolve("good.yml");
    Files.writeString(good, "server:\n  port: 9000\n");
    Run ok = run("check", "--config", good.toString());
    assertThat(ok.code()).isZero();
    assertThat(ok.out()).contains("ok").contains("9000");

    Path bad = dir.resolve("bad.yml");
    Files.writeString(bad, "server:\n  port: 9000\n  data_dri: /x\n");
    Run no = run("check", "--config", bad.toString());
    assertThat(no.code()).isEqualTo(1);
    assertThat(no.err()).contains("bad.yml:3:").contains("server.data_dri").contains("did you mean 'data_dir'");

    Run missing = run("check", "--config", dir.resolve("none.yml").toString());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("no such file");
  }

  @Test
  void unknownOptionIsAUsageError() {
    Run r = run("serve", "--prot", "1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--prot");
  }

  @Test
  void theOtlpBenchSendsOverHttpAndOverGrpc() {
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC())) {
      Run http = run("bench", "otlp", "--url", "http://127.0.0.1:" + loupe.server().otlpHttpPort() + "/v1/traces",
          "--spans", "1024", "--warmup", "0", "--batch", "256", "--concurrency", "2");
      assertThat(http.code()).as(http.out() + http.err()).isZero();
      assertThat(http.out()).contains("spans=1024").contains("requests=4 failed=0").contains("throughput=");
      Run grpc = run("bench", "otlp", "--protocol", "grpc", "--url", "http://127.0.0.1:" + loupe.server().otlpGrpcPort(),
          "--spans", "1024", "--warmup", "0", "--batch", "256", "--concurrency", "2");
      assertThat(grpc.code()).as(grpc.out() + grpc.err()).isZero();
      assertThat(grpc.out()).contains("spans=1024").contains("requests=4 failed=0").contains("ack_p99=");
      assertThat(loupe.server().store().count(RecordType.SPAN)).as("each send gets fresh trace ids; every span is kept")
          .isEqualTo(2048);
    }
  }
}
