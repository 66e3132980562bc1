package dev.loupe.cli;

import dev.loupe.loadgen.IngestLoadGenerator;
import dev.loupe.server.LoupeConfig;
import dev.loupe.server.LoupeServer;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Locale;

/** What the load benchmarks share: a throwaway local server, and one measured run printed the same way. */
final class BenchRun {
  private BenchRun() {}

  /** A server on free ports (HTTP and OTLP) with its data in a new temporary directory. */
  static LoupeServer localServer() throws IOException {
    return localServer(true);
  }

  /** The same, pricing inferences at ingest or not ({@code prices.enabled}). */
  static LoupeServer localServer(boolean pricing) throws IOException {
    String dir = Files.createTempDirectory("loupe-bench-").toString();
    long t0 = System.nanoTime();
    LoupeServer server = LoupeServer.start(LoupeConfig.DEFAULTS
        .withServer(new LoupeConfig.Server("127.0.0.1", 0, dir))
        .withOtlp(LoupeConfig.DEFAULTS.otlp().withPorts(0, 0))
        .withPrices(LoupeConfig.DEFAULTS.prices().withEnabled(pricing)), Clock.systemUTC());
    System.out.printf(Locale.ROOT, "server started in %.0f ms (data in %s)%n", (System.nanoTime() - t0) / 1e6, dir);
    return server;
  }

  /** Sends the warm-up, then the measured records; prints throughput and ack latency; exit code. */
  static int measure(IngestLoadGenerator load, long warmup, long records, String unit, int batch, int concurrency)
      throws InterruptedException {
    return run(load, warmup, records, unit, batch, concurrency).failed() == 0 ? 0 : 1;
  }

  /** Sends the warm-up, then a steady {@code rate} for {@code seconds}; prints exact ack percentiles; exit code. */
  static int measurePaced(IngestLoadGenerator load, long warmup, double rate, double seconds, String unit, int batch,
      int concurrency) throws InterruptedException {
    if (warmup > 0) load.run(warmup);
    double load1 = loadAverage();
    IngestLoadGenerator.PacedResult r = load.runPaced(rate, seconds);
    System.out.printf(Locale.ROOT,
        "paced target=%.0f %s/s for %.0f s, batch=%d concurrency=%d requests=%d failed=%d late_sends=%d%n"
            + "throughput=%.0f %s/s ack_p50=%.1f ms ack_p99=%.1f ms ack_p99.9=%.1f ms ack_max=%.1f ms"
            + " acks_over_200ms=%d load_average=%.2f..%.2f%n",
        rate, unit, seconds, batch, concurrency, r.requests(), r.failed(), r.lateSends(), r.eventsPerSecond(), unit,
        r.ackP50Ms(), r.ackP99Ms(), r.ackP999Ms(), r.ackMaxMs(), r.slowAcks().size(), load1, loadAverage());
    // Acks over 200 ms per 10 s of the run (window start in s: count, worst ms), to set beside the
    // server's log of background checkpoints (epoch ms) and see whether they coincide.
    System.out.printf(Locale.ROOT, "run started at epoch ms %d; acks over 200 ms by 10 s window:%n", r.startEpochMillis());
    java.util.TreeMap<Integer, double[]> windows = new java.util.TreeMap<>();
    for (double[] slow : r.slowAcks()) {
      double[] w = windows.computeIfAbsent((int) (slow[0] / 10) * 10, k -> new double[2]);
      w[0]++;
      w[1] = Math.max(w[1], slow[1]);
    }
    StringBuilder line = new StringBuilder();
    windows.forEach((t, w) -> line.append(String.format(Locale.ROOT, " %ds:%.0fx%.0fms", t, w[0], w[1])));
    System.out.println(line.length() == 0 ? " none" : line);
    return r.failed() == 0 ? 0 : 1;
  }

  /** The machine's one-minute load average (the figures depend on it), NaN where unknown. */
  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** {@link #measure}, answering the measured run. */
  static IngestLoadGenerator.Result run(IngestLoadGenerator load, long warmup, long records, String unit, int batch,
      int concurrency) throws InterruptedException {
    if (warmup > 0) load.run(warmup);
    IngestLoadGenerator.Result r = load.run(records);
    System.out.printf(Locale.ROOT,
        "%s=%d batch=%d concurrency=%d requests=%d failed=%d seconds=%.2f%n"
            + "throughput=%.0f %s/s ack_p50=%.1f ms ack_p99=%.1f ms ack_max=%.1f ms%n",
        unit, r.events(), batch, concurrency, r.requests(), r.failed(), r.seconds(), r.eventsPerSecond(), unit,
        r.ackP50Ms(), r.ackP99Ms(), r.ackMaxMs());
    return r;
  }
}
