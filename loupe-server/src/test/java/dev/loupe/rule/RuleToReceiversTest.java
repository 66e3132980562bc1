package dev.loupe.rule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.testing.ExternalServer;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.Polling;
import dev.loupe.testing.RealAlertmanager;
import dev.loupe.testing.RecordingReceiver;
import dev.loupe.testing.RemoteWrite;
import dev.loupe.testing.TestServer;
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
 * The whole path with nothing stubbed: a rule in loupe.yml fires over remote-written samples in a
 * real server, and the alert reaches Debian's real Alertmanager and a webhook as the server wires
 * them by default; when the condition clears, both are told it resolved.
 */
class RuleToReceiversTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void aFiringRuleReachesAlertmanagerAndTheWebhookAndEndsThereWhenResolved() throws Exception {
    try (ExternalServer am = RealAlertmanager.start(dir);
        RecordingReceiver hook = RecordingReceiver.start()) {
      int port = am.uri("/").getPort();
      // Alertmanager judges endsAt by its own wall clock: the alert fires a minute in the past and
      // resolves at the real now, so the resolve's endsAt is not ahead of Alertmanager's clock.
      MutableClock clock = new MutableClock(Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS));
      String config = """
          rules:
            evaluation_interval: 1h
            groups:
              - name: gpu
                rules:
                  - alert: GpuTooHot
                    signal: DCGM_FI_DEV_GPU_TEMP
                    aggregation: max
                    window: 30s
                    by: [gpu]
                    condition: '> 80'
                    severity: critical
                    dimension: compute
                    annotations:
                      summary: 'GPU {{ $labels.gpu }} at {{ $value }} C'
          alerting:
            alertmanagers:
              - url: http://127.0.0.1:AM_PORT
            webhooks:
              - name: oncall
                url: HOOK
            route:
              receiver: oncall
              group_wait: 0s
          """.replace("AM_PORT", Integer.toString(port)).replace("HOOK", hook.uri("/hook").toString());
      Path data = Files.createDirectories(dir.resolve("loupe"));
      try (TestServer loupe = TestServer.start(data, clock, config)) {
        long t0 = clock.millis();
        RemoteWrite.send(loupe, RemoteWrite.series("DCGM_FI_DEV_GPU_TEMP", Map.of("gpu", "3"), t0, 91));
        loupe.server().evaluateRules();

        Polling.until(Duration.ofSeconds(20), () -> active(am).size() == 1, () -> "alerts: " + active(am) + am.log());
        JsonNode a = active(am).get(0);
        assertThat(a.path("labels").path("alertname").asText()).isEqualTo("GpuTooHot");
        assertThat(a.path("labels").path("gpu").asText()).isEqualTo("3");
        assertThat(a.path("labels").path("severity").asText()).isEqualTo("critical");
        assertThat(a.path("annotations").path("summary").asText()).isEqualTo("GPU 3 at 91 C");
        Polling.until(Duration.ofSeconds(20), () -> hook.bodies().size() == 1, () -> "webhook: " + hook.bodies());
        JsonNode firing = JSON.readTree(hook.bodies().get(0));
        assertThat(firing.path("status").asText()).isEqualTo("firing");
        assertThat(firing.path("alerts").get(0).path("labels").path("gpu").asText()).isEqualTo("3");

        // Cool again, past the 30 s window: the next evaluation resolves the alert.
        clock.set(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        RemoteWrite.send(loupe, RemoteWrite.series("DCGM_FI_DEV_GPU_TEMP", Map.of("gpu", "3"), clock.millis(), 60));
        loupe.server().evaluateRules();
        Polling.until(Duration.ofSeconds(20), () -> active(am).isEmpty(), () -> "still active: " + active(am));
        // The webhook group's next notification waits for group_interval (5 m by default).
        clock.advance(Duration.ofMinutes(6));
        Polling.until(Duration.ofSeconds(20), () -> hook.bodies().size() == 2, () -> "webhook: " + hook.bodies());
        assertThat(JSON.readTree(hook.bodies().get(1)).path("status").asText()).isEqualTo("resolved");
      }
    }
  }

  private static List<JsonNode> active(ExternalServer am) {
    return RealAlertmanager.active(am);
  }

}
