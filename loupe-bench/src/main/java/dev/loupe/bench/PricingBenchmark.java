package dev.loupe.bench;

import dev.loupe.dimension.cost.InferencePricer;
import dev.loupe.dimension.cost.TokenUsage;
import dev.loupe.ingest.events.JsonEventDecoder;
import dev.loupe.model.Inference;
import dev.loupe.model.SeriesKey;
import dev.loupe.model.TimestampAdmission;
import dev.loupe.server.PriceCatalogFile;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
 * What pricing adds to ingest: decoding an NDJSON batch of 1,000 inference events with and
 * without pricing each one by the shipped catalog, and pricing alone over 1,000 decoded
 * inferences of a dozen model names (dated, prefixed, one the catalog does not know). ops = events.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PricingBenchmark {
  static final int BATCH = 1000;
  static final String[] MODELS = {
      "gpt-4o", "gpt-4o-2024-08-06", "openai/gpt-4o-mini", "gpt-4.1-mini-2025-04-14", "o3", "o4-mini",
      "claude-sonnet-4-5-20250929", "us.anthropic.claude-3-5-haiku-20241022-v1:0", "gemini-2.5-flash",
      "text-embedding-3-small", "mistral-large-latest", "in-house-llm"};

  // CPU time of the benchmark thread per event: on a shared machine far steadier than wall time.
  final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
  long cpuNanos;
  long events;

  byte[] body;
  JsonEventDecoder decoder;
  InferencePricer pricer;
  List<Inference> mixed;

  @Setup
  public void setUp() {
    Clock clock = Clock.systemUTC();
    body = BenchData.ndjson(BATCH, clock.millis(), 1);
    decoder = new JsonEventDecoder(new TimestampAdmission(clock, Duration.ofMinutes(10), Duration.ofDays(30)));
    pricer = new InferencePricer(PriceCatalogFile.defaults());
    Random r = new Random(7);
    mixed = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      String d = BenchData.DEPLOYMENTS[r.nextInt(BenchData.DEPLOYMENTS.length)];
      long input = 200 + r.nextInt(1500);
      mixed.add(new Inference(clock.millis() - r.nextInt(60_000),
          new SeriesKey("svc", d, MODELS[r.nextInt(MODELS.length)], "v1"), "chat", null, null, "acme", null, input,
          20L + r.nextInt(400), r.nextBoolean() ? input / 2 : null, 900.0, null, null, 200, "stop", null, null, null,
          null, null));
    }
  }

  @org.openjdk.jmh.annotations.TearDown(org.openjdk.jmh.annotations.Level.Iteration)
  public void cpu() {
    System.out.printf(" [cpu %.1f ns/event]", cpuNanos / (double) Math.max(1, events));
    cpuNanos = 0;
    events = 0;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public JsonEventDecoder.Decoded decode() {
    long cpu = threads.getCurrentThreadCpuTime();
    JsonEventDecoder.Decoded d = decoder.decode(JsonEventDecoder.Kind.INFERENCES, body);
    cpuNanos += threads.getCurrentThreadCpuTime() - cpu;
    events += BATCH;
    return d;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<Inference> decodeAndPrice() {
    long cpu = threads.getCurrentThreadCpuTime();
    List<Inference> priced = pricer.price(decoder.decode(JsonEventDecoder.Kind.INFERENCES, body).batch().inferences());
    cpuNanos += threads.getCurrentThreadCpuTime() - cpu;
    events += BATCH;
    return priced;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<Inference> price() {
    long cpu = threads.getCurrentThreadCpuTime();
    List<Inference> priced = pricer.price(mixed);
    cpuNanos += threads.getCurrentThreadCpuTime() - cpu;
    events += BATCH;
    return priced;
  }

  /** The price alone, without the priced copy of the record (what the record's own checks cost apart). */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public double quote() {
    long cpu = threads.getCurrentThreadCpuTime();
    double sum = 0;
    for (Inference i : mixed) {
      Double c = pricer.quote(null, i.key().model(), i.key().deployment(), i.timestampMillis(), TokenUsage.of(i)).cost();
      if (c != null) sum += c;
    }
    cpuNanos += threads.getCurrentThreadCpuTime() - cpu;
    events += BATCH;
    return sum;
  }
}
