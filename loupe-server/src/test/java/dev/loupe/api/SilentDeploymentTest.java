package dev.loupe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deployment that used to report and went quiet is a finding (the pack's
 * ModelDeploymentSilent): while another deployment keeps the model dimension fed, the silent one
 * fires after 10 minutes, turns the tile warning, and resolves when it reports again.
 */
class SilentDeploymentTest {
  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0);

  @Test
  void aDeploymentSilentFor10MinutesWarnsAndResolvesWhenItReportsAgain() {
    try (TestServer loupe = TestServer.start(dir, clock, "rules: {evaluation_interval: 1h}\n")) {
      List<String> silent = new ArrayList<>();
      for (int sec = 0; sec <= 20 * 60; sec += 15) {
        clock.set(T0.plusSeconds(sec));
        send(loupe, "chat-prod", sec);
        // summarize-prod sends during the first two minutes, then nothing until 15:00.
        if (sec <= 120 || sec >= 900) send(loupe, "summarize-prod", sec);
        loupe.server().evaluateRules();
        JsonNode alerts = loupe.get("api/v1/alerts").json().at("/data/alerts");
        for (JsonNode a : alerts) {
          if (a.at("/labels/alertname").asText().equals("ModelDeploymentSilent") && a.path("state").asText().equals("firing")) {
            silent.add(sec + ":" + a.at("/labels/deployment").asText());
          }
        }
        if (sec == 750) {
          JsonNode model = loupe.get("api/v1/health").json().at("/dimensions/model");
          assertThat(model.path("status").asText()).isEqualTo("warning");
          assertThat(model.path("reasons").get(0).asText()).contains("summarize-prod").contains("no inference for 10m");
        }
      }
      // Last seen at 2:00; silent for more than 600 s from 12:15 until it reports at 15:00.
      assertThat(silent).first().isEqualTo("735:summarize-prod");
      assertThat(silent).last().isEqualTo("885:summarize-prod");
      assertThat(silent).allMatch(s -> s.endsWith(":summarize-prod"));
      assertThat(loupe.get("api/v1/health").json().at("/dimensions/model/status").asText()).isEqualTo("ok");
    }
  }

  private static void send(TestServer loupe, String deployment, int sec) {
    String line = "{\"timestamp\":" + T0.plusSeconds(sec).toEpochMilli() + ",\"service\":\"api\",\"deployment\":\""
        + deployment + "\",\"model\":\"gpt-4o\",\"latency_ms\":400}";
    assertThat(loupe.post("api/v1/inferences", line).status()).isEqualTo(200);
  }
}
