package dev.loupe.rule;

import dev.loupe.model.Alert;
import java.time.Duration;
import java.util.List;

/**
 * How a rule stands after its last evaluation: health ({@code unknown} before the first),
 * when it ran, how long it took, its error, the inputs it never saw, and its alerts.
 */
public record RuleStatus(
    Rule rule,
    Health health,
    long lastEvaluationMillis,
    Duration lastDuration,
    String lastError,
    List<String> missingInputs,
    List<Alert> alerts) {
  /** Prometheus's rule health values. */
  public enum Health { UNKNOWN, OK, ERR }

  public RuleStatus {
    lastError = lastError == null ? "" : lastError;
    missingInputs = List.copyOf(missingInputs);
    alerts = List.copyOf(alerts);
  }
}
