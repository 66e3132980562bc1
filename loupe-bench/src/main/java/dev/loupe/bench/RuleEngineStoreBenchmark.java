package dev.loupe.bench;

import dev.loupe.model.Batch;
import dev.loupe.model.Sample;
import dev.loupe.rule.RuleEngine;
import dev.loupe.rule.SignalSource;
import dev.loupe.rule.VersionHistory;
import dev.loupe.server.StoreSignalSource;
import dev.loupe.store.duckdb.DuckDbStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
 * The same tick as {@link RuleEngineBenchmark} with the server's source: the 900,000 samples in a
 * DuckDB file, read by {@link StoreSignalSource} (one read per rule input per tick).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 3, time = 10)
public class RuleEngineStoreBenchmark {
  RuleEngine engine;
  DuckDbStore store;
  Path dir;
  long now = RuleEngineBenchmark.NOW;

  @Setup
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("loupe-rule-bench");
    store = DuckDbStore.open(dir.resolve("loupe.duckdb"), Clock.systemUTC());
    List<Sample> samples = RuleEngineBenchmark.samples();
    for (int i = 0; i < samples.size(); i += 50_000) {
      store.append(Batch.ofSamples(new ArrayList<>(samples.subList(i, Math.min(samples.size(), i + 50_000)))));
    }
    SignalSource stored = new StoreSignalSource(store);
    long base = RuleEngineBenchmark.NOW;
    SignalSource source = (selector, from, to) -> stored.range(selector, from - (now - base), to - (now - base));
    engine = new RuleEngine(RuleEngineBenchmark.rules(), source, VersionHistory.none(), alerts -> { },
        RuleEngine.Settings.DEFAULTS);
    engine.evaluate(now);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int tick() {
    now += 15_000;
    return engine.evaluate(now).size();
  }

  @TearDown
  public void tearDown() throws IOException {
    store.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
