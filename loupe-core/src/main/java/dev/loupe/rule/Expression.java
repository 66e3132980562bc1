package dev.loupe.rule;

import dev.loupe.model.RangeSeries;
import dev.loupe.model.SeriesSelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a rule measures: one aggregated selector, or the ratio of two, over a window ending at the
 * evaluation time, per group of the {@code by} labels (no {@code by}: one group of everything).
 * A ratio keeps only the groups both sides have, and not those whose denominator is 0.
 */
public record Expression(Operand numerator, Operand denominator, Duration window, List<String> by) {
  /** A selector and how its points become one value per group. */
  public record Operand(SeriesSelector selector, Aggregation aggregation) {
    public Operand {
      if (selector == null) throw new IllegalArgumentException("signal is required");
      if (aggregation == null) throw new IllegalArgumentException("aggregation is required");
    }

    @Override
    public String toString() {
      return aggregation + "(" + selector.metricName() + ")";
    }
  }

  public Expression {
    if (numerator == null) throw new IllegalArgumentException("signal is required");
    if (window == null || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive");
    }
    by = by == null ? List.of() : List.copyOf(by);
  }

  public static Expression of(Operand operand, Duration window, List<String> by) {
    return new Expression(operand, null, window, by);
  }

  /** The metric names it reads. */
  public List<String> inputs() {
    List<String> out = new ArrayList<>();
    out.add(numerator.selector().metricName());
    if (denominator != null && !out.contains(denominator.selector().metricName())) {
      out.add(denominator.selector().metricName());
    }
    return out;
  }

  /**
   * Each group's value at {@code endMillis}; the metric names that returned any series are added
   * to {@code seen}.
   */
  public Map<SortedMap<String, String>, Double> values(SignalSource source, long endMillis, Set<String> seen) {
    Map<SortedMap<String, String>, Double> num = values(numerator, source, endMillis, seen);
    if (denominator == null) return num;
    Map<SortedMap<String, String>, Double> den = values(denominator, source, endMillis, seen);
    Map<SortedMap<String, String>, Double> out = new LinkedHashMap<>();
    num.forEach((group, n) -> {
      Double d = den.get(group);
      if (d != null && d != 0) out.put(group, n / d);
    });
    return out;
  }

  private Map<SortedMap<String, String>, Double> values(
      Operand operand, SignalSource source, long endMillis, Set<String> seen) {
    List<RangeSeries> series = source.range(operand.selector(), endMillis - window.toMillis(), endMillis);
    if (!series.isEmpty()) seen.add(operand.selector().metricName());
    // Grouped by the values of the by labels (a list is far cheaper to build and hash than a map).
    Map<List<String>, List<RangeSeries>> groups = new LinkedHashMap<>();
    for (RangeSeries s : series) {
      if (s.points().isEmpty()) continue;
      String[] key = new String[by.size()];
      for (int i = 0; i < key.length; i++) {
        String v = s.labels().get(by.get(i));
        key[i] = v == null ? "" : v;
      }
      groups.computeIfAbsent(java.util.Arrays.asList(key), k -> new ArrayList<>()).add(s);
    }
    Map<SortedMap<String, String>, Double> out = new LinkedHashMap<>();
    groups.forEach((values, members) -> {
      double v = operand.aggregation().apply(members, endMillis);
      if (Double.isNaN(v)) return;
      SortedMap<String, String> group = new TreeMap<>();
      for (int i = 0; i < values.size(); i++) {
        if (!values.get(i).isEmpty()) group.put(by.get(i), values.get(i));
      }
      out.put(group, v);
    });
    return out;
  }
}
