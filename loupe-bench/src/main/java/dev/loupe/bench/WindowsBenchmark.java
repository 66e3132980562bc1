package dev.loupe.bench;

import dev.loupe.dimension.model.InferenceWindows;
import dev.loupe.dimension.model.WindowStats;
import dev.loupe.ingest.events.JsonEventDecoder;
import dev.loupe.model.Inference;
import dev.loupe.model.TimestampAdmission;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
 * The hot signal windows: recording a batch of 1,000 inferences (ops = events), and reading the
 * 5-minute and 1-hour stats of every series as the health evaluation does.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class WindowsBenchmark {
  static final int BATCH = 1000;
  List<Inference> batch;
  InferenceWindows windows;

  @Setup
  public void setUp() {
    Clock clock = Clock.systemUTC();
    JsonEventDecoder decoder =
        new JsonEventDecoder(new TimestampAdmission(clock, Duration.ofMinutes(10), Duration.ofDays(30)));
    batch = decoder.decode(JsonEventDecoder.Kind.INFERENCES, BenchData.ndjson(BATCH, clock.millis(), 2))
        .batch().inferences();
    windows = new InferenceWindows(clock);
    for (int i = 0; i < 200; i++) windows.record(batch); // an hour's worth of buckets is not needed: one minute is the hot case
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(BATCH)
  public InferenceWindows recordBatch() {
    windows.record(batch);
    return windows;
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public List<WindowStats> statsAllSeries() {
    List<WindowStats> five = windows.stats(InferenceWindows.FIVE_MINUTES);
    windows.stats(InferenceWindows.ONE_HOUR);
    return five;
  }
}
