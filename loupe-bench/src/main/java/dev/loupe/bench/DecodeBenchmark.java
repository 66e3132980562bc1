package dev.loupe.bench;

import dev.loupe.ingest.events.JsonEventDecoder;
import dev.loupe.model.TimestampAdmission;
import java.time.Clock;
import java.time.Duration;
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

/** Decoding an NDJSON batch of 1,000 inference events into records (ops = events). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DecodeBenchmark {
  static final int BATCH = 1000;
  byte[] body;
  JsonEventDecoder decoder;

  @Setup
  public void setUp() {
    Clock clock = Clock.systemUTC();
    body = BenchData.ndjson(BATCH, clock.millis(), 1);
    decoder = new JsonEventDecoder(new TimestampAdmission(clock, Duration.ofMinutes(10), Duration.ofDays(30)));
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public JsonEventDecoder.Decoded decodeBatch() {
    return decoder.decode(JsonEventDecoder.Kind.INFERENCES, body);
  }
}
