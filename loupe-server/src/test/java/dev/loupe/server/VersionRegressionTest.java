package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.rule.Transition;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pack's ModelVersionRegression, end to end through the store: a fine-tune that lowers
 * groundedness by 15 % goes pending once the new version has enough scores for the difference to
 * be significant, fires 5 minutes later naming both versions, turns the model tile warning, and
 * resolves when a later rollout brings it back. Evaluated once a minute, when the scores arrive.
 */
class VersionRegressionTest {
  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0);

  @Test
  void groundednessDownBy15PercentOnTheNewVersionWarnsAndNamesBothVersions() {
    try (TestServer loupe = TestServer.start(dir, clock, "rules: {evaluation_interval: 1h}\n")) {
      rollout(loupe, 0, null, "v1");
      for (int sec = 0; sec <= 125 * 60; sec += 60) {
        clock.set(T0.plusSeconds(sec));
        if (sec == 60 * 60) rollout(loupe, sec, "v1", "v2");
        if (sec == 120 * 60) rollout(loupe, sec, "v2", "v3");
        if (sec % 60 == 0) {
          int minute = sec / 60;
          String version = minute < 60 ? "v1" : minute < 120 ? "v2" : "v3";
          double base = version.equals("v2") ? 0.68 : 0.80;
          String id = "r-" + minute;
          post(loupe, "api/v1/inferences", "{\"timestamp\":" + T0.plusSeconds(sec).toEpochMilli()
              + ",\"service\":\"api\",\"deployment\":\"chat-prod\",\"model\":\"gpt-4o\",\"model_version\":\"" + version
              + "\",\"request_id\":\"" + id + "\",\"latency_ms\":400}");
          post(loupe, "api/v1/scores", "{\"timestamp\":" + T0.plusSeconds(sec).toEpochMilli()
              + ",\"name\":\"groundedness\",\"source\":\"heuristic\",\"request_id\":\"" + id + "\",\"value\":"
              + (base + (minute % 2 == 0 ? -0.05 : 0.05)) + "}");
        }
        loupe.server().evaluateRules();
        if (sec == 100 * 60) {
          // 41 scores of v2 by now, 21 of them 0.05 under 0.68: 0.67878 against v1's 0.80.
          JsonNode model = loupe.get("api/v1/health").json().at("/dimensions/model");
          assertThat(model.path("status").asText()).isEqualTo("warning");
          assertThat(model.path("reasons").get(0).asText())
              .isEqualTo("chat-prod: groundedness 15.15% worse on model_version v2 than on v1 (live since 2026-11-28T11:00:00Z)");
        }
      }
      List<String> seen = loupe.server().ruleEngine().history().stream()
          .filter(t -> t.rule().equals("ModelVersionRegression"))
          .map(t -> t.labels().get("severity") + " " + t.kind() + "@" + minutes(t.atMillis())).toList();
      // v2's 30th score arrives at 89:00 (the minutes 60 … 89): pending then, firing 5 m later;
      // the rollout of v3 at 120:00 ends the comparison with v2, resolved at that evaluation.
      assertThat(seen).containsExactly("warning PENDING@89", "warning FIRING@94", "warning RESOLVED@120");
      Transition firing = loupe.server().ruleEngine().history().stream()
          .filter(t -> t.rule().equals("ModelVersionRegression") && t.kind() == Transition.Kind.FIRING)
          .findFirst().orElseThrow();
      assertThat(firing.labels()).containsEntry("model_version", "v2").containsEntry("previous_model_version", "v1")
          .containsEntry("signal", "groundedness").containsEntry("worse_when", "lower");
    }
  }

  private static String minutes(long millis) {
    double m = (millis - T0.toEpochMilli()) / 60_000.0;
    return m == Math.rint(m) ? String.valueOf((long) m) : String.valueOf(m);
  }

  private static void rollout(TestServer loupe, int sec, String from, String to) {
    post(loupe, "api/v1/deployments", "{\"timestamp\":" + T0.plusSeconds(sec).toEpochMilli()
        + ",\"service\":\"api\",\"deployment\":\"chat-prod\",\"model\":\"gpt-4o\""
        + (from == null ? "" : ",\"from_version\":\"" + from + "\"") + ",\"to_version\":\"" + to + "\"}");
  }

  private static void post(TestServer loupe, String path, String body) {
    TestServer.Answer a = loupe.post(path, body);
    assertThat(a.status()).as(path + ": " + a.body()).isEqualTo(200);
  }
}
