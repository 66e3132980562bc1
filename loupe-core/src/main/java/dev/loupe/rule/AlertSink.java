package dev.loupe.rule;

import dev.loupe.model.Alert;
import java.util.List;

/**
 * Receives, after every evaluation, each pending and firing alert and the resolved ones still
 * retained (Prometheus's 15 minutes); notifiers plug in here.
 */
@FunctionalInterface
public interface AlertSink {
  void accept(List<Alert> alerts);

  static AlertSink noop() {
    return alerts -> { };
  }
}
