package dev.loupe.rule;

import dev.loupe.model.Dimension;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.Sample;
import dev.loupe.model.SeriesSelector;
import dev.loupe.model.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Rules and a growing in-memory signal source for the rule tests. */
final class TestRules {
  static final long T0 = 1_700_000_000_000L;
  static final Duration STEP = Duration.ofSeconds(15);

  private TestRules() {}

  /** {@code last(gpu_temp[1m]) by (gpu) > threshold}. */
  static Rule temperature(String name, double threshold, Duration forDuration, Duration keepFiringFor, Severity severity) {
    return new Rule(name,
        Expression.of(new Expression.Operand(SeriesSelector.parse("gpu_temp"), Aggregation.of(Aggregation.Kind.LAST)),
            Duration.ofMinutes(1), List.of("gpu")),
        Condition.parseThreshold("> " + threshold), forDuration, keepFiringFor, severity, Dimension.COMPUTE,
        Rule.templates(Map.of("team", "infra")),
        Rule.templates(Map.of("summary", "GPU {{ $labels.gpu }} at {{ $value }} C")), "dcgm-exporter");
  }

  static long at(Duration d) {
    return T0 + d.toMillis();
  }

  /** Samples appended as a test goes; what a store holds. */
  static final class Signals implements SignalSource {
    final List<Sample> samples = new ArrayList<>();

    void temp(String gpu, long t, double v) {
      samples.add(new Sample("gpu_temp", Map.of("gpu", gpu), t, v));
    }

    @Override
    public List<RangeSeries> range(SeriesSelector selector, long fromMillis, long toMillis) {
      return new SampleSignals(samples).range(selector, fromMillis, toMillis);
    }
  }
}
