package dev.loupe.rule;

import java.util.Map;

/**
 * One change of an alert's state at an evaluation: it went pending, fired, resolved, or was
 * dropped while pending ({@code CANCELLED}: never sent). {@code activeSinceMillis} is when its
 * pending began.
 */
public record Transition(String rule, Map<String, String> labels, Kind kind, long atMillis,
    long activeSinceMillis, double value) {
  /** What happened to the alert. */
  public enum Kind { PENDING, FIRING, RESOLVED, CANCELLED }

  public Transition {
    labels = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(labels));
  }
}
