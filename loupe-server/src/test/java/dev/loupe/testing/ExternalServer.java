package dev.loupe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real server from Debian's packages (prometheus, prometheus-node-exporter…) started on a free
 * loopback port for one test and stopped after it. A missing binary fails the test with the
 * command that installs it; it never skips.
 */
public final class ExternalServer implements AutoCloseable {
  private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();
  private final Process process;
  private final Path log;
  private final int port;
  private final String name;

  private ExternalServer(String name, Process process, Path log, int port) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** The binary's path, or an AssertionError saying which package to install. */
  public static Path binary(String command, String debianPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir, command);
      if (Files.isExecutable(p)) return p;
    }
    for (String dir : List.of("/usr/bin", "/usr/sbin", "/usr/local/bin")) {
      Path p = Path.of(dir, command);
      if (Files.isExecutable(p)) return p;
    }
    throw new AssertionError(command + " is not installed; this test needs the real one: "
        + "sudo apt-get install -y " + debianPackage + " (bash .ci/run installs it)");
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts {@code command args…} in {@code workDir}; {@code readyPath} is polled on {@code port}
   * until it answers 200.
   */
  public static ExternalServer start(Path binary, List<String> args, Path workDir, int port, String readyPath) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    cmd.addAll(args);
    Path log = workDir.resolve(binary.getFileName() + ".log");
    Process p;
    try {
      p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + cmd, e);
    }
    ExternalServer server = new ExternalServer(binary.getFileName().toString(), p, log, port);
    server.awaitReady(readyPath, Duration.ofSeconds(60));
    return server;
  }

  public int port() {
    return port;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** The process's output so far, for failure messages. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private void awaitReady(String path, Duration limit) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) return;
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      Polling.pause();
    }
    close();
    throw new AssertionError(name + " was not ready within " + limit + ":\n" + log());
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The body of {@code GET path} on this server. */
  public String get(String path) {
    try {
      return HTTP.send(java.net.http.HttpRequest.newBuilder(uri(path)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The result of a PromQL instant query ({@code /api/v1/query}), for a Prometheus server. */
  public com.fasterxml.jackson.databind.JsonNode promQuery(String promql) {
    try {
      return TestServer.JSON.readTree(get("/api/v1/query?query="
          + java.net.URLEncoder.encode(promql, java.nio.charset.StandardCharsets.UTF_8))).at("/data/result");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
