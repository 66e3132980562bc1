package dev.loupe.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.Polling;
import dev.loupe.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LLM judge through a running Loupe: an inference with its captured text is graded by a fake
 * OpenAI-compatible server, and the grade is stored as an llm_judge score of that inference's
 * deployment and version; a judge that answers 500 costs ingest nothing.
 */
class JudgeThroughServerTest {
  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0);

  @Test
  void aCapturedInferenceIsGradedAndItsGradeStoredAsAScoreOfItsVersion() throws Exception {
    try (FakeChatCompletions fake = new FakeChatCompletions()
            .then(FakeChatCompletions.verdict(0.25, "misses the question"), FakeChatCompletions.raw(500, "down"));
        TestServer loupe = TestServer.start(dir, clock, """
            ingest: {capture: {prompts: true, completions: true}}
            evaluation:
              judge:
                enabled: true
                url: %s
                model: judge-1
                sample_rate: 1.0
                rubric: Grade correctness.
            """.formatted(fake.baseUrl()))) {
      assertThat(loupe.post("api/v1/inferences", event("j-1") + "\n" + event("j-2")).status()).isEqualTo(200);
      fake.awaitRequests(2, Duration.ofSeconds(30));
      assertThat(fake.requests().get(0).body()).contains("judge-1", "Grade correctness.", "What is 2+2?");
      Polling.until(Duration.ofSeconds(30),
          () -> loupe.get("api/v1/scores?start=" + T0).json().path("data").size() >= 1,
          () -> loupe.get("api/v1/scores?start=" + T0).body());
      JsonNode judged = null;
      for (JsonNode s : loupe.get("api/v1/scores?start=" + T0).json().path("data")) {
        if (s.path("source").asText().equals("llm_judge")) judged = s;
      }
      assertThat(judged).isNotNull();
      assertThat(judged.path("value").asDouble()).isEqualTo(0.25);
      assertThat(judged.path("comment").asText()).isEqualTo("misses the question");
      assertThat(judged.path("deployment").asText()).isEqualTo("chat-prod");
      assertThat(judged.path("model_version").asText()).isEqualTo("v2");
      // The 500 reached the fake before the judge finished with it: wait for its count.
      Polling.until(Duration.ofSeconds(30),
          () -> loupe.get("metrics").body().contains("loupe_judge_calls_total{outcome=\"http_error\"} 1.0"),
          () -> "no http_error counted");
    }
  }

  private static String event(String id) {
    return "{\"timestamp\":\"" + T0 + "\",\"service\":\"chat\",\"deployment\":\"chat-prod\",\"model\":\"gpt-4o\","
        + "\"model_version\":\"v2\",\"request_id\":\"" + id + "\",\"latency_ms\":300,"
        + "\"prompt\":\"What is 2+2?\",\"completion\":\"It is 5.\"}";
  }
}
