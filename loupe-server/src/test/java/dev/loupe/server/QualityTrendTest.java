package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.rule.Transition;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slow decline no fixed threshold sees: groundedness steady for a week, then 10 % lower spread
 * over 14 days, back-filled after the first evaluation and so replayed once late: the sequential
 * detector catches it within 3 days of its start, the pack's ModelQualityDegrading fires naming the estimated start,
 * and the model tile says so. A steady deployment beside it never fires.
 */
class QualityTrendTest {
  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  static final Duration DECLINE_STARTS = Duration.ofDays(7);
  /** One score a minute: sparser streams alarm falsely more often (one every 3 minutes did, a day early). */
  static final int STEP_MINUTES = 1;

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0.plus(Duration.ofDays(21)));

  @Test
  void aTenPercentDeclineOverTwoWeeksIsCaughtWithinThreeDaysAndItsStartNamed() {
    try (TestServer loupe = TestServer.start(dir, clock, "rules: {evaluation_interval: 1h}\n")) {
      // Evaluated once before the history arrives (as the demo's back-fill races its first
      // evaluations): the history is then late, and the next evaluation after 2 minutes replays it.
      loupe.server().evaluateRules();
      send(loupe, "chat-prod", true);
      send(loupe, "summarize-prod", false);
      clock.set(clock.instant().plusSeconds(60));
      loupe.server().evaluateRules();
      assertThat(loupe.server().ruleEngine().history()).as("replays at most every 2 minutes")
          .noneMatch(x -> x.rule().equals("ModelQualityDegrading"));
      clock.set(clock.instant().plusSeconds(60));
      loupe.server().evaluateRules();

      List<Transition> fired = loupe.server().ruleEngine().history().stream()
          .filter(t -> t.rule().equals("ModelQualityDegrading") && t.kind() == Transition.Kind.FIRING).toList();
      assertThat(fired).hasSize(1);
      Transition t = fired.get(0);
      assertThat(t.labels()).containsEntry("deployment", "chat-prod").containsEntry("name", "groundedness")
          .containsEntry("direction", "decrease");
      Instant since = Instant.parse(t.labels().get("since"));
      assertThat(since).isBetween(T0.plus(DECLINE_STARTS).minus(Duration.ofDays(1)), T0.plus(DECLINE_STARTS).plus(Duration.ofDays(3)));

      JsonNode model = loupe.get("api/v1/health").json().at("/dimensions/model");
      assertThat(model.path("status").asText()).isEqualTo("warning");
      assertThat(model.path("reasons").get(0).asText())
          .startsWith("chat-prod: groundedness drifting the wrong way since " + t.labels().get("since"));
    }
  }

  /** 21 days of one inference and its groundedness score a minute; declining from day 7 when asked. */
  private void send(TestServer loupe, String deployment, boolean declining) {
    Random random = new Random(deployment.hashCode());
    StringBuilder inferences = new StringBuilder();
    StringBuilder scores = new StringBuilder();
    int minutes = 21 * 24 * 60;
    for (int m = 0; m < minutes; m += STEP_MINUTES) {
      long t = T0.plusSeconds(m * 60L).toEpochMilli();
      double days = m / 1440.0;
      double decline = declining ? 0.10 * Math.max(0, Math.min(1, (days - 7) / 14)) : 0;
      // A small daily cycle (busier afternoons answer a little worse) and noise.
      double value = 0.80 * (1 - decline) - 0.01 * Math.sin(2 * Math.PI * days) + 0.03 * random.nextGaussian();
      String id = deployment + "-" + m;
      inferences.append("{\"timestamp\":").append(t).append(",\"service\":\"api\",\"deployment\":\"").append(deployment)
          .append("\",\"model\":\"gpt-4o\",\"model_version\":\"v1\",\"request_id\":\"").append(id)
          .append("\",\"latency_ms\":400}\n");
      scores.append(String.format(Locale.ROOT, "{\"timestamp\":%d,\"name\":\"groundedness\",\"source\":\"heuristic\","
          + "\"request_id\":\"%s\",\"value\":%.4f}%n", t + 1000, id, value));
      if ((m / STEP_MINUTES + 1) % 5000 == 0 || m + STEP_MINUTES >= minutes) {
        assertThat(loupe.post("api/v1/inferences", inferences.toString()).status()).isEqualTo(200);
        TestServer.Answer a = loupe.post("api/v1/scores", scores.toString());
        assertThat(a.status()).isEqualTo(200);
        inferences.setLength(0);
        scores.setLength(0);
      }
    }
  }
}
