package dev.loupe.rule;

import dev.loupe.model.RangeSeries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a rule computes from the points of one group's series in its window. Each series is
 * reduced first (as PromQL's {@code avg_over_time}, {@code rate}, …) and the series of a group are
 * then combined: {@code avg}, {@code min}, {@code max} by themselves, {@code sum}, {@code rate}
 * and {@code increase} summed, {@code last} by the largest latest value; {@code quantile(q)} pools
 * every point of the group; {@code deriv} is each series' least-squares slope per second (PromQL's
 * {@code deriv}), summed; {@code predict_linear(h)} is each series' least-squares line read at the
 * window's end plus the horizon {@code h} (PromQL's {@code predict_linear}), summed.
 * {@code rate} and {@code increase} treat a drop as a counter reset,
 * as PromQL does, but do not extrapolate to the window's edges: {@code increase} is the rise
 * between the first and last point in the window, {@code rate} that rise per second of the time
 * those points span. A series needs two points for either.
 */
public record Aggregation(Kind kind, double q, Duration horizon) {
  /**
   * The aggregations a rule can name. {@code SUM_OF_AVG} averages each series over the window and
   * sums the averages (PromQL {@code sum by (...) (avg_over_time(...))}): a deployment's TPM when
   * two model versions share its traffic. {@code PREDICT_LINEAR} projects each series its
   * {@code horizon} ahead: a store filling up, a budget that will be crossed.
   */
  public enum Kind {
    AVG, MIN, MAX, SUM, RATE, INCREASE, QUANTILE, LAST, DERIV, SUM_OF_AVG, PREDICT_LINEAR
  }

  public Aggregation {
    if (kind == null) throw new IllegalArgumentException("aggregation is required");
    if (kind == Kind.QUANTILE && !(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile must be within 0..1, got " + q);
    }
    if (kind == Kind.PREDICT_LINEAR && (horizon == null || horizon.isNegative() || horizon.isZero())) {
      throw new IllegalArgumentException("predict_linear needs a positive horizon, e.g. predict_linear(7d)");
    }
    if (kind != Kind.PREDICT_LINEAR) horizon = null;
  }

  /** A quantile ({@code q} within 0..1) or, with {@code q} NaN, an aggregation without a parameter. */
  public Aggregation(Kind kind, double q) {
    this(kind, q, null);
  }

  public static Aggregation of(Kind kind) {
    return new Aggregation(kind, Double.NaN);
  }

  /** {@code predict_linear(horizon)}. */
  public static Aggregation predictLinear(Duration horizon) {
    return new Aggregation(Kind.PREDICT_LINEAR, Double.NaN, horizon);
  }

  /** Reads {@code avg}, {@code rate}, {@code quantile(0.95)}, {@code predict_linear(7d)}, … */
  public static Aggregation parse(String text) {
    if (text == null || text.isBlank()) throw new IllegalArgumentException("aggregation is required");
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("predict_linear")) {
      String rest = t.substring("predict_linear".length()).trim();
      if (!rest.startsWith("(") || !rest.endsWith(")") || rest.length() == 2) {
        throw new IllegalArgumentException(
            "write predict_linear with how far ahead, as predict_linear(7d), got '" + text + "'");
      }
      Duration horizon;
      try {
        horizon = Durations.parse(rest.substring(1, rest.length() - 1).trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("predict_linear needs a duration such as 7d or 12h, got '" + text + "'");
      }
      return predictLinear(horizon);
    }
    if (t.startsWith("quantile")) {
      String rest = t.substring("quantile".length()).trim();
      if (!rest.startsWith("(") || !rest.endsWith(")")) {
        throw new IllegalArgumentException("write quantile as quantile(0.95), got '" + text + "'");
      }
      double q;
      try {
        q = Double.parseDouble(rest.substring(1, rest.length() - 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("quantile needs a number within 0..1, got '" + text + "'");
      }
      return new Aggregation(Kind.QUANTILE, q);
    }
    for (Kind k : Kind.values()) {
      if (k != Kind.QUANTILE && k != Kind.PREDICT_LINEAR && k.name().toLowerCase(Locale.ROOT).equals(t)) return of(k);
    }
    throw new IllegalArgumentException("unknown aggregation '" + text + "'; one of avg, min, max, sum, sum_of_avg,"
        + " rate, increase, deriv, last, quantile(q), predict_linear(duration)");
  }

  @Override
  public String toString() {
    String name = kind.name().toLowerCase(Locale.ROOT);
    if (kind == Kind.QUANTILE) return name + "(" + q + ")";
    if (kind == Kind.PREDICT_LINEAR) return name + "(" + Durations.format(horizon) + ")";
    return name;
  }

  /**
   * The value of a group from its series' points in the window, or NaN when it has none;
   * {@code predict_linear} is read at the latest point of the group plus its horizon (a rule
   * reads it at its evaluation time: {@link #apply(List, long)}).
   */
  public double apply(List<RangeSeries> group) {
    long end = Long.MIN_VALUE;
    for (RangeSeries s : group) {
      if (!s.points().isEmpty()) end = Math.max(end, s.points().get(s.points().size() - 1).timeMillis());
    }
    return apply(group, end);
  }

  /** The value of a group over a window that ends at {@code endMillis}, or NaN when it has none. */
  public double apply(List<RangeSeries> group, long endMillis) {
    if (kind == Kind.QUANTILE) return quantile(group);
    double acc = Double.NaN;
    double sum = 0;
    int n = 0;
    for (RangeSeries s : group) {
      double v = perSeries(s.points(), endMillis);
      if (Double.isNaN(v)) continue;
      n++;
      sum += v;
      switch (kind) {
        case MIN -> acc = Double.isNaN(acc) ? v : Math.min(acc, v);
        case MAX, LAST -> acc = Double.isNaN(acc) ? v : Math.max(acc, v);
        default -> { }
      }
    }
    if (n == 0) return Double.NaN;
    return switch (kind) {
      case AVG -> sum / n;
      case SUM, RATE, INCREASE, DERIV, SUM_OF_AVG, PREDICT_LINEAR -> sum;
      default -> acc;
    };
  }

  private double perSeries(List<RangeSeries.Point> points, long endMillis) {
    if (points.isEmpty()) return Double.NaN;
    switch (kind) {
      case LAST:
        return points.get(points.size() - 1).value();
      case DERIV:
        return slope(points);
      case PREDICT_LINEAR:
        return predict(points, endMillis, horizon.toMillis() / 1000.0);
      case RATE:
      case INCREASE: {
        if (points.size() < 2) return Double.NaN;
        double rise = increase(points);
        if (kind == Kind.INCREASE) return rise;
        double seconds = (points.get(points.size() - 1).timeMillis() - points.get(0).timeMillis()) / 1000.0;
        return seconds <= 0 ? Double.NaN : rise / seconds;
      }
      default: {
        double acc = kind == Kind.MIN ? Double.POSITIVE_INFINITY : kind == Kind.MAX ? Double.NEGATIVE_INFINITY : 0;
        for (RangeSeries.Point p : points) {
          double v = p.value();
          acc = kind == Kind.MIN ? Math.min(acc, v) : kind == Kind.MAX ? Math.max(acc, v) : acc + v;
        }
        return kind == Kind.AVG || kind == Kind.SUM_OF_AVG ? acc / points.size() : acc;
      }
    }
  }

  /** The counter's rise over the points: a drop is a reset, after which the new value is all rise. */
  static double increase(List<RangeSeries.Point> points) {
    double rise = 0;
    double prev = points.get(0).value();
    for (int i = 1; i < points.size(); i++) {
      double v = points.get(i).value();
      rise += v < prev ? v : v - prev;
      prev = v;
    }
    return rise;
  }

  /** Least-squares slope per second; times are taken from the first point to keep precision. */
  static double slope(List<RangeSeries.Point> points) {
    if (points.size() < 2) return Double.NaN;
    long t0 = points.get(0).timeMillis();
    double n = points.size();
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (RangeSeries.Point p : points) {
      double x = (p.timeMillis() - t0) / 1000.0;
      sx += x;
      sy += p.value();
      sxx += x * x;
      sxy += x * p.value();
    }
    double d = n * sxx - sx * sx;
    return d == 0 ? Double.NaN : (n * sxy - sx * sy) / d;
  }

  /**
   * PromQL's {@code predict_linear}: the least-squares line through the points, with times in
   * seconds from {@code atMillis} (so its intercept is the value at that time, as PromQL takes the
   * evaluation time), read {@code seconds} later. Two points at least; points all at one time have
   * no line.
   */
  static double predict(List<RangeSeries.Point> points, long atMillis, double seconds) {
    if (points.size() < 2) return Double.NaN;
    double n = points.size();
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (RangeSeries.Point p : points) {
      double x = (p.timeMillis() - atMillis) / 1000.0;
      sx += x;
      sy += p.value();
      sxx += x * x;
      sxy += x * p.value();
    }
    double d = n * sxx - sx * sx;
    if (d == 0) return Double.NaN;
    double slope = (n * sxy - sx * sy) / d;
    double intercept = sy / n - slope * sx / n;
    return intercept + slope * seconds;
  }

  /** PromQL's {@code quantile}: linear interpolation between the closest ranks. */
  private double quantile(List<RangeSeries> group) {
    List<Double> all = new ArrayList<>();
    for (RangeSeries s : group) for (RangeSeries.Point p : s.points()) all.add(p.value());
    if (all.isEmpty()) return Double.NaN;
    double[] v = all.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    double rank = q * (v.length - 1);
    int lower = (int) Math.floor(rank);
    int upper = Math.min(lower + 1, v.length - 1);
    double weight = rank - lower;
    return v[lower] * (1 - weight) + v[upper] * weight;
  }
}
