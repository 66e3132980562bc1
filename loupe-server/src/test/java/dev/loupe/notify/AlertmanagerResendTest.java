package dev.loupe.notify;

import static dev.loupe.notify.TestAlerts.firing;
import static dev.loupe.notify.TestAlerts.labels;
import static dev.loupe.notify.TestAlerts.pending;
import static dev.loupe.notify.TestAlerts.resolved;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.model.Alert;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.RecordingReceiver;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What Loupe posts to Alertmanager and when, against Prometheus's rules/alerting.go, with a test clock. */
class AlertmanagerResendTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  private static final long S = 1000;

  @TempDir Path dir;
  private final RecordingReceiver am = RecordingReceiver.start();
  private final MutableClock clock = new MutableClock(T0);

  @AfterEach
  void stop() {
    am.close();
  }

  private AlertDispatcher dispatcher(String extra) {
    return TestAlerts.dispatcher("alerting:\n" + extra + "  alertmanagers:\n    - url: " + am.uri("") + "\n",
        dir, clock, new PrometheusRegistry());
  }

  /** Dispatches at t0 + seconds and delivers; returns what reached the Alertmanager then. */
  private List<JsonNode> at(AlertDispatcher d, long seconds, Alert... alerts) throws Exception {
    am.clear();
    long now = T0.toEpochMilli() + seconds * S;
    d.dispatch(List.of(alerts), now);
    d.deliverDue(now);
    List<JsonNode> out = new ArrayList<>();
    for (RecordingReceiver.Request r : am.requests()) {
      assertThat(r.path()).isEqualTo("/api/v2/alerts");
      assertThat(r.headers()).containsEntry("content-type", "application/json");
      JSON.readTree(r.body()).forEach(out::add);
    }
    return out;
  }

  @Test
  void pendingIsNotSentFiringIsResentAfterResendDelayResolvedIsSentAtOnceWithItsEnd() throws Exception {
    long t0 = T0.toEpochMilli();
    Map<String, String> labels = labels("GpuTemperatureHigh", "warning", "gpu", "0");
    try (AlertDispatcher d = dispatcher("")) {
      assertThat(at(d, 0, pending(labels, t0, 80))).isEmpty();
      assertThat(at(d, 15, pending(labels, t0, 81))).isEmpty();

      Alert fired = firing(labels, t0, t0 + 30 * S, 82);
      List<JsonNode> first = at(d, 30, fired);
      assertThat(first).hasSize(1);
      JsonNode a = first.get(0);
      assertThat(JSON.convertValue(a.get("labels"), Map.class)).isEqualTo(labels);
      assertThat(a.get("annotations").get("summary").asText()).isEqualTo("GpuTemperatureHigh on 0");
      // startsAt is when it fired (Prometheus's FiredAt), not when it went pending.
      assertThat(a.get("startsAt").asText()).isEqualTo("2026-11-28T10:00:30Z");
      // endsAt = now + 4 × max(evaluation interval 15s, resend delay 1m).
      assertThat(a.get("endsAt").asText()).isEqualTo("2026-11-28T10:04:30Z");
      assertThat(a.get("generatorURL").asText()).isEqualTo("http://loupe.example:9710/#/alerts?rule=GpuTemperatureHigh");
      assertThat(a.fieldNames()).toIterable()
          .containsExactly("labels", "annotations", "startsAt", "endsAt", "generatorURL");

      // Re-sent only once the last send is more than resend_delay ago: not at +60s, at the evaluation after.
      assertThat(at(d, 45, fired)).isEmpty();
      assertThat(at(d, 60, fired)).isEmpty();
      assertThat(at(d, 90, fired)).isEmpty();
      List<JsonNode> resent = at(d, 105, fired);
      assertThat(resent).hasSize(1);
      assertThat(resent.get(0).get("startsAt").asText()).isEqualTo("2026-11-28T10:00:30Z");
      assertThat(resent.get(0).get("endsAt").asText()).isEqualTo("2026-11-28T10:05:45Z");

      Alert over = resolved(fired, t0 + 120 * S);
      List<JsonNode> resolvedSend = at(d, 120, over);
      assertThat(resolvedSend).hasSize(1);
      assertThat(resolvedSend.get(0).get("endsAt").asText()).isEqualTo("2026-11-28T10:02:00Z");
      // While the engine keeps it, re-sent as resolved every resend_delay, its end unchanged.
      assertThat(at(d, 135, over)).isEmpty();
      assertThat(at(d, 180, over)).isEmpty();
      List<JsonNode> again = at(d, 195, over);
      assertThat(again).hasSize(1);
      assertThat(again.get(0).get("endsAt").asText()).isEqualTo("2026-11-28T10:02:00Z");

      // A recurrence is a new instance (new active-since): its firing goes out at once.
      Alert recurred = firing(labels, t0 + 200 * S, t0 + 210 * S, 90);
      assertThat(at(d, 210, over, recurred)).hasSize(1);
    }
  }

  @Test
  void endsAtUsesTheEvaluationIntervalWhenItIsLongerThanTheResendDelay() throws Exception {
    long t0 = T0.toEpochMilli();
    try (AlertDispatcher d = AlertDispatcher.open(
        TestAlerts.settings("rules:\n  resend_delay: 30s\nalerting:\n  alertmanagers:\n    - url: " + am.uri("") + "\n")
            .withEvaluationInterval(Duration.ofMinutes(2)),
        dir, clock, new PrometheusRegistry())) {
      List<JsonNode> sent = at(d, 0, firing(labels("X", "critical"), t0, t0, 1));
      assertThat(sent.get(0).get("endsAt").asText()).isEqualTo("2026-11-28T10:08:00Z");
    }
  }

  @Test
  void everyAlertmanagerGetsEveryBatch() throws Exception {
    long t0 = T0.toEpochMilli();
    try (RecordingReceiver second = RecordingReceiver.start();
        AlertDispatcher d = TestAlerts.dispatcher("alerting:\n  alertmanagers:\n    - url: " + am.uri("")
            + "\n    - url: " + second.uri("/") + "\n", dir, clock, new PrometheusRegistry())) {
      at(d, 0, firing(labels("A", "warning"), t0, t0, 1), firing(labels("B", "critical"), t0, t0, 2));
      assertThat(am.requests()).hasSize(1);
      assertThat(second.requests()).hasSize(1);
      assertThat(second.requests().get(0).path()).isEqualTo("/api/v2/alerts");
      assertThat(JSON.readTree(second.requests().get(0).body())).hasSize(2);
      assertThat(second.bodies()).isEqualTo(am.bodies());
    }
  }
}
