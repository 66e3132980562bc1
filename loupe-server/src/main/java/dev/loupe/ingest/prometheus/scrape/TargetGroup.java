package dev.loupe.ingest.prometheus.scrape;

import java.util.List;
import java.util.Map;

/** Targets sharing labels, from a {@code static_configs} entry or a file_sd file; {@code source} says which. */
public record TargetGroup(List<String> targets, Map<String, String> labels, String source) {
  public TargetGroup {
    targets = List.copyOf(targets);
    labels = Map.copyOf(labels);
  }
}
