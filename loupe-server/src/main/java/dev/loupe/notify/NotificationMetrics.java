package dev.loupe.notify;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The notification counters on {@code /metrics}. */
final class NotificationMetrics {
  private final Counter outcomes;
  private final Gauge queueLength;

  NotificationMetrics(PrometheusRegistry registry) {
    outcomes = Counter.builder()
        .name("loupe_notifications_total")
        .help("Notification delivery attempts by notifier and outcome: delivered; failed (will be retried);"
            + " rejected (4xx, dropped); expired (older than alerting.delivery.max_age, dropped);"
            + " unconfigured (queued for a notifier no longer in the config, dropped).")
        .labelNames("notifier", "outcome")
        .register(registry);
    queueLength = Gauge.builder()
        .name("loupe_notification_queue_length")
        .help("Notifications in the outbox waiting for delivery.")
        .register(registry);
  }

  void count(String notifier, String outcome) {
    outcomes.labelValues(notifier, outcome).inc();
  }

  void count(String notifier, String outcome, int n) {
    if (n > 0) outcomes.labelValues(notifier, outcome).inc(n);
  }

  void queueLength(int n) {
    queueLength.set(n);
  }
}
