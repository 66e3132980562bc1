package dev.loupe.model;

import java.util.Map;

/** A rule's instance: which rule, for which labels, in which state since when. */
public record Alert(
    String rule,
    Map<String, String> labels,
    AlertState state,
    long activeSinceMillis,
    double value,
    Map<String, String> annotations) {
  public Alert {
    Checks.name("rule", rule);
    labels = Checks.copy(labels);
    Checks.required("state", state);
    annotations = Checks.copy(annotations);
  }
}
