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
