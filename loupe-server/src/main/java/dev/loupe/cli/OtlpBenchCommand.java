package dev.loupe.cli;

import dev.loupe.loadgen.IngestLoadGenerator;
import dev.loupe.loadgen.OtlpGrpcTraceSender;
import dev.loupe.loadgen.OtlpTraceBodies;
import dev.loupe.server.LoupeServer;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loupe bench otlp}: sends OTLP trace exports, encoded as protobuf before the clock starts,
 * over loopback (OTLP/HTTP POSTs, or OTLP/gRPC calls on one channel) and prints spans/s and
 * acknowledgement latency. Without {@code --url} it starts its own server.
 */
@Command(name = "otlp", mixinStandardHelpOptions = true,
    description = "Measure OTLP trace ingest over HTTP or gRPC: spans/s accepted and ack latency P50/P99.")
final class OtlpBenchCommand implements Callable<Integer> {
  /** Named as typed on the command line. */
  enum Protocol { http, grpc }

  @Option(names = "--protocol", defaultValue = "http",
      description = "http (POST /v1/traces, protobuf) or grpc (TraceService/Export). Default: ${DEFAULT-VALUE}")
  Protocol protocol;

  @Option(names = "--url", description = "A running Loupe's OTLP/HTTP traces URL (http://host:4318/v1/traces), or "
      + "with --protocol grpc its OTLP/gRPC address (http://host:4317). Default: start one in this process.")
  URI url;

  @Option(names = "--spans", defaultValue = "2000000", description = "Spans to send. Default: ${DEFAULT-VALUE}")
  long spans;

  @Option(names = "--batch", defaultValue = "512", description = "Spans per export. Default: ${DEFAULT-VALUE}")
  int batch;

  @Option(names = "--concurrency", defaultValue = "4",
      description = "Exports in flight at once: HTTP connections, or gRPC streams on one channel. Default: ${DEFAULT-VALUE}")
  int concurrency;

  @Option(names = "--warmup", defaultValue = "300000", description = "Spans sent first and not measured. Default: ${DEFAULT-VALUE}")
  long warmup;

  @Option(names = "--rate", description = "Send at this steady rate (spans/s) for --duration instead of as fast as "
      + "acks come back; prints exact ack P50/P99/P99.9/max and every ack over 200 ms.")
  Double rate;

  @Option(names = "--duration", defaultValue = "600", description = "Seconds of a --rate run. Default: ${DEFAULT-VALUE}")
  double duration;

  @Override
  public Integer call() throws Exception {
    LoupeServer server = url == null ? BenchRun.localServer() : null;
    List<byte[]> bodies = OtlpTraceBodies.build(32, batch, System.currentTimeMillis());
    try {
      if (protocol == Protocol.grpc) {
        URI target = server == null ? url : URI.create("http://127.0.0.1:" + server.otlpGrpcPort());
        try (OtlpGrpcTraceSender sender = new OtlpGrpcTraceSender(target.getHost(), target.getPort())) {
          IngestLoadGenerator load = new IngestLoadGenerator(sender, bodies, batch, concurrency);
          return rate != null ? BenchRun.measurePaced(load, warmup, rate, duration, "spans", batch, concurrency)
              : BenchRun.measure(load, warmup, spans, "spans", batch, concurrency);
        }
      }
      URI target = server == null ? url : URI.create("http://127.0.0.1:" + server.otlpHttpPort() + "/v1/traces");
      IngestLoadGenerator load = new IngestLoadGenerator(target, "application/x-protobuf", bodies, batch, concurrency);
      return rate != null ? BenchRun.measurePaced(load, warmup, rate, duration, "spans", batch, concurrency)
          : BenchRun.measure(load, warmup, spans, "spans", batch, concurrency);
    } finally {
      if (server != null) server.close();
    }
  }
}
