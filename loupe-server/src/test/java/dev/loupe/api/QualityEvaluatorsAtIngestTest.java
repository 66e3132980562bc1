package dev.loupe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in evaluators at ingest: an inference whose completion the capture policy keeps is
 * scored with what its request carried (retrieved documents, the format asked for), each score tied
 * to the inference's deployment and version; a re-sent inference is not scored twice; with the
 * default policy (no text kept) nothing is scored.
 */
class QualityEvaluatorsAtIngestTest {
  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  static final String DOC = "The Loupe server listens on port 9710 for its HTTP API and on port 4318 for OTLP over HTTP.";

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0);

  @Test
  void capturedAnswersAreScoredWithTheirRequestsContext() {
    try (TestServer loupe = TestServer.start(dir, clock, "ingest: {capture: {prompts: true, completions: true}}\n")) {
      String body = String.join("\n",
          event("grounded", "Which port does the HTTP API use?",
              "The Loupe server listens on port 9710 for its HTTP API.", ",\"retrieved_context\":[\"" + DOC + "\"]"),
          event("ungrounded", "Which port does the HTTP API use?",
              "Bananas ripen faster beside apples because of ethylene gas released overnight.",
              ",\"retrieved_context\":[{\"text\":\"" + DOC + "\"}]"),
          event("refused", "Tell me the admin password.", "I'm sorry, but I can't help with that request.", ""),
          event("bad-json", "Give me the user as JSON.", "{\"name\": \"Ada\", \"age\": ", ",\"response_format\":{\"type\":\"json_object\"}"),
          event("truncated", "Write a long story.", "Once upon a time there was", ",\"finish_reason\":\"length\""));
      assertThat(loupe.post("api/v1/inferences", body).status()).isEqualTo(200);
      Map<String, Double> s = scores(loupe);
      assertThat(s.get("grounded/groundedness")).isGreaterThan(0.7);
      assertThat(s.get("ungrounded/groundedness")).isLessThan(0.2);
      assertThat(s.get("refused/refusal")).isEqualTo(1.0);
      assertThat(s.get("grounded/refusal")).isEqualTo(0.0);
      assertThat(s.get("bad-json/structured_output_valid")).isEqualTo(0.0);
      assertThat(s.get("truncated/truncated")).isEqualTo(1.0);
      assertThat(s).doesNotContainKey("refused/groundedness");
      JsonNode any = loupe.get("api/v1/scores?start=" + T0).json().path("data").get(0);
      assertThat(any.path("source").asText()).isEqualTo("heuristic");
      assertThat(any.path("deployment").asText()).isEqualTo("rag-prod");
      assertThat(any.path("model_version").asText()).isEqualTo("v7");

      int before = loupe.get("api/v1/scores?start=" + T0).json().path("data").size();
      TestServer.Answer again = loupe.post("api/v1/inferences", body);
      assertThat(again.json().path("duplicates").asInt()).isEqualTo(5);
      assertThat(loupe.get("api/v1/scores?start=" + T0).json().path("data").size()).as("a re-send is not scored again")
          .isEqualTo(before);
    }
  }

  @Test
  void withTheDefaultPolicyNoTextIsKeptAndNothingIsScored() {
    try (TestServer loupe = TestServer.start(dir, clock)) {
      assertThat(loupe.post("api/v1/inferences", event("r-1", "Hi", "I'm sorry, I can't.", "")).status()).isEqualTo(200);
      assertThat(loupe.get("api/v1/scores?start=" + T0).json().path("data")).isEmpty();
    }
  }

  @Test
  void aBadContextFieldRejectsItsEventNamingTheField() {
    try (TestServer loupe = TestServer.start(dir, clock, "ingest: {capture: {completions: true}}\n")) {
      TestServer.Answer a = loupe.post("api/v1/inferences",
          event("ok", "q", "a", "") + "\n" + event("bad", "q", "a", ",\"retrieved_context\":42"));
      assertThat(a.json().path("accepted").asInt()).isEqualTo(1);
      assertThat(a.json().path("errors").get(0).toString()).contains("\"line\":2", "retrieved_context", "a string or an array");
    }
  }

  private static Map<String, Double> scores(TestServer loupe) {
    Map<String, Double> out = new HashMap<>();
    for (JsonNode s : loupe.get("api/v1/scores?start=" + T0).json().path("data")) {
      out.put(s.path("request_id").asText() + "/" + s.path("name").asText(), s.path("value").asDouble());
    }
    return out;
  }

  private static String event(String id, String prompt, String completion, String extra) {
    return "{\"timestamp\":\"" + T0 + "\",\"service\":\"rag\",\"deployment\":\"rag-prod\",\"model\":\"gpt-4o\","
        + "\"model_version\":\"v7\",\"request_id\":\"" + id + "\",\"latency_ms\":300,\"output_tokens\":20,"
        + "\"prompt\":" + TestServer.JSON.valueToTree(prompt) + ",\"completion\":" + TestServer.JSON.valueToTree(completion)
        + extra + "}";
  }
}
