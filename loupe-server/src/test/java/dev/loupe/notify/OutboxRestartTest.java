package dev.loupe.notify;

import static dev.loupe.notify.TestAlerts.counter;
import static dev.loupe.notify.TestAlerts.firing;
import static dev.loupe.notify.TestAlerts.labels;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.model.Alert;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.Polling;
import dev.loupe.testing.RecordingReceiver;
import dev.loupe.testing.TestServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox keeps undelivered notifications across a restart of Loupe while the receiver is down. */
class OutboxRestartTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  private static final long T = T0.toEpochMilli();

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);

  private static String yaml(RecordingReceiver hook, String receiver) {
    return "alerting:\n  webhooks:\n    - name: oncall\n      url: " + hook.uri("/hook") + "\n"
        + "  route:\n    receiver: " + receiver + "\n    group_wait: 0s\n";
  }

  @Test
  void aNotificationQueuedWhileTheReceiverIsDownArrivesExactlyAsQueuedAfterARestart() throws Exception {
    Alert a = firing(labels("GpuTemperatureHigh", "critical", "gpu", "0"), T, T, 84);
    Alert b = firing(labels("GpuMemoryFull", "warning", "gpu", "1"), T, T, 0.9);
    try (RecordingReceiver hook = RecordingReceiver.down()) {
      try (AlertDispatcher d = TestAlerts.dispatcher(yaml(hook, "oncall"), dir, clock, new PrometheusRegistry())) {
        d.dispatch(List.of(a, b), T);
        assertThat(d.deliverDue(T)).isZero();
        assertThat(d.deliverDue(T + 1000)).isZero();
        assertThat(d.queueLength()).isEqualTo(1);
      }
      Outbox.QueuedNotification queued;
      try (DuckDbOutbox outbox = DuckDbOutbox.open(dir)) {
        queued = outbox.head("oncall").orElseThrow();
        assertThat(queued.attempts()).isEqualTo(2);
      }

      hook.restart();
      PrometheusRegistry registry = new PrometheusRegistry();
      clock.advance(Duration.ofMinutes(30));
      try (AlertDispatcher d = TestAlerts.dispatcher(yaml(hook, "oncall"), dir, clock, registry)) {
        assertThat(d.queueLength()).isEqualTo(1);
        assertThat(TestAlerts.queueGauge(registry)).isEqualTo(1);
        assertThat(d.deliverDue(clock.millis())).isEqualTo(1);
        assertThat(d.queueLength()).isZero();
      }
      assertThat(hook.requests()).hasSize(1);
      RecordingReceiver.Request got = hook.requests().get(0);
      assertThat(got.body()).isEqualTo(queued.body());
      assertThat(got.headers().get("x-loupe-delivery")).isEqualTo(Long.toString(queued.id()));
      assertThat(JSON.readTree(got.body()).get("alerts")).hasSize(2);
      assertThat(JSON.readTree(got.body()).get("alerts").get(0).get("startsAt").asText()).isEqualTo("2026-11-28T10:00:00Z");

      // Delivered means gone: a further restart sends nothing again.
      try (AlertDispatcher d = TestAlerts.dispatcher(yaml(hook, "oncall"), dir, clock, new PrometheusRegistry())) {
        assertThat(d.queueLength()).isZero();
        assertThat(d.deliverDue(clock.millis())).isZero();
      }
      assertThat(hook.requests()).hasSize(1);
    }
  }

  @Test
  void notificationsForANotifierNoLongerConfiguredAreDroppedAndCountedAtStart() {
    try (RecordingReceiver hook = RecordingReceiver.down()) {
      try (AlertDispatcher d = TestAlerts.dispatcher(yaml(hook, "oncall"), dir, clock, new PrometheusRegistry())) {
        d.dispatch(List.of(firing(labels("X", "critical"), T, T, 1)), T);
      }
      PrometheusRegistry registry = new PrometheusRegistry();
      try (AlertDispatcher d = TestAlerts.dispatcher("", dir, clock, registry)) {
        assertThat(d.queueLength()).isZero();
        assertThat(counter(registry, "oncall", "unconfigured")).isEqualTo(1);
      }
    }
  }

  @Test
  void theServerQueuesAlertsFromTheEngineAndDeliversThemAfterItsOwnRestart() throws Exception {
    Alert a = firing(labels("GpuTemperatureHigh", "critical", "gpu", "0"), T, T, 84);
    try (RecordingReceiver hook = RecordingReceiver.down()) {
      try (TestServer loupe = TestServer.start(dir, clock, yaml(hook, "oncall"))) {
        loupe.server().alertNotifications().accept(List.of(a));
        assertThat(loupe.server().alertDispatcher().queueLength()).isEqualTo(1);
        // The delivery threads keep trying (and failing) meanwhile; the alert stays queued.
        assertThat(loupe.get("/metrics").body()).contains("loupe_notification_queue_length 1.0");
      }
      hook.restart();
      try (TestServer loupe = TestServer.start(dir, clock, yaml(hook, "oncall"))) {
        // Backoff is by Loupe's clock: move it past any retry delay.
        clock.advance(Duration.ofMinutes(10));
        Polling.until(Duration.ofSeconds(20), () -> hook.requests().size() == 1, () -> "requests: " + hook.requests());
        Polling.until(Duration.ofSeconds(20), () -> loupe.server().alertDispatcher().queueLength() == 0,
            () -> "still queued");
        assertThat(JSON.readTree(hook.bodies().get(0)).get("alerts").get(0).get("labels").get("alertname").asText())
            .isEqualTo("GpuTemperatureHigh");
        assertThat(loupe.get("/metrics").body())
            .contains("loupe_notifications_total{notifier=\"oncall\",outcome=\"delivered\"} 1.0");
      }
    }
  }
}
