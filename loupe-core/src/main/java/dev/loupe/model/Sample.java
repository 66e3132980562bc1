package dev.loupe.model;

import java.util.Map;
import java.util.TreeMap;

/** One metric point, as scraped or received. Labels are sorted and never null. */
public record Sample(String name, Map<String, String> labels, long timestampMillis, double value) {
  public Sample {
    Checks.name("name", name);
    labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    Checks.timestamp("timestamp", timestampMillis);
  }
}
