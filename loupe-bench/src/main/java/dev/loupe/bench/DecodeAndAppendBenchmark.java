package dev.loupe.bench;

import dev.loupe.ingest.events.JsonEventDecoder;
import dev.loupe.model.TimestampAdmission;
import dev.loupe.store.duckdb.DuckDbStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding a batch of 1,000 inference events and making it durable in a DuckDB file (Appender,
 * one commit per batch: the single-client case without group commit). ops = events.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DecodeAndAppendBenchmark {
  static final int BATCH = 1000;
  byte[] body;
  JsonEventDecoder decoder;
  DuckDbStore store;
  Path dir;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Clock clock = Clock.systemUTC();
    body = BenchData.ndjson(BATCH, clock.millis(), 3);
    decoder = new JsonEventDecoder(new TimestampAdmission(clock, Duration.ofMinutes(10), Duration.ofDays(30)));
    dir = Files.createTempDirectory("loupe-jmh-");
    store = DuckDbStore.open(dir.resolve("bench.duckdb"), clock);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    store.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void decodeAndAppend() {
    store.append(decoder.decode(JsonEventDecoder.Kind.INFERENCES, body).batch());
  }
}
