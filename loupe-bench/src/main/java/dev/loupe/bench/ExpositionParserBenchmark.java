package dev.loupe.bench;

import dev.loupe.ingest.prometheus.exposition.ExpositionHandler;
import dev.loupe.ingest.prometheus.exposition.ExpositionParseException;
import dev.loupe.ingest.prometheus.exposition.MetricType;
import dev.loupe.ingest.prometheus.exposition.OpenMetricsParser;
import dev.loupe.ingest.prometheus.exposition.PrometheusTextParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing whole scrapes with the exposition parsers (ops = samples, so the score is samples/s on
 * one thread). The inputs are real scrapes: dcgm-exporter on an NVIDIA L4, and the two files
 * Prometheus benchmarks its own parsers on.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class ExpositionParserBenchmark {
  static final int DCGM_SAMPLES = 23;
  static final int ALLTYPES_TEXT_SAMPLES = 1857;
  static final int ALLTYPES_OPENMETRICS_SAMPLES = 53;

  byte[] dcgm;
  byte[] alltypesText;
  byte[] alltypesOpenMetrics;
  final PrometheusTextParser text = new PrometheusTextParser();
  // The file has negative _sum and quantile values, which Go clients write and the spec forbids.
  final OpenMetricsParser openMetrics = new OpenMetricsParser(OpenMetricsParser.Strictness.ALLOW_NEGATIVE_OBSERVATIONS);
  final CountingHandler handler = new CountingHandler();

  @Setup
  public void setUp() throws ExpositionParseException {
    dcgm = resource("dcgm-exporter-nvidia-l4.prom");
    alltypesText = resource("prometheus-bench-alltypes.237mfs.prom.txt");
    alltypesOpenMetrics = resource("prometheus-bench-alltypes.5mfs.om.txt");
    expectSamples(DCGM_SAMPLES, textDcgm());
    expectSamples(ALLTYPES_TEXT_SAMPLES, textAlltypes());
    expectSamples(ALLTYPES_OPENMETRICS_SAMPLES, openMetricsAlltypes());
  }

  @Benchmark
  @OperationsPerInvocation(DCGM_SAMPLES)
  public long textDcgm() throws ExpositionParseException {
    handler.samples = 0;
    text.parse(dcgm, 0, dcgm.length, handler);
    return handler.samples;
  }

  @Benchmark
  @OperationsPerInvocation(ALLTYPES_TEXT_SAMPLES)
  public long textAlltypes() throws ExpositionParseException {
    handler.samples = 0;
    text.parse(alltypesText, 0, alltypesText.length, handler);
    return handler.samples;
  }

  @Benchmark
  @OperationsPerInvocation(ALLTYPES_OPENMETRICS_SAMPLES)
  public long openMetricsAlltypes() throws ExpositionParseException {
    handler.samples = 0;
    openMetrics.parse(alltypesOpenMetrics, 0, alltypesOpenMetrics.length, handler);
    return handler.samples;
  }

  /** Touches what a real handler would read, so none of the parsing can be optimised away. */
  static final class CountingHandler implements ExpositionHandler {
    long samples;
    double valueSum;
    int labelChars;

    @Override
    public void sample(String family, MetricType type, String name, String[] labels, int labelCount, double value,
        long timestampMillis) {
      samples++;
      valueSum += value;
      labelChars += labelCount == 0 ? name.length() : labels[2 * labelCount - 1].length();
    }
  }

  private static void expectSamples(int expected, long actual) {
    if (expected != actual) throw new IllegalStateException("expected " + expected + " samples, parsed " + actual);
  }

  private static byte[] resource(String name) {
    try (InputStream in = ExpositionParserBenchmark.class.getResourceAsStream("/exposition/" + name)) {
      if (in == null) throw new IllegalStateException("missing resource /exposition/" + name);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
