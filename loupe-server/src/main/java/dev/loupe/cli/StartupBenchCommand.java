package dev.loupe.cli;

import dev.loupe.loadgen.YearOfHistory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loupe bench startup}: writes a data directory with a year of history (see {@link
 * YearOfHistory}), then starts {@code loupe serve} on it as a child process several times and
 * prints the time from process start to {@code /readyz} answering 200, the child's CPU time and
 * resident memory then, and the machine's load. The directory is deleted afterwards unless {@code --keep}.
 */
@Command(name = "startup", mixinStandardHelpOptions = true,
    description = "Start-up time to /readyz and RSS on a data directory with a year of history.")
final class StartupBenchCommand implements Callable<Integer> {
  @Option(names = "--data-dir", defaultValue = "/tmp/loupe-startup-bench",
      description = "Where the generated store goes (must not exist, unless --reuse). Default: ${DEFAULT-VALUE}")
  Path dataDir;

  @Option(names = "--size-gb", defaultValue = "10", description = "Store size to generate, in GB. Default: ${DEFAULT-VALUE}")
  double sizeGb;

  @Option(names = "--deployments", defaultValue = "315000", description = "Rollouts over the year. Default: ${DEFAULT-VALUE}")
  int deployments;

  @Option(names = "--runs", defaultValue = "3", description = "Starts measured. Default: ${DEFAULT-VALUE}")
  int runs;

  @Option(names = "--reuse", description = "Measure an existing directory made by an earlier --keep run.")
  boolean reuse;

  @Option(names = "--keep", description = "Keep the generated directory afterwards.")
  boolean keep;

  @Option(names = "--loupe-jar", description = "The Loupe jar to start, e.g. an older build to compare. Default: this one.")
  Path loupeJar;

  @Option(names = "--loupe-jvm-args", defaultValue = "", description = "Extra JVM options for the Loupe child, e.g. -Xmx1g.")
  String jvmArgs;

  @Override
  public Integer call() throws Exception {
    YearOfHistory history = new YearOfHistory(dataDir, System.currentTimeMillis(), (long) (sizeGb * 1e9), deployments,
        System.out);
    if (!reuse) {
      if (Files.exists(dataDir)) {
        System.err.println(dataDir + " exists: remove it, or pass --reuse to measure it as it is");
        return 2;
      }
      System.out.printf(Locale.ROOT, "writing a year of history (%,d rollouts, %.1f GB) to %s%n", deployments, sizeGb, dataDir);
      history.write();
    }
    try {
      Path config = dataDir.resolveSibling(dataDir.getFileName() + ".yml");
      int port = freePort();
      Files.writeString(config, "server:\n  host: 127.0.0.1\n  port: " + port + "\n  data_dir: " + dataDir + "\n"
          + "otlp:\n  http_port: " + freePort() + "\n  grpc_port: " + freePort() + "\n"
          + "retention:\n  inference: 400d\n  sample: 400d\n  deployment: 400d\n  rollup: 400d\n");
      System.out.printf(Locale.ROOT, "%-4s %10s %10s %10s %8s%n", "run", "ready_ms", "cpu_s", "rss_MiB", "load1");
      for (int run = 1; run <= runs; run++) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : jvmArgs.split("\\s+")) if (!a.isBlank()) cmd.add(a);
        Path jar = loupeJar != null ? loupeJar : ownJar();
        cmd.addAll(List.of("-jar", jar.toString(), "serve", "--config", config.toString()));
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-run" + run + ".log");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
          long readyNanos = awaitReady(URI.create("http://127.0.0.1:" + port + "/readyz"), p, t0);
          // CPU seconds too: on a shared machine the wall time says as much about the neighbours.
          System.out.printf(Locale.ROOT, "%-4d %10.0f %10.2f %10.1f %8s%n", run, readyNanos / 1e6,
              ScrapeBenchCommand.cpuTicks(p.pid()) / 100.0, ScrapeBenchCommand.rssBytes(p.pid()) / 1048576.0,
              Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } finally {
          p.destroy();
          if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        System.out.println("     log: " + log);
      }
      Files.deleteIfExists(config);
      return 0;
    } finally {
      if (!keep) {
        delete(dataDir);
        System.out.println("deleted " + dataDir);
      }
    }
  }

  /** Nanoseconds from {@code t0} to the first 200 from {@code /readyz}; bounded to ten minutes. */
  private static long awaitReady(URI readyz, Process p, long t0) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest req = HttpRequest.newBuilder(readyz).timeout(Duration.ofSeconds(2)).GET().build();
    long deadline = t0 + TimeUnit.MINUTES.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) throw new IOException("loupe exited with " + p.exitValue() + " before it was ready");
      try {
        if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return System.nanoTime() - t0;
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(20);
    }
    throw new IOException("loupe was not ready within 10 minutes");
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
    }
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Path ownJar() throws Exception {
    return Path.of(StartupBenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
