package dev.loupe.dimension;

import dev.loupe.model.Severity;
import java.util.Locale;

/** A dimension's health. Ordered from least to most severe; no data counts below ok. */
public enum HealthStatus {
  NO_DATA,
  OK,
  WARNING,
  CRITICAL;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public HealthStatus worst(HealthStatus other) {
    return other.ordinal() > ordinal() ? other : this;
  }

  public static HealthStatus of(Severity severity) {
    return severity == Severity.CRITICAL ? CRITICAL : WARNING;
  }

  /** 0 no data, 1 ok, 2 warning, 3 critical: the value of the exported health gauge. */
  public int gaugeValue() {
    return ordinal();
  }
}
