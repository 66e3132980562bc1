package dev.loupe.bench;

import dev.loupe.stats.CategoryCounts;
import dev.loupe.stats.DriftCriterion;
import dev.loupe.stats.DriftResult;
import dev.loupe.stats.DriftTest;
import dev.loupe.stats.FeatureDrift;
import dev.loupe.stats.NumericSummary;
import dev.loupe.stats.TimeWindow;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Drift of one feature over 1,000,000 observations per window (issue 11: under 100 ms):
 * {@code buildAndTest} summarises both windows from raw values and runs the test; the other
 * methods run one test on summaries built beforehand, as the server does when it merges stored
 * per-window summaries. Latency-like log-normal values, the current window 10 % slower.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DriftBenchmark {
  static final int N = 1_000_000;
  static final TimeWindow REF = new TimeWindow(0, 86_400_000);
  static final TimeWindow CUR = new TimeWindow(86_400_000, 172_800_000);

  @Param({"wasserstein"})
  public String test;

  double[] reference;
  double[] current;
  NumericSummary referenceSummary;
  NumericSummary currentSummary;
  CategoryCounts referenceCounts;
  CategoryCounts currentCounts;

  @Setup
  public void setUp() {
    SplittableRandom r = new SplittableRandom(42);
    reference = new double[N];
    current = new double[N];
    for (int i = 0; i < N; i++) {
      reference[i] = Math.exp(6.7 + 0.5 * r.nextGaussian());
      current[i] = 1.1 * Math.exp(6.7 + 0.5 * r.nextGaussian());
    }
    referenceSummary = summarise(reference);
    currentSummary = summarise(current);
    String[] reasons = {"stop", "length", "content_filter", "tool_calls", "error"};
    referenceCounts = new CategoryCounts();
    currentCounts = new CategoryCounts();
    for (int i = 0; i < N; i++) {
      referenceCounts.add(reasons[Math.min(4, (int) (-Math.log(r.nextDouble()) * 0.7))]);
      currentCounts.add(reasons[Math.min(4, (int) (-Math.log(r.nextDouble()) * 0.8))]);
    }
  }

  static NumericSummary summarise(double[] values) {
    NumericSummary s = NumericSummary.create();
    for (double v : values) s.add(v);
    return s;
  }

  /** Both windows summarised from 1M raw values each, then the test. */
  @Benchmark
  public DriftResult buildAndTest() {
    return FeatureDrift.numeric("latency_ms", REF, summarise(reference), CUR, summarise(current),
        DriftCriterion.of(DriftTest.fromName(test)));
  }

  /** One window of 1M values summarised (what each window costs once). */
  @Benchmark
  public NumericSummary buildOneSummary() {
    return summarise(current);
  }

  /** The test alone on summaries of 1M values each. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public DriftResult numericTestOnSummaries() {
    return FeatureDrift.numeric("latency_ms", REF, referenceSummary, CUR, currentSummary, DriftCriterion.of(DriftTest.fromName(test)));
  }

  /** The default categorical test (Jensen–Shannon at this size) on counts of 1M observations. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public DriftResult categoricalTestOnCounts() {
    return FeatureDrift.categorical("finish_reason", REF, referenceCounts, CUR, currentCounts);
  }
}
