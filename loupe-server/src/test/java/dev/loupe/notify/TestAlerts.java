package dev.loupe.notify;

import dev.loupe.model.Alert;
import dev.loupe.model.AlertState;
import dev.loupe.server.ConfigLoader;
import dev.loupe.server.LoupeConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Hand-made alerts as the rule engine hands them over, and a dispatcher from YAML. */
final class TestAlerts {
  static final URI EXTERNAL = URI.create("http://loupe.example:9710");

  private TestAlerts() {}

  static Map<String, String> labels(String alertname, String severity, String... more) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("alertname", alertname);
    m.put("severity", severity);
    m.put("dimension", "compute");
    for (int i = 0; i < more.length; i += 2) m.put(more[i], more[i + 1]);
    return m;
  }

  static Alert pending(Map<String, String> labels, long activeSince, double value) {
    return new Alert(labels.get("alertname"), labels, AlertState.PENDING, activeSince, 0, 0, value,
        Map.of("summary", labels.get("alertname") + " on " + labels.getOrDefault("gpu", "-")));
  }

  static Alert firing(Map<String, String> labels, long activeSince, long firedAt, double value) {
    return new Alert(labels.get("alertname"), labels, AlertState.FIRING, activeSince, firedAt, 0, value,
        Map.of("summary", labels.get("alertname") + " on " + labels.getOrDefault("gpu", "-")));
  }

  static Alert resolved(Alert firing, long resolvedAt) {
    return new Alert(firing.rule(), firing.labels(), AlertState.RESOLVED, firing.activeSinceMillis(),
        firing.firedAtMillis(), resolvedAt, firing.value(), firing.annotations());
  }

  static AlertDispatcher.Settings settings(String yaml) {
    LoupeConfig c = ConfigLoader.parse(yaml, "loupe.yml");
    return c.alerting().settings(EXTERNAL, c.rules());
  }

  /** A dispatcher that is not started: the test moves time and delivers by hand. */
  static AlertDispatcher dispatcher(String yaml, Path dataDir, Clock clock, PrometheusRegistry registry) {
    return AlertDispatcher.open(settings(yaml), dataDir, clock, registry);
  }

  static double counter(PrometheusRegistry registry, String notifier, String outcome) {
    for (var snapshot : registry.scrape()) {
      if (!snapshot.getMetadata().getName().equals("loupe_notifications")) continue;
      for (var p : ((io.prometheus.metrics.model.snapshots.CounterSnapshot) snapshot).getDataPoints()) {
        if (notifier.equals(p.getLabels().get("notifier")) && outcome.equals(p.getLabels().get("outcome"))) {
          return p.getValue();
        }
      }
    }
    return 0;
  }

  static double queueGauge(PrometheusRegistry registry) {
    for (var snapshot : registry.scrape()) {
      if (!snapshot.getMetadata().getName().equals("loupe_notification_queue_length")) continue;
      return ((io.prometheus.metrics.model.snapshots.GaugeSnapshot) snapshot).getDataPoints().get(0).getValue();
    }
    throw new AssertionError("no loupe_notification_queue_length");
  }
}
