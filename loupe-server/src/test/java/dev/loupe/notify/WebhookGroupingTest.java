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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grouping and routing of webhook notifications with Alertmanager's semantics, driven every 15 s
 * evaluation by a test clock.
 */
class WebhookGroupingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  private static final long S = 1000;
  private static final long T = T0.toEpochMilli();

  @TempDir Path dir;
  private final RecordingReceiver hook = RecordingReceiver.start();
  private final MutableClock clock = new MutableClock(T0);

  @AfterEach
  void stop() {
    hook.close();
  }

  /** Dispatches at t0 + seconds, delivers, and returns the notifications that went out then. */
  private List<JsonNode> at(AlertDispatcher d, long seconds, Alert... alerts) throws Exception {
    hook.clear();
    long now = T + seconds * S;
    d.dispatch(List.of(alerts), now);
    d.deliverDue(now);
    List<JsonNode> out = new ArrayList<>();
    for (String body : hook.bodies()) out.add(JSON.readTree(body));
    return out;
  }

  private static List<String> alertStates(JsonNode notification) {
    List<String> out = new ArrayList<>();
    notification.get("alerts").forEach(a -> out.add(a.get("labels").get("gpu").asText() + ":" + a.get("status").asText()));
    return out;
  }

  @Test
  void groupWaitThenGroupIntervalThenRepeatIntervalThenResolved() throws Exception {
    String yaml = "alerting:\n  webhooks:\n    - name: oncall\n      url: " + hook.uri("/hook") + "\n"
        + "  route:\n    receiver: oncall\n    group_by: [alertname]\n";  // 30s / 5m / 4h: Alertmanager's defaults
    Alert a = firing(labels("GpuTemperatureHigh", "warning", "gpu", "0"), T, T, 80);
    Alert b = firing(labels("GpuTemperatureHigh", "warning", "gpu", "1"), T + 45 * S, T + 60 * S, 81);
    try (AlertDispatcher d = TestAlerts.dispatcher(yaml, dir, clock, new PrometheusRegistry())) {
      assertThat(at(d, 0, a, pending(b.labels(), T + 45 * S, 79))).isEmpty();
      assertThat(at(d, 15, a)).isEmpty();
      List<JsonNode> first = at(d, 30, a);  // group_wait is up
      assertThat(first).hasSize(1);
      JsonNode n = first.get(0);
      assertThat(n.get("version").asText()).isEqualTo("4");
      assertThat(n.get("status").asText()).isEqualTo("firing");
      assertThat(n.get("receiver").asText()).isEqualTo("oncall");
      assertThat(n.get("groupKey").asText()).isEqualTo("{}:{alertname=\"GpuTemperatureHigh\"}");
      assertThat(JSON.convertValue(n.get("groupLabels"), Map.class)).isEqualTo(Map.of("alertname", "GpuTemperatureHigh"));
      assertThat(JSON.convertValue(n.get("commonLabels"), Map.class)).isEqualTo(a.labels());
      assertThat(n.get("externalURL").asText()).isEqualTo("http://loupe.example:9710");
      JsonNode alert = n.get("alerts").get(0);
      assertThat(alert.get("status").asText()).isEqualTo("firing");
      assertThat(JSON.convertValue(alert.get("labels"), Map.class)).isEqualTo(a.labels());
      assertThat(alert.get("annotations").get("summary").asText()).isEqualTo("GpuTemperatureHigh on 0");
      assertThat(alert.get("value").asDouble()).isEqualTo(80.0);
      assertThat(alert.get("startsAt").asText()).isEqualTo("2026-11-28T10:00:00Z");
      assertThat(alert.get("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
      assertThat(alert.get("generatorURL").asText()).isEqualTo("http://loupe.example:9710/#/alerts?rule=GpuTemperatureHigh");
      assertThat(alert.get("fingerprint").asText()).hasSize(16);
      assertThat(hook.requests().get(0).path()).isEqualTo("/hook");

      // b joins the group at 60s; it goes out with the next group_interval look, 5m after the first.
      for (long s = 45; s < 330; s += 15) assertThat(at(d, s, a, b)).as("at %ds", s).isEmpty();
      List<JsonNode> second = at(d, 330, a, b);
      assertThat(second).hasSize(1);
      assertThat(alertStates(second.get(0))).containsExactly("0:firing", "1:firing");

      // Nothing changes: silent until repeat_interval (4h) has passed, at the group_interval look after it.
      long repeatAt = 330 + 4 * 3600 + 300;
      for (long s = 345; s < repeatAt; s += 15) assertThat(at(d, s, a, b)).as("at %ds", s).isEmpty();
      assertThat(alertStates(at(d, repeatAt, a, b).get(0))).containsExactly("0:firing", "1:firing");

      // a resolves: told at the next look, with b still firing.
      long r = repeatAt + 20;
      Alert aOver = resolved(a, T + r * S);
      for (long s = r; s < repeatAt + 300; s += 15) assertThat(at(d, s, aOver, b)).as("at %ds", s).isEmpty();
      List<JsonNode> third = at(d, repeatAt + 300, aOver, b);
      assertThat(third.get(0).get("status").asText()).isEqualTo("firing");
      assertThat(alertStates(third.get(0))).containsExactly("0:resolved", "1:firing");
      assertThat(third.get(0).get("alerts").get(0).get("endsAt").asText())
          .isEqualTo(Instant.ofEpochMilli(T + r * S).toString());

      // b resolves: the all-resolved notification; then the group is gone and stays silent.
      Alert bOver = resolved(b, T + (repeatAt + 310) * S);
      assertThat(at(d, repeatAt + 315, aOver, bOver)).isEmpty();
      List<JsonNode> last = at(d, repeatAt + 600, aOver, bOver);
      assertThat(last.get(0).get("status").asText()).isEqualTo("resolved");
      assertThat(alertStates(last.get(0))).containsExactly("1:resolved");
      for (long s = repeatAt + 615; s < repeatAt + 1800; s += 15) {
        assertThat(at(d, s, aOver, bOver)).as("at %ds", s).isEmpty();
      }
    }
  }

  @Test
  void aGroupWhoseAlertFiredLongerAgoThanGroupWaitIsSentAtOnce() throws Exception {
    String yaml = "alerting:\n  webhooks:\n    - name: oncall\n      url: " + hook.uri("/") + "\n"
        + "  route:\n    receiver: oncall\n";
    try (AlertDispatcher d = TestAlerts.dispatcher(yaml, dir, clock, new PrometheusRegistry())) {
      // e.g. just after a restart of Loupe: the alert has been firing for 10 minutes.
      assertThat(at(d, 600, firing(labels("X", "critical", "gpu", "0"), T, T, 1))).hasSize(1);
    }
  }

  @Test
  void sendResolvedFalseLeavesResolvedAlertsOut() throws Exception {
    String yaml = "alerting:\n  webhooks:\n    - name: oncall\n      url: " + hook.uri("/") + "\n      send_resolved: false\n"
        + "  route:\n    receiver: oncall\n    group_wait: 0s\n    group_interval: 1m\n";
    Alert a = firing(labels("X", "critical", "gpu", "0"), T, T, 1);
    Alert b = firing(labels("X", "critical", "gpu", "1"), T, T, 1);
    try (AlertDispatcher d = TestAlerts.dispatcher(yaml, dir, clock, new PrometheusRegistry())) {
      assertThat(alertStates(at(d, 0, a, b).get(0))).containsExactly("0:firing", "1:firing");
      // a resolving alone is no news to a receiver that does not want resolved alerts.
      assertThat(at(d, 60, resolved(a, T + 50 * S), b)).isEmpty();
    }
  }

  @Test
  void routesMatchInOrderFirstMatchUnlessContinueAndTheRootTakesTheRest() throws Exception {
    try (RecordingReceiver pager = RecordingReceiver.start(); RecordingReceiver team = RecordingReceiver.start()) {
      String yaml = "alerting:\n  webhooks:\n"
          + "    - {name: default, url: '" + hook.uri("/") + "'}\n"
          + "    - {name: pager, url: '" + pager.uri("/") + "'}\n"
          + "    - {name: team, url: '" + team.uri("/") + "'}\n"
          + "  route:\n    receiver: default\n    group_by: ['...']\n    group_wait: 0s\n    routes:\n"
          + "      - matchers: ['severity=\"critical\"']\n        receiver: pager\n        continue: true\n"
          + "      - matchers: ['dimension=~\"compute|network\"', 'gpu!=\"7\"']\n        receiver: team\n"
          + "      - matchers: ['severity=\"warning\"']\n        receiver: pager\n";
      try (AlertDispatcher d = TestAlerts.dispatcher(yaml, dir, clock, new PrometheusRegistry())) {
        Alert criticalCompute = firing(labels("A", "critical", "gpu", "0"), T, T, 1);
        Alert warningCompute = firing(labels("B", "warning", "gpu", "0"), T, T, 1);
        Alert warningGpu7 = firing(labels("C", "warning", "gpu", "7"), T, T, 1);
        Map<String, String> info = labels("D", "info", "gpu", "7");
        info.put("dimension", "model");
        Alert other = firing(info, T, T, 1);
        at(d, 0, criticalCompute, warningCompute, warningGpu7, other);
        assertThat(names(pager)).containsExactlyInAnyOrder("A", "C");
        assertThat(names(team)).containsExactlyInAnyOrder("A", "B");
        assertThat(names(hook)).containsExactly("D");
        // group_by '...' groups by every label: one notification per alert here.
        assertThat(pager.requests()).hasSize(2);
      }
    }
  }

  private static List<String> names(RecordingReceiver r) throws Exception {
    List<String> out = new ArrayList<>();
    for (String body : r.bodies()) {
      JSON.readTree(body).get("alerts").forEach(a -> out.add(a.get("labels").get("alertname").asText()));
    }
    return out;
  }
}
