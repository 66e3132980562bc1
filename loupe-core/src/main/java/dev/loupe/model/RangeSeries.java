package dev.loupe.model;

import java.util.List;
import java.util.SortedMap;

/** One series of a range query result: its labels and its points, in time order. */
public record RangeSeries(SortedMap<String, String> labels, List<Point> points) {
  /** A value at a time. */
  public record Point(long timeMillis, double value) {}

  public RangeSeries {
    labels = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(labels));
    points = List.copyOf(points);
  }
}
