package dev.loupe.cli;

import dev.loupe.loadgen.IngestLoadGenerator;
import dev.loupe.server.LoupeConfig;
import dev.loupe.server.LoupeServer;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loupe bench ingest}: POSTs inference events over loopback and prints events/s and
 * acknowledgement latency. Without {@code --url} it starts its own server on a temporary data
 * directory (and reports how long that took).
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Measure end-to-end ingest: events/s accepted and ack latency P50/P99.")
final class IngestBenchCommand implements Callable<Integer> {
  @Option(names = "--url", description = "A running Loupe to load. Default: start one in this process.")
  URI url;

  @Option(names = "--events", defaultValue = "1000000", description = "Events to send. Default: ${DEFAULT-VALUE}")
  long events;

  @Option(names = "--batch", defaultValue = "1000", description = "Events per request. Default: ${DEFAULT-VALUE}")
  int batch;

  @Option(names = "--concurrency", defaultValue = "8", description = "Connections sending at once. Default: ${DEFAULT-VALUE}")
  int concurrency;

  @Option(names = "--warmup", defaultValue = "200000", description = "Events sent first and not measured. Default: ${DEFAULT-VALUE}")
  long warmup;

  @Override
  public Integer call() throws Exception {
    LoupeServer server = null;
    URI target = url;
    if (target == null) {
      String dir = Files.createTempDirectory("loupe-bench-").toString();
      long t0 = System.nanoTime();
      server = LoupeServer.start(
          LoupeConfig.DEFAULTS.withServer(new LoupeConfig.Server("127.0.0.1", 0, dir)), Clock.systemUTC());
      System.out.printf(Locale.ROOT, "server started in %.0f ms (data in %s)%n", (System.nanoTime() - t0) / 1e6, dir);
      target = server.baseUri();
    }
    try {
      IngestLoadGenerator load = new IngestLoadGenerator(target, batch, concurrency, System.currentTimeMillis());
      if (warmup > 0) load.run(warmup);
      IngestLoadGenerator.Result r = load.run(events);
      System.out.printf(Locale.ROOT,
          "events=%d batch=%d concurrency=%d requests=%d failed=%d seconds=%.2f%n"
              + "throughput=%.0f events/s ack_p50=%.1f ms ack_p99=%.1f ms ack_max=%.1f ms%n",
          r.events(), batch, concurrency, r.requests(), r.failed(), r.seconds(), r.eventsPerSecond(),
          r.ackP50Ms(), r.ackP99Ms(), r.ackMaxMs());
      return r.failed() == 0 ? 0 : 1;
    } finally {
      if (server != null) server.close();
    }
  }
}
