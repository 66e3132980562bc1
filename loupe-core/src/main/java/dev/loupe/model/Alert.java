package dev.loupe.model;

import java.util.Map;

/**
 * A rule's instance: which rule, for which labels, in which state since when. This is what the
 * rule engine hands to notifiers and the API. {@code labels} are the alert's full label set
 * (the rule's {@code alertname}, {@code severity} and {@code dimension} included); they identify
 * the instance. {@code firedAtMillis} is 0 while it has never fired; {@code resolvedAtMillis} is
 * 0 until it resolves.
 */
public record Alert(
    String rule,
    Map<String, String> labels,
    AlertState state,
    long activeSinceMillis,
    long firedAtMillis,
    long resolvedAtMillis,
    double value,
    Map<String, String> annotations) {
  public Alert {
    Checks.name("rule", rule);
    labels = Checks.copy(labels);
    Checks.required("state", state);
    annotations = Checks.copy(annotations);
    if (state == AlertState.RESOLVED && resolvedAtMillis <= 0) {
      throw new InvalidRecordException("resolvedAtMillis", "a resolved alert needs its resolve time");
    }
  }
}
