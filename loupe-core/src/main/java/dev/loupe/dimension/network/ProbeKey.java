package dev.loupe.dimension.network;

import java.util.Map;

/**
 * One probed path: from {@code source} (the node the prober runs on; null when no label names it)
 * to {@code target}, with the prober module when a label carries it (null otherwise).
 */
public record ProbeKey(String source, String target, String module) {
  public ProbeKey {
    if (target == null || target.isBlank()) target = "unknown";
    source = source == null || source.isBlank() ? null : source;
    module = module == null || module.isBlank() ? null : module;
  }

  /**
   * The target is {@code target}, else {@code destination}, else {@code instance}. The source is
   * {@code source}, {@code source_node} or {@code prober}; failing those, {@code instance} when a
   * {@code target} label names the target (the prober was then scraped as itself).
   */
  public static ProbeKey from(Map<String, String> labels) {
    String target = NetworkLabels.first(labels, "target", "destination");
    String source = NetworkLabels.first(labels, "source", "source_node", "prober");
    if (target == null) {
      target = labels.get("instance");
    } else if (source == null) {
      source = labels.get("instance");
    }
    return new ProbeKey(source, target, labels.get("module"));
  }

  /** "node a" or "the prober". */
  String from() {
    return source == null ? "the prober" : "node " + source;
  }

  String to() {
    return "node " + target + (module == null ? "" : " (" + module + ")");
  }

  String subject() {
    return (source == null ? "?" : source) + "->" + target + (module == null ? "" : "/" + module);
  }
}
