package dev.loupe.bench;

import dev.loupe.model.Dimension;
import dev.loupe.model.Sample;
import dev.loupe.model.SeriesSelector;
import dev.loupe.model.Severity;
import dev.loupe.rule.Aggregation;
import dev.loupe.rule.Condition;
import dev.loupe.rule.Expression;
import dev.loupe.rule.Rule;
import dev.loupe.rule.RuleEngine;
import dev.loupe.rule.SampleSignals;
import dev.loupe.rule.VersionHistory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One evaluation tick of 1,000 rules over 100,000 active series (100 metrics of 1,000 series
 * each, 125 nodes × 8 GPUs, a sample every 15 s for the last 2 minutes), read from memory: the
 * cost of the rule engine itself (aggregation, grouping, state machine, templates, ALERTS
 * samples), not of a store. Rules cycle through max, avg, last, rate and quantile(0.95) over 1 m
 * by node; about a tenth of the groups breach, so the state machine holds ~12,500 alerts.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class RuleEngineBenchmark {
  static final int METRICS = 100;
  static final int SERIES_PER_METRIC = 1000;
  static final int RULES = 1000;
  static final long NOW = 1_764_000_000_000L;

  RuleEngine engine;
  long now = NOW;
  // CPU time of the evaluating thread: on a shared machine far steadier than the wall time.
  final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
  long cpuNanos;
  long ticks;

  @Setup
  public void setUp() {
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long before = rt.totalMemory() - rt.freeMemory();
    List<Sample> samples = samples();
    List<Rule> rules = rules();
    SampleSignals stored = new SampleSignals(samples);
    samples = null;
    // Time moves on but the data stands still: every tick reads the same last two minutes.
    dev.loupe.rule.SignalSource source = (selector, from, to) -> stored.range(selector, from - (now - NOW), to - (now - NOW));
    engine = new RuleEngine(rules, source, VersionHistory.none(), alerts -> { }, RuleEngine.Settings.DEFAULTS);
    engine.evaluate(now);
    System.gc();
    long after = rt.totalMemory() - rt.freeMemory();
    System.out.printf("%nheap held by 900,000 samples, 1,000 rules and %d alerts: %d MB%n",
        engine.alerts().size(), (after - before) / (1024 * 1024));
  }

  /** One tick; the clock moves 15 s each time, so alerts go on from pending to firing after 5 m. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int tick() {
    now += 15_000;
    long cpu = threads.getCurrentThreadCpuTime();
    int n = engine.evaluate(now).size();
    cpuNanos += threads.getCurrentThreadCpuTime() - cpu;
    ticks++;
    return n;
  }

  @org.openjdk.jmh.annotations.TearDown(org.openjdk.jmh.annotations.Level.Iteration)
  public void cpu() {
    System.out.printf(" [cpu %.0f ms/tick over %d ticks]", cpuNanos / 1e6 / Math.max(1, ticks), ticks);
    cpuNanos = 0;
    ticks = 0;
  }

  /** 100 metrics × 1,000 series, a sample every 15 s over the two minutes before {@link #NOW}. */
  static List<Sample> samples() {
    Random random = new Random(7);
    List<Sample> samples = new ArrayList<>();
    for (int m = 0; m < METRICS; m++) {
      for (int s = 0; s < SERIES_PER_METRIC; s++) {
        Map<String, String> labels = dev.loupe.model.SortedLabels.copyOf(
            Map.of("node", "node-" + s / 8, "gpu", Integer.toString(s % 8), "job", "dcgm"));
        double counter = 0;
        for (long t = NOW - 120_000; t <= NOW; t += 15_000) {
          counter += random.nextInt(10);
          samples.add(new Sample("metric_" + m, labels, t, m % 5 == 3 ? counter : random.nextDouble() * 100));
        }
      }
    }
    return samples;
  }

  /** 1,000 rules, ten per metric, cycling through the aggregations. */
  static List<Rule> rules() {
    String[] aggregations = {"max", "avg", "last", "rate", "quantile(0.95)"};
    List<Rule> rules = new ArrayList<>();
    for (int r = 0; r < RULES; r++) {
      int metric = r % METRICS;
      Aggregation a = Aggregation.parse(aggregations[metric % 5]);
      // thresholds that about a tenth of the node groups exceed
      String threshold = switch (metric % 5) {
        case 0 -> "> 99.5";
        case 1 -> "> 62";
        case 2 -> "> 98.8";
        case 3 -> "> 0.355";
        default -> "> 99.45";
      };
      rules.add(new Rule("Rule" + r,
          Expression.of(new Expression.Operand(SeriesSelector.parse("metric_" + metric + "{job=\"dcgm\"}"), a),
              Duration.ofMinutes(1), List.of("node")),
          Condition.parseThreshold(threshold), Duration.ofMinutes(5), Duration.ZERO,
          r % 2 == 0 ? Severity.WARNING : Severity.CRITICAL, Dimension.COMPUTE, Map.of(),
          Rule.templates(Map.of("summary", "{{ $labels.node }} at {{ $value | humanize }}")), ""));
    }
    return rules;
  }
}
