package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2xx means durable: a real server process is killed with SIGKILL while clients are sending,
 * and every batch it acknowledged is there when the store is opened again.
 */
class CrashRecoveryTest {
  static final int BATCH = 200;

  @TempDir Path dir;

  @Test
  void killMinusNineLosesNothingAcknowledged() throws Exception {
    killWhileSending();
  }

  /**
   * The same with the store checkpointing in the background all the time (a 256 KB WAL threshold),
   * so the kill lands while groups go to the checkpoint spill or are being moved back.
   */
  @Test
  void killMinusNineDuringBackgroundCheckpointsLosesNothingAcknowledged() throws Exception {
    killWhileSending("-Dloupe.store.checkpoint_wal_bytes=262144");
  }

  private void killWhileSending(String... jvmArgs) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = dir.resolve("server.log");
    // Free OTLP ports too: the defaults (4317, 4318) may be taken by another Loupe on the machine.
    Path config = java.nio.file.Files.writeString(dir.resolve("loupe.yml"), "otlp: {http_port: 0, grpc_port: 0}\n");
    Process server =
        new ProcessBuilder(command(jvmArgs, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "dev.loupe.cli.LoupeCommand", "serve", "--config", config.toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--data-dir", dir.resolve("data").toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    URI base = URI.create("http://127.0.0.1:" + port + "/");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    try {
      awaitReady(http, base, server, log);
      AtomicInteger acknowledged = new AtomicInteger();
      AtomicInteger sent = new AtomicInteger();
      List<Thread> senders = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        final int thread = t;
        Thread sender = new Thread(() -> {
          for (int b = 0; b < 1000; b++) {
            sent.incrementAndGet();
            try {
              HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("api/v1/inferences"))
                  .POST(HttpRequest.BodyPublishers.ofString(batch(thread, b))).build(),
                  HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() == 200) acknowledged.incrementAndGet();
            } catch (IOException e) {
              return; // the server is gone
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        sender.start();
        senders.add(sender);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (acknowledged.get() < 30 && System.nanoTime() < deadline && server.isAlive()) {
        Thread.onSpinWait();
      }
      server.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
      server.waitFor();
      for (Thread s : senders) s.join();
      int acked = acknowledged.get();
      assertThat(acked).as("the server acknowledged batches before the kill").isGreaterThanOrEqualTo(30);

      MutableClock clock = new MutableClock(Instant.now());
      try (TestServer reopened = TestServer.start(dir.resolve("data"), clock)) {
        int stored = reopened.get("api/v1/inferences?start=2020-01-01T00:00:00Z&limit=100000").json().get("data").size();
        assertThat(stored).as("rows stored (acknowledged %d batches of %d, sent %d)", acked, BATCH, sent.get())
            .isGreaterThanOrEqualTo(acked * BATCH)
            .isLessThanOrEqualTo(sent.get() * BATCH);
      }
    } finally {
      server.destroyForcibly();
    }
  }

  /** The java executable, then {@code jvmArgs}, then the rest. */
  private static List<String> command(String[] jvmArgs, String java, String... rest) {
    List<String> out = new ArrayList<>();
    out.add(java);
    out.addAll(List.of(jvmArgs));
    out.addAll(List.of(rest));
    return out;
  }

  private static void awaitReady(HttpClient http, URI base, Process server, Path log) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new AssertionError("server exited: " + java.nio.file.Files.readString(log));
      }
      try {
        if (http.send(HttpRequest.newBuilder(base.resolve("readyz")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(50);
    }
    throw new AssertionError("server not ready within 60 s: " + java.nio.file.Files.readString(log));
  }

  private static String batch(int thread, int b) {
    long now = System.currentTimeMillis();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < BATCH; i++) {
      sb.append("{\"timestamp\":").append(now).append(",\"deployment\":\"d\",\"model\":\"m\",\"request_id\":\"")
          .append(thread).append('-').append(b).append('-').append(i).append("\",\"latency_ms\":100}\n");
    }
    return sb.toString();
  }
}
