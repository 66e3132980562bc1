package dev.loupe.notify;

import static dev.loupe.notify.TestAlerts.firing;
import static dev.loupe.notify.TestAlerts.labels;
import static dev.loupe.notify.TestAlerts.pending;
import static dev.loupe.notify.TestAlerts.resolved;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.model.Alert;
import dev.loupe.testing.ExternalServer;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.Polling;
import dev.loupe.testing.RealAlertmanager;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loupe's alerts in Debian's real Alertmanager: a firing alert is active there with its labels
 * and annotations, and is no longer active once Loupe sends it resolved.
 */
class AlertmanagerNotifierTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void firingAlertIsActiveInAlertmanagerAndEndsThereWhenResolved() throws Exception {
    try (ExternalServer am = RealAlertmanager.start(dir)) {
      int port = am.uri("/").getPort();
      // Alertmanager judges endsAt against its own wall clock, so Loupe's clock starts at the real now.
      MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
      Path data = Files.createDirectories(dir.resolve("loupe"));
      try (AlertDispatcher d = TestAlerts.dispatcher(
          "alerting:\n  alertmanagers:\n    - url: http://127.0.0.1:" + port + "\n", data, clock, new PrometheusRegistry())) {
        long t0 = clock.millis();
        Map<String, String> hot = labels("GpuTemperatureHigh", "critical", "gpu", "3", "Hostname", "node-7");
        Map<String, String> waiting = labels("GpuUtilizationLow", "warning", "gpu", "1");
        Alert fired = firing(hot, t0 - 120_000, t0, 86.5);
        d.dispatch(List.of(fired, pending(waiting, t0, 12)), t0);
        assertThat(d.deliverDue(t0)).isEqualTo(1);

        Polling.until(Duration.ofSeconds(20), () -> alerts(am).size() == 1, () -> "alerts: " + alerts(am) + am.log());
        JsonNode a = alerts(am).get(0);
        assertThat(JSON.convertValue(a.get("labels"), Map.class)).isEqualTo(hot);
        assertThat(JSON.convertValue(a.get("annotations"), Map.class)).isEqualTo(fired.annotations());
        assertThat(a.get("status").get("state").asText()).isEqualTo("active");
        assertThat(Instant.parse(a.get("startsAt").asText())).isEqualTo(Instant.ofEpochMilli(t0));
        assertThat(Instant.parse(a.get("endsAt").asText())).isEqualTo(Instant.ofEpochMilli(t0 + 4 * 60_000));
        assertThat(a.get("generatorURL").asText()).isEqualTo("http://loupe.example:9710/#/alerts?rule=GpuTemperatureHigh");
        // The webhook payload's fingerprint is Alertmanager's own.
        assertThat(a.get("fingerprint").asText()).isEqualTo(WebhookPayload.fingerprint(hot));

        // Resolved at the real now: Alertmanager keeps the later of two ends while the new one is still ahead.
        clock.set(Instant.now());
        long t1 = clock.millis();
        d.dispatch(List.of(resolved(fired, t1)), t1);
        assertThat(d.deliverDue(t1)).isEqualTo(1);
        Polling.until(Duration.ofSeconds(20), () -> alerts(am).isEmpty(),
            () -> "still active in Alertmanager: " + alerts(am));
      }
    }
  }

  private static List<JsonNode> alerts(ExternalServer am) {
    return RealAlertmanager.active(am);
  }

}
