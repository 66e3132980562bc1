package dev.loupe.cli;

import dev.loupe.loadgen.IngestLoadGenerator;
import dev.loupe.loadgen.OtlpTraceBodies;
import dev.loupe.server.LoupeServer;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loupe bench otlp}: POSTs OTLP/HTTP protobuf trace exports over loopback and prints
 * spans/s and acknowledgement latency. Without {@code --url} it starts its own server.
 */
@Command(name = "otlp", mixinStandardHelpOptions = true,
    description = "Measure OTLP/HTTP trace ingest: spans/s accepted and ack latency P50/P99.")
final class OtlpBenchCommand implements Callable<Integer> {
  @Option(names = "--url", description = "A running Loupe's OTLP/HTTP traces URL. Default: start one in this process.")
  URI url;

  @Option(names = "--spans", defaultValue = "2000000", description = "Spans to send. Default: ${DEFAULT-VALUE}")
  long spans;

  @Option(names = "--batch", defaultValue = "512", description = "Spans per export. Default: ${DEFAULT-VALUE}")
  int batch;

  @Option(names = "--concurrency", defaultValue = "4", description = "Connections sending at once. Default: ${DEFAULT-VALUE}")
  int concurrency;

  @Option(names = "--warmup", defaultValue = "300000", description = "Spans sent first and not measured. Default: ${DEFAULT-VALUE}")
  long warmup;

  @Override
  public Integer call() throws Exception {
    LoupeServer server = url == null ? BenchRun.localServer() : null;
    URI target = server == null ? url : URI.create("http://127.0.0.1:" + server.otlpHttpPort() + "/v1/traces");
    try {
      IngestLoadGenerator load = new IngestLoadGenerator(target, "application/x-protobuf",
          OtlpTraceBodies.build(32, batch, System.currentTimeMillis()), batch, concurrency);
      return BenchRun.measure(load, warmup, spans, "spans", batch, concurrency);
    } finally {
      if (server != null) server.close();
    }
  }
}
