package dev.loupe.notify;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes each notification as one log line: the same JSON a webhook gets, on logger {@code dev.loupe.notify.alerts}. */
final class LogNotifier implements Notifier {
  static final String NAME = "log";
  private static final Logger ALERTS = LoggerFactory.getLogger("dev.loupe.notify.alerts");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Outcome deliver(long deliveryId, String body) {
    ALERTS.info("alert notification {}", body);
    return Outcome.DELIVERED;
  }
}
