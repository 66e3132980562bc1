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
 * DuckDB file, read by {@link StoreSignalSource}, either from the store alone ({@code store}: one
 * read per metric per tick) or, as the server runs, from the recent samples it keeps of the rule
 * inputs as they are ingested ({@code recent}).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 3, time = 10)
public class RuleEngineStoreBenchmark {
  @org.openjdk.jmh.annotations.Param({"store", "recent"})
  String source;

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
    List<dev.loupe.rule.Rule> rules = RuleEngineBenchmark.rules();
    dev.loupe.server.RecentSamples recent = null;
    if (source.equals("recent")) {
      recent = dev.loupe.server.RecentSamples.forRules(rules, java.time.Duration.ofSeconds(15),
          Clock.fixed(java.time.Instant.ofEpochMilli(RuleEngineBenchmark.NOW), java.time.ZoneOffset.UTC));
      recent.observe(samples);
    }
    SignalSource stored = new StoreSignalSource(store, recent);
    long base = RuleEngineBenchmark.NOW;
    SignalSource shifted = (selector, from, to) -> stored.range(selector, from - (now - base), to - (now - base));
    engine = new RuleEngine(rules, shifted, VersionHistory.none(), alerts -> { },
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
