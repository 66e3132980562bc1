package dev.loupe.bench;

import dev.loupe.dimension.model.InferenceStats;
import dev.loupe.model.InferenceRollup;
import dev.loupe.model.SeriesKey;
import dev.loupe.store.duckdb.DuckDbStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The minute rollups a three-week back-fill of one deployment brings (30,240 minutes, each with
 * its latency and TTFT sketches), upserted into a DuckDB file that already holds them: what the
 * server's flush does when late inferences are folded into their stored minutes.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 10)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RollupUpsertBenchmark {
  static final int MINUTES = 21 * 24 * 60;

  DuckDbStore store;
  Path dir;
  List<InferenceRollup> rollups;

  @Setup
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("loupe-rollup-bench");
    store = DuckDbStore.open(dir.resolve("loupe.duckdb"), Clock.systemUTC());
    SeriesKey key = new SeriesKey("summarizer", "summarize-prod", "gpt-4o-mini", "2024-07-18");
    Random random = new Random(1);
    long first = 1_795_000_000_000L - 1_795_000_000_000L % 60_000;
    rollups = new ArrayList<>(MINUTES);
    for (int m = 0; m < MINUTES; m++) {
      long minute = first + m * 60_000L;
      InferenceStats s = new InferenceStats();
      s.add(new dev.loupe.model.Inference(minute + 1_000, key, "chat", "r-" + m, null, null, null, 430L, 160L, null,
          2400 * Math.exp(0.36 * random.nextGaussian()), 500.0, null, null, "stop", null, null, null, null, null));
      rollups.add(s.toRollup(key, minute));
    }
    store.upsertRollups(rollups);
  }

  @Benchmark
  public void upsertThreeWeeksOfMinutes() {
    store.upsertRollups(rollups);
  }

  @TearDown
  public void tearDown() throws IOException {
    store.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
