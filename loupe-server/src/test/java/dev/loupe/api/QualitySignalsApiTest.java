package dev.loupe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quality signals in: scores, user feedback and ground-truth labels, each tied to the inference it
 * judges even when it arrives hours later, read back per deployment and model version.
 */
class QualitySignalsApiTest {
  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0);

  @Test
  void aScoreArrivingHoursLaterCountsForTheVersionOfItsInference() {
    try (TestServer loupe = TestServer.start(dir, clock)) {
      post(loupe, "api/v1/inferences", inference("r-1", "chat-prod", "v1", 0, null)
          + "\n" + inference("r-2", "chat-prod", "v2", 1, null));
      clock.set(T0.plusSeconds(5 * 3600));
      JsonNode ok = post(loupe, "api/v1/scores",
          score("r-1", 0.9, 5 * 3600) + "\n" + score("r-2", 0.4, 5 * 3600) + "\n" + score("r-unknown", 0.1, 5 * 3600));
      assertThat(ok.path("accepted").asInt()).isEqualTo(3);

      JsonNode scores = loupe.get("api/v1/scores?start=" + T0.plusSeconds(3600)).json().path("data");
      assertThat(scores).hasSize(3);
      assertThat(scores.get(0).path("model_version").asText()).isEqualTo("v1");
      assertThat(scores.get(1).path("model_version").asText()).isEqualTo("v2");
      assertThat(scores.get(2).has("deployment")).isFalse();

      JsonNode summary = loupe.get("api/v1/scores/summary?group_by=model_version&start=" + T0).json();
      assertThat(summary.path("group_by").toString()).isEqualTo("[\"model_version\",\"name\"]");
      assertThat(rows(summary.path("data"))).containsExactly(
          "v1 groundedness n=1 mean=0.9", "v2 groundedness n=1 mean=0.4");
    }
  }

  @Test
  void aScoreBeforeItsInferenceIsAttachedOnceTheInferenceArrives() {
    try (TestServer loupe = TestServer.start(dir, clock)) {
      post(loupe, "api/v1/scores", score("r-early", 0.7, 0));
      assertThat(loupe.get("api/v1/scores/summary?start=" + T0).json().path("data")).isEmpty();
      post(loupe, "api/v1/inferences", inference("r-early", "chat-prod", "v3", 2, null));
      assertThat(loupe.server().attachScores()).isEqualTo(1);
      assertThat(loupe.server().attachScores()).isZero();
      assertThat(rows(loupe.get("api/v1/scores/summary?group_by=deployment,model_version&start=" + T0).json().path("data")))
          .containsExactly("chat-prod v3 groundedness n=1 mean=0.7");
    }
  }

  @Test
  void feedbackBecomesHumanScoresAndBadFeedbackIsRejectedByLine() {
    try (TestServer loupe = TestServer.start(dir, clock)) {
      post(loupe, "api/v1/inferences", inference("r-1", "chat-prod", "v1", 0, null)
          + "\n" + inference("r-2", "chat-prod", "v1", 1, null));
      TestServer.Answer a = loupe.post("api/v1/feedback", String.join("\n",
          "{\"request_id\":\"r-1\",\"thumbs\":\"up\"}",
          "{\"request_id\":\"r-2\",\"thumbs\":\"down\",\"comment\":\"wrong city\"}",
          "{\"request_id\":\"r-2\",\"rating\":4}",
          "{\"request_id\":\"r-2\",\"rating\":7}",
          "{\"request_id\":\"r-2\",\"thumbs\":\"sideways\"}",
          "{\"thumbs\":\"up\"}"));
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.json().path("accepted").asInt()).isEqualTo(3);
      JsonNode errors = a.json().path("errors");
      assertThat(errors.get(0).toString()).contains("\"line\":4", "\"field\":\"rating\"", "from 1 to 5");
      assertThat(errors.get(1).toString()).contains("\"line\":5", "\"field\":\"thumbs\"", "sideways");
      assertThat(errors.get(2).toString()).contains("\"line\":6", "request_id");

      JsonNode scores = loupe.get("api/v1/scores?start=" + T0).json().path("data");
      assertThat(scores).hasSize(3);
      assertThat(scores).allMatch(s -> s.path("source").asText().equals("human"));
      assertThat(rows(loupe.get("api/v1/scores/summary?source=human&start=" + T0).json().path("data")))
          .containsExactly("user_feedback n=2 mean=0.5", "user_rating n=1 mean=4.0");
    }
  }

  @Test
  void labelsBecomeAccuracyAgainstTheCapturedCompletionOrThePrediction() {
    try (TestServer loupe = TestServer.start(dir, clock, "ingest: {capture: {completions: true}}\n")) {
      post(loupe, "api/v1/inferences", String.join("\n",
          inference("c-1", "classify-prod", "v1", 0, "Positive."),
          inference("c-2", "classify-prod", "v1", 1, "negative"),
          inference("c-3", "classify-prod", "v2", 2, null),
          inference("c-4", "classify-prod", "v2", 3, "\"neutral\"")));
      clock.set(T0.plusSeconds(2 * 3600));
      TestServer.Answer a = loupe.post("api/v1/labels", String.join("\n",
          "{\"request_id\":\"c-1\",\"label\":\"positive\"}",
          "{\"request_id\":\"c-2\",\"label\":\"positive\"}",
          "{\"request_id\":\"c-3\",\"label\":\"neutral\"}",
          "{\"request_id\":\"c-3\",\"label\":\"neutral\",\"predicted\":\"Neutral\"}",
          "{\"request_id\":\"c-4\",\"label\":\"neutral\"}",
          "{\"request_id\":\"c-9\",\"label\":\"neutral\"}",
          "{\"request_id\":\"c-1\"}"));
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.json().path("accepted").asInt()).isEqualTo(4);
      JsonNode errors = a.json().path("errors");
      assertThat(errors).hasSize(3);
      assertThat(errors.get(0).toString()).contains("\"line\":3", "\"field\":\"predicted\"", "without its completion");
      assertThat(errors.get(1).toString()).contains("\"line\":6", "\"field\":\"request_id\"", "c-9", "is stored");
      assertThat(errors.get(2).toString()).contains("\"line\":7", "\"field\":\"label\"");

      JsonNode summary = loupe.get("api/v1/scores/summary?group_by=model_version&name=accuracy&start=" + T0).json();
      assertThat(rows(summary.path("data"))).containsExactly("v1 accuracy n=2 mean=0.5", "v2 accuracy n=2 mean=1.0");
    }
  }

  @Test
  void qualityScoresAreASignalForQueryRangeAndRules() {
    try (TestServer loupe = TestServer.start(dir, clock)) {
      StringBuilder inferences = new StringBuilder();
      StringBuilder scores = new StringBuilder();
      for (int i = 0; i < 10; i++) {
        inferences.append(inference("q-" + i, "chat-prod", "v1", i * 30, null)).append('\n');
        scores.append(score("q-" + i, i < 5 ? 0.8 : 0.4, i * 30 + 5)).append('\n');
      }
      post(loupe, "api/v1/inferences", inferences.toString());
      post(loupe, "api/v1/scores", scores.toString());
      String query = URLEncoder.encode("loupe_quality_score{deployment=\"chat-prod\",name=\"groundedness\"}",
          StandardCharsets.UTF_8);
      JsonNode result = loupe.get("api/v1/signals/query_range?query=" + query + "&start=" + (T0.getEpochSecond() + 150)
          + "&end=" + (T0.getEpochSecond() + 300) + "&step=150").json().at("/data/result");
      assertThat(result).hasSize(1);
      assertThat(result.get(0).path("metric").path("model_version").asText()).isEqualTo("v1");
      assertThat(result.get(0).path("metric").path("source").asText()).isEqualTo("heuristic");
      // [0, 150): scores at 5…125 s, all 0.8; [150, 300): 155, 185, 215, 245, 275 s, all 0.4.
      assertThat(result.get(0).path("values").toString())
          .isEqualTo("[[" + (T0.getEpochSecond() + 150) + ",\"0.8\"],[" + (T0.getEpochSecond() + 300) + ",\"0.4\"]]");

      clock.set(T0.plusSeconds(300));
      JsonNode test = loupe.post("api/v1/rules/test?since=4m&interval=1m&until=" + T0.plusSeconds(300), """
          alert: GroundednessLow
          ratio:
            numerator: {signal: 'loupe_quality_score_sum{name="groundedness"}', aggregation: sum}
            denominator: {signal: 'loupe_quality_score_count{name="groundedness"}', aggregation: sum}
          window: 2m
          by: [deployment, model_version]
          condition: '< 0.6'
          severity: warning
          dimension: model
          """).json();
      assertThat(test.toString()).contains("GroundednessLow");
      List<String> firing = new ArrayList<>();
      for (JsonNode t : test.at("/data/rules/0/transitions")) {
        firing.add(t.path("state").asText() + "@" + Instant.parse(t.path("at").asText()).getEpochSecond() % 3600);
      }
      // Minutes [0, 60) and [60, 120) hold only 0.8s. The window ending at 180 s holds the minutes
      // ending at 120 and 180 s: 65, 95 (0.8) and 125, 155 (0.8, 0.4): 0.7; the one ending at
      // 240 s holds 125…215 s: (0.8 + 0.4 × 3) / 4 = 0.5, so the rule fires then (no for).
      assertThat(firing).containsExactly("pending@240", "firing@240");
    }
  }

  private static List<String> rows(JsonNode data) {
    List<String> out = new ArrayList<>();
    for (JsonNode r : data) {
      StringBuilder b = new StringBuilder();
      for (String label : List.of("deployment", "model_version", "name")) {
        if (r.has(label)) b.append(r.path(label).asText()).append(' ');
      }
      out.add(b + "n=" + r.path("count").asLong() + " mean=" + Math.round(r.path("mean").asDouble() * 1000) / 1000.0);
    }
    return out;
  }

  private static JsonNode post(TestServer loupe, String path, String body) {
    TestServer.Answer a = loupe.post(path, body);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return a.json();
  }

  private static String inference(String id, String deployment, String version, int sec, String completion) {
    return "{\"timestamp\":" + T0.plusSeconds(sec).toEpochMilli() + ",\"service\":\"api\",\"deployment\":\""
        + deployment + "\",\"model\":\"gpt-4o\",\"model_version\":\"" + version + "\",\"request_id\":\"" + id
        + "\",\"latency_ms\":400" + (completion == null ? "" : ",\"completion\":" + TestServer.JSON.valueToTree(completion))
        + "}";
  }

  private static String score(String id, double value, int sec) {
    return "{\"timestamp\":" + T0.plusSeconds(sec).toEpochMilli() + ",\"name\":\"groundedness\",\"value\":" + value
        + ",\"source\":\"heuristic\",\"request_id\":\"" + id + "\"}";
  }
}
