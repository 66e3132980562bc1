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
 * A fine-tune that writes 2.5 times the output tokens costs 75 % more per request: the version comparison
 * reports it like a latency regression, naming both versions, as the cost dimension's
 * CostPerRequestRegression (critical above +50 %), not as the model dimension's rule.
 */
class CostRegressionTest {
  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0);

  @Test
  void aVersionWritingLongerAnswersRaisesCostPerRequestNamingBothVersions() {
    try (TestServer loupe = TestServer.start(dir, clock, "rules: {evaluation_interval: 1h}\n")) {
      rollout(loupe, 0, null, "v1");
      for (int minute = 0; minute <= 100; minute++) {
        clock.set(T0.plusSeconds(60L * minute));
        if (minute == 60) rollout(loupe, minute * 60, "v1", "v2");
        String version = minute < 60 ? "v1" : "v2";
        long output = (version.equals("v1") ? 200 : 500) + (minute % 2 == 0 ? -20 : 20);
        TestServer.Answer a = loupe.post("api/v1/inferences", "{\"timestamp\":" + clock.millis()
            + ",\"service\":\"api\",\"deployment\":\"chat-prod\",\"model\":\"gpt-4o\",\"model_version\":\"" + version
            + "\",\"request_id\":\"r-" + minute + "\",\"input_tokens\":800,\"output_tokens\":" + output
            + ",\"latency_ms\":400}");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        loupe.server().evaluateRules();
      }
      List<Transition> cost = loupe.server().ruleEngine().history().stream()
          .filter(t -> t.rule().equals("CostPerRequestRegression")).toList();
      assertThat(cost).extracting(t -> t.labels().get("severity") + " " + t.kind())
          .containsExactly("warning PENDING", "critical PENDING", "warning FIRING", "critical FIRING");
      Transition firing = cost.stream().filter(t -> t.kind() == Transition.Kind.FIRING).findFirst().orElseThrow();
      assertThat(firing.labels()).containsEntry("model_version", "v2").containsEntry("previous_model_version", "v1")
          .containsEntry("signal", "cost per request").containsEntry("dimension", "cost");
      assertThat(loupe.server().ruleEngine().history()).as("the model dimension leaves cost to the cost rule")
          .noneMatch(t -> t.rule().equals("ModelVersionRegression"));
      JsonNode tile = loupe.get("api/v1/health").json().at("/dimensions/cost");
      assertThat(tile.path("status").asText()).isEqualTo("critical");
      // (800 × 2.5 + 500 × 10) against (800 × 2.5 + 200 × 10): about +75 % (the ±20 tokens do not
      // average out exactly), by the shipped gpt-4o price.
      assertThat(tile.at("/reasons/0").asText()).matches("chat-prod: cost per request \\+7[45](\\.\\d+)?% .*")
          .contains("on model_version v2 against v1");
    }
  }

  private static void rollout(TestServer loupe, int sec, String from, String to) {
    TestServer.Answer a = loupe.post("api/v1/deployments", "{\"timestamp\":" + T0.plusSeconds(sec).toEpochMilli()
        + ",\"service\":\"api\",\"deployment\":\"chat-prod\",\"model\":\"gpt-4o\""
        + (from == null ? "" : ",\"from_version\":\"" + from + "\"") + ",\"to_version\":\"" + to + "\"}");
    assertThat(a.status()).isEqualTo(200);
  }
}
