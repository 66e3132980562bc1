package dev.loupe.cli;

import dev.loupe.ingest.prometheus.exposition.ExpositionFormat;
import dev.loupe.ingest.prometheus.exposition.ExpositionHandler;
import dev.loupe.ingest.prometheus.exposition.ExpositionParseException;
import dev.loupe.ingest.prometheus.exposition.ExpositionParser;
import dev.loupe.ingest.prometheus.exposition.MetricType;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loupe check metrics < FILE}: validates an exposition like {@code promtool check metrics}. */
@Command(
    name = "metrics",
    mixinStandardHelpOptions = true,
    description = {
      "Validate a metrics exposition read from standard input.",
      "Prints the sample and family counts, or line:column: reason of the first fault and exits 1."
    })
final class CheckMetricsCommand implements Callable<Integer> {
  /** The two formats by the names users type. */
  enum Format {
    text(ExpositionFormat.PROMETHEUS_TEXT),
    openmetrics(ExpositionFormat.OPENMETRICS);

    final ExpositionFormat format;

    Format(ExpositionFormat format) {
      this.format = format;
    }
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text (Prometheus 0.0.4) or openmetrics (1.0, checked against the whole specification). Default: ${DEFAULT-VALUE}.")
  Format format;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    byte[] body;
    try {
      body = System.in.readAllBytes();
    } catch (IOException e) {
      err.println("cannot read standard input: " + e.getMessage());
      err.flush();
      return 1;
    }
    Counter counter = new Counter();
    try {
      ExpositionParser.of(format.format).parse(body, 0, body.length, counter);
    } catch (ExpositionParseException e) {
      err.println(e.getMessage());
      err.flush();
      return 1;
    }
    out.println("ok: " + counter.samples + (counter.samples == 1 ? " sample" : " samples") + " in "
        + counter.families.size() + (counter.families.size() == 1 ? " family" : " families"));
    out.flush();
    return 0;
  }

  /** Counts samples and the distinct families they or their metadata name. */
  private static final class Counter implements ExpositionHandler {
    long samples;
    final Set<String> families = new HashSet<>();

    @Override
    public void type(String family, MetricType type) {
      families.add(family);
    }

    @Override
    public void help(String family, String help) {
      families.add(family);
    }

    @Override
    public void unit(String family, String unit) {
      families.add(family);
    }

    @Override
    public void sample(String family, MetricType type, String name, String[] labels, int labelCount, double value,
        long timestampMillis) {
      samples++;
      families.add(family);
    }
  }
}
