package dev.loupe.model;

import java.util.Locale;

/** The six dimensions of an AI workload that Loupe judges. */
public enum Dimension {
  COMPUTE("GPU"),
  COST("cost"),
  MODEL("inference"),
  SECURITY("security"),
  NETWORK("network"),
  DATA("data pipeline");

  private final String telemetryNoun;

  Dimension(String telemetryNoun) {
    this.telemetryNoun = telemetryNoun;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** What kind of telemetry feeds it, for "no … telemetry received" reasons. */
  public String telemetryNoun() {
    return telemetryNoun;
  }
}
