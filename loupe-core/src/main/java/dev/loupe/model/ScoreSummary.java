package dev.loupe.model;

import java.util.SortedMap;

/**
 * The scores of one group (the labels it was grouped by, e.g. {@code model_version} and
 * {@code name}) over a time range: how many, their mean and spread, and a few quantiles.
 */
public record ScoreSummary(
    SortedMap<String, String> group, long count, double mean, double stddev, double min, double max,
    double p50, double p95) {
  public ScoreSummary {
    group = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(group));
  }
}
