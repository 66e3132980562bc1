package dev.loupe.cli;

import dev.loupe.loadgen.IngestLoadGenerator;
import dev.loupe.loadgen.OtlpTraceBodies;
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
    LoupeServer server = null;
    URI target = url;
    if (target == null) {
      String dir = Files.createTempDirectory("loupe-bench-").toString();
      server = LoupeServer.start(LoupeConfig.DEFAULTS.withServer(new LoupeConfig.Server("127.0.0.1", 0, dir))
          .withOtlp(new LoupeConfig.Otlp(0, 0)), Clock.systemUTC());
      target = URI.create("http://127.0.0.1:" + server.otlpHttpPort() + "/v1/traces");
    }
    try {
      IngestLoadGenerator load = new IngestLoadGenerator(target, "application/x-protobuf",
          OtlpTraceBodies.build(32, batch, System.currentTimeMillis()), batch, concurrency);
      if (warmup > 0) load.run(warmup);
      IngestLoadGenerator.Result r = load.run(spans);
      System.out.printf(Locale.ROOT,
          "spans=%d batch=%d concurrency=%d requests=%d failed=%d seconds=%.2f%n"
              + "throughput=%.0f spans/s ack_p50=%.1f ms ack_p99=%.1f ms ack_max=%.1f ms%n",
          r.events(), batch, concurrency, r.requests(), r.failed(), r.seconds(), r.eventsPerSecond(),
          r.ackP50Ms(), r.ackP99Ms(), r.ackMaxMs());
      return r.failed() == 0 ? 0 : 1;
    } finally {
      if (server != null) server.close();
    }
  }
}
