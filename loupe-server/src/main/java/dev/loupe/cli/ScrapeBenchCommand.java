package dev.loupe.cli;

import dev.loupe.loadgen.DcgmTargetFarm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loupe bench scrape}: Loupe and Debian's Prometheus scrape the same farm of
 * dcgm-exporter look-alikes side by side; prints each one's CPU seconds per million samples and
 * resident memory per active series, and the ratios. Both run as child processes so their CPU
 * and memory are read from {@code /proc} apart from the farm's.
 */
@Command(name = "scrape", mixinStandardHelpOptions = true,
    description = "Loupe vs Prometheus scraping the same dcgm-style targets: CPU per sample, memory per series.")
final class ScrapeBenchCommand implements Callable<Integer> {
  @Option(names = "--targets", defaultValue = "200", description = "Targets. Default: ${DEFAULT-VALUE}")
  int targets;

  @Option(names = "--gpus", defaultValue = "8", description = "GPUs per target. Default: ${DEFAULT-VALUE}")
  int gpus;

  @Option(names = "--interval", defaultValue = "15", description = "Scrape interval in seconds. Default: ${DEFAULT-VALUE}")
  int intervalSeconds;

  @Option(names = "--warmup", defaultValue = "60", description = "Seconds before measuring. Default: ${DEFAULT-VALUE}")
  int warmupSeconds;

  @Option(names = "--duration", defaultValue = "300", description = "Seconds measured. Default: ${DEFAULT-VALUE}")
  int durationSeconds;

  @Option(names = "--prometheus", defaultValue = "/usr/bin/prometheus", description = "Prometheus binary. Default: ${DEFAULT-VALUE}")
  Path prometheus;

  @Option(names = "--loupe-jvm-args", defaultValue = "", description = "Extra JVM options for the Loupe child, e.g. -Xmx512m.")
  String jvmArgs;

  @Option(names = "--histogram", description = "After measuring, print the Loupe child's live-object histogram"
      + " (jcmd GC.class_histogram, top 40 classes) and its native memory summary if started with"
      + " -XX:NativeMemoryTracking=summary: where the bytes per series go.")
  boolean histogram;

  @Override
  public Integer call() throws Exception {
    if (!Files.isExecutable(prometheus)) {
      System.err.println(prometheus + " not found: apt-get install prometheus");
      return 2;
    }
    Path dir = Files.createTempDirectory("loupe-scrape-bench-");
    try (DcgmTargetFarm farm = new DcgmTargetFarm(targets, gpus)) {
      String targetList = String.join("', '", farm.targets());
      String scrape = "scrape_configs:\n  - job_name: dcgm\n    scrape_interval: " + intervalSeconds + "s\n"
          + "    static_configs:\n      - targets: ['" + targetList + "']\n";
      int loupePort = freePort();
      int promPort = freePort();
      Files.writeString(dir.resolve("loupe.yml"),
          "server:\n  host: 127.0.0.1\n  port: " + loupePort + "\n  data_dir: " + dir.resolve("loupe-data") + "\n" + scrape);
      Files.writeString(dir.resolve("prometheus.yml"), scrape);

      List<String> loupeCmd = new ArrayList<>();
      loupeCmd.add(ProcessHandle.current().info().command().orElse("java"));
      for (String a : jvmArgs.split("\\s+")) if (!a.isBlank()) loupeCmd.add(a);
      loupeCmd.addAll(List.of("-jar", ownJar().toString(), "serve", "--config", dir.resolve("loupe.yml").toString()));
      Process loupe = start(loupeCmd, dir.resolve("loupe.log"));
      Process prom = start(List.of(prometheus.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
          "--storage.tsdb.path=" + dir.resolve("prom-data"), "--web.listen-address=127.0.0.1:" + promPort),
          dir.resolve("prometheus.log"));
      try {
        System.out.printf(Locale.ROOT, "%d targets x %d GPUs (%d samples per scrape), interval %ds; warmup %ds, measuring %ds%n",
            targets, gpus, farm.samplesPerTarget(), intervalSeconds, warmupSeconds, durationSeconds);
        TimeUnit.SECONDS.sleep(warmupSeconds);
        long loupeCpu0 = cpuTicks(loupe.pid());
        long promCpu0 = cpuTicks(prom.pid());
        long loupePages0 = farm.pagesServedTo("Loupe");
        long promPages0 = farm.pagesServedTo("Prometheus");
        TimeUnit.SECONDS.sleep(durationSeconds);
        double loupeCpu = (cpuTicks(loupe.pid()) - loupeCpu0) / 100.0;
        double promCpu = (cpuTicks(prom.pid()) - promCpu0) / 100.0;
        long loupeSamples = (farm.pagesServedTo("Loupe") - loupePages0) * farm.samplesPerTarget();
        long promSamples = (farm.pagesServedTo("Prometheus") - promPages0) * farm.samplesPerTarget();
        long series = (long) targets * farm.samplesPerTarget();
        long loupeRss = rssBytes(loupe.pid());
        long promRss = rssBytes(prom.pid());
        double loupePerM = loupeCpu / (loupeSamples / 1e6);
        double promPerM = promCpu / (promSamples / 1e6);
        System.out.printf(Locale.ROOT, "%-10s %10s %12s %16s %10s %16s%n", "", "cpu_s", "samples", "cpu_s_per_1M", "rss_MiB", "rss_bytes/series");
        System.out.printf(Locale.ROOT, "%-10s %10.2f %12d %16.2f %10.1f %16.0f%n", "loupe", loupeCpu, loupeSamples,
            loupePerM, loupeRss / 1048576.0, (double) loupeRss / series);
        System.out.printf(Locale.ROOT, "%-10s %10.2f %12d %16.2f %10.1f %16.0f%n", "prometheus", promCpu, promSamples,
            promPerM, promRss / 1048576.0, (double) promRss / series);
        System.out.printf(Locale.ROOT, "ratio loupe/prometheus: cpu per sample %.2f, memory per series %.2f (active series %d)%n",
            loupePerM / promPerM, (double) loupeRss / promRss, series);
        if (histogram) {
          // After the RSS was read: the histogram's full collection may shrink the heap.
          jcmd(loupe.pid(), "VM.native_memory", "summary");
          jcmd(loupe.pid(), "GC.class_histogram");
        }
        return 0;
      } finally {
        loupe.destroy();
        prom.destroy();
        loupe.waitFor(30, TimeUnit.SECONDS);
        prom.waitFor(30, TimeUnit.SECONDS);
        System.out.println("logs and data in " + dir);
      }
    }
  }

  /** Prints the first 50 lines of a {@code jcmd} diagnostic of the process. */
  private static void jcmd(long pid, String... command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
    p.waitFor(60, TimeUnit.SECONDS);
    lines.stream().limit(50).forEach(System.out::println);
  }

  private static Process start(List<String> cmd, Path log) throws IOException {
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** utime + stime of a process, in clock ticks (100 per second on Linux). */
  static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  static long rssBytes(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
    }
    throw new IOException("no VmRSS for " + pid);
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Path ownJar() throws Exception {
    return Path.of(ScrapeBenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

}
