package dev.loupe.cli;

import dev.loupe.loadgen.IngestLoadGenerator;
import dev.loupe.server.LoupeServer;
import java.net.URI;
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
    LoupeServer server = url == null ? BenchRun.localServer() : null;
    URI target = server == null ? url : server.baseUri();
    try {
      return BenchRun.measure(new IngestLoadGenerator(target, batch, concurrency, System.currentTimeMillis()),
          warmup, events, "events", batch, concurrency);
    } finally {
      if (server != null) server.close();
    }
  }
}
