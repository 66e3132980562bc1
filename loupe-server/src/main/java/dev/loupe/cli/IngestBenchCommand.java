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

  @Option(names = "--pricing", defaultValue = "on", paramLabel = "on|off|both",
      description = "Price inferences at ingest (the local server's prices.enabled); both: alternate servers without"
          + " and with pricing for --rounds pairs and print the ratio. Default: ${DEFAULT-VALUE}")
  String pricing;

  @Option(names = "--rounds", defaultValue = "2", description = "Pairs of runs with --pricing both. Default: ${DEFAULT-VALUE}")
  int rounds;

  @Override
  public Integer call() throws Exception {
    if (!pricing.equals("on") && !pricing.equals("off") && !pricing.equals("both")) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--pricing must be on, off or both, got " + pricing);
    }
    if (pricing.equals("both")) {
      if (url != null) throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--pricing both starts its own servers; leave out --url");
      return both();
    }
    LoupeServer server = url == null ? BenchRun.localServer(pricing.equals("on")) : null;
    URI target = server == null ? url : server.baseUri();
    try {
      return BenchRun.measure(new IngestLoadGenerator(target, batch, concurrency, System.currentTimeMillis()),
          warmup, events, "events", batch, concurrency);
    } finally {
      if (server != null) server.close();
    }
  }

  /** Alternates fresh servers without and with pricing, so the machine's drift hits both alike. */
  private int both() throws Exception {
    double[] sum = new double[2];
    double[] cpu = new double[2];
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    int failed = 0;
    for (int round = 0; round < rounds; round++) {
      for (int on = 0; on < 2; on++) {
        System.out.println("pricing=" + (on == 1 ? "on" : "off") + " round=" + (round + 1));
        LoupeServer server = BenchRun.localServer(on == 1);
        try {
          IngestLoadGenerator load =
              new IngestLoadGenerator(server.baseUri(), batch, concurrency, System.currentTimeMillis());
          if (warmup > 0) load.run(warmup);
          // The process's CPU per event (server and load generator alike in both arms) is far
          // steadier than events/s on a shared machine.
          long cpu0 = os.getProcessCpuTime();
          IngestLoadGenerator.Result r = BenchRun.run(load, 0, events, "events", batch, concurrency);
          double cpuPerEvent = (os.getProcessCpuTime() - cpu0) / (double) r.events();
          System.out.printf(java.util.Locale.ROOT, "process_cpu_per_event=%.0f ns%n", cpuPerEvent);
          cpu[on] += cpuPerEvent;
          sum[on] += r.eventsPerSecond();
          failed += r.failed();
        } finally {
          server.close();
        }
      }
    }
    System.out.printf(java.util.Locale.ROOT, "mean events/s: pricing off %.0f, on %.0f, on/off %.3f%n",
        sum[0] / rounds, sum[1] / rounds, sum[1] / sum[0]);
    System.out.printf(java.util.Locale.ROOT,
        "mean process CPU per event: pricing off %.0f ns, on %.0f ns, on/off %.3f%n",
        cpu[0] / rounds, cpu[1] / rounds, cpu[1] / cpu[0]);
    return failed == 0 ? 0 : 1;
  }
}
