package dev.loupe.stats;

import dev.loupe.model.Severity;
import java.util.Optional;

/** How far a drift test's statistic went: under its threshold, past it, or past the critical one. */
public enum DriftSeverity {
  NONE,
  WARNING,
  CRITICAL;

  /** The finding severity this maps to; empty for {@link #NONE}. */
  public Optional<Severity> toSeverity() {
    return switch (this) {
      case NONE -> Optional.empty();
      case WARNING -> Optional.of(Severity.WARNING);
      case CRITICAL -> Optional.of(Severity.CRITICAL);
    };
  }
}
