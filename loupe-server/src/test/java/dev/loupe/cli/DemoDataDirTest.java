package dev.loupe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.testing.Polling;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loupe demo} run as its own process, as a user runs it: the temporary data directory it
 * makes is gone after {@code --exit-after} and after SIGTERM; a {@code --data-dir} is kept.
 */
class DemoDataDirTest {
  @TempDir Path dir;
  Process demo;
  final List<String> output = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    if (demo != null && demo.isAlive()) {
      demo.destroyForcibly();
      demo.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Starts {@code loupe demo} with its temporary files under {@code tmp} and loopback ports picked free. */
  Process start(Path tmp, String... args) throws IOException {
    Files.createDirectories(tmp);
    Path config = dir.resolve("demo.yml");
    Files.writeString(config, "server:\n  host: 127.0.0.1\n  port: 0\notlp:\n  http_port: 0\n  grpc_port: 0\n");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
        LoupeCommand.class.getName(), "demo", "--config", config.toString(), "--change-after", "1h"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) output.add(line);
      } catch (IOException ended) {
        // the process is gone
      }
    });
    reader.setDaemon(true);
    reader.start();
    demo = p;
    return p;
  }

  static List<Path> demoDirs(Path tmp) throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.filter(p -> p.getFileName().toString().startsWith("loupe-demo-")).toList();
    }
  }

  void awaitRunning(Path tmp) {
    Polling.until(Duration.ofSeconds(60), () -> output.stream().anyMatch(l -> l.contains("simulating chat-prod")),
        () -> "the demo did not start: " + output);
  }

  @Test
  void theTemporaryDataDirIsRemovedAfterExitAfter() throws Exception {
    Path tmp = dir.resolve("tmp");
    Process p = start(tmp, "--exit-after", "2s");
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the demo stops by itself: %s", output).isTrue();
    assertThat(p.exitValue()).as(String.join("\n", output)).isZero();
    assertThat(String.join("\n", output)).contains("(removed when the demo stops)");
    assertThat(demoDirs(tmp)).as("left behind").isEmpty();
  }

  @Test
  void theTemporaryDataDirIsRemovedOnSigterm() throws Exception {
    Path tmp = dir.resolve("tmp");
    Process p = start(tmp);
    awaitRunning(tmp);
    List<Path> running = demoDirs(tmp);
    assertThat(running).hasSize(1);
    assertThat(running.get(0).resolve("loupe.duckdb")).as("the demo keeps its store there").exists();
    p.destroy(); // SIGTERM, as Ctrl-C's SIGINT runs the same shutdown hooks
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(demoDirs(tmp)).as("left behind").isEmpty();
  }

  @Test
  void aGivenDataDirIsKept() throws Exception {
    Path tmp = dir.resolve("tmp");
    Path data = dir.resolve("kept");
    Process p = start(tmp, "--exit-after", "2s", "--data-dir", data.toString());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the demo stops by itself: %s", output).isTrue();
    assertThat(p.exitValue()).as(String.join("\n", output)).isZero();
    assertThat(data.resolve("loupe.duckdb")).exists();
    assertThat(demoDirs(tmp)).as("the unused temporary dir is not left either").isEmpty();
  }
}
