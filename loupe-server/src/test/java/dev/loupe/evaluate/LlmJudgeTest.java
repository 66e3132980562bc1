package dev.loupe.evaluate;

import static dev.loupe.evaluate.FakeChatCompletions.content;
import static dev.loupe.evaluate.FakeChatCompletions.hold;
import static dev.loupe.evaluate.FakeChatCompletions.raw;
import static dev.loupe.evaluate.FakeChatCompletions.slow;
import static dev.loupe.evaluate.FakeChatCompletions.verdict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.dimension.model.quality.DeterministicSampler;
import dev.loupe.dimension.model.quality.RequestContext;
import dev.loupe.model.Inference;
import dev.loupe.model.Outcome;
import dev.loupe.model.Score;
import dev.loupe.model.ScoreSource;
import dev.loupe.model.SeriesKey;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.Polling;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LlmJudgeTest {
  static final long T = 1_796_000_000_000L;
  static final String SECRET = "PATIENT-NAME-Jane-Roe";
  static final Map<String, String> ENV = Map.of("JUDGE_KEY", "sk-test-123");

  final FakeChatCompletions endpoint = new FakeChatCompletions();
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-08T10:00:00Z"));
  final JudgeMetrics metrics = JudgeMetrics.unregistered();
  final BlockingQueue<Score> scores = new LinkedBlockingQueue<>();
  final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  final Logger log = (Logger) LoggerFactory.getLogger(LlmJudge.class);
  LlmJudge judge;

  @BeforeEach
  void captureLogs() {
    logged.start();
    log.addAppender(logged);
  }

  @AfterEach
  void stop() {
    if (judge != null) judge.close();
    endpoint.close();
    log.detachAppender(logged);
  }

  EvaluationConfig.Judge config(Duration timeout, int callsPerHour, Long tokensPerDay, int queue) {
    return new EvaluationConfig.Judge(true, endpoint.baseUrl(), "judge-1", null, "JUDGE_KEY", 1.0,
        "Grade correctness.", timeout, callsPerHour, tokensPerDay, queue, null, null, null);
  }

  LlmJudge start(EvaluationConfig.Judge config) {
    judge = LlmJudge.start(config, clock, metrics, scores::add, ENV::get);
    return judge;
  }

  static Inference inference(String requestId) {
    return new Inference(T, new SeriesKey("chat-api", "chat-prod", "gpt-4o", "v1"), "chat", requestId,
        "4bf92f3577b34da6a3ce929d0e0e4736", "acme", null, 40L, 12L, null, 900.0, 200.0, Outcome.OK, 200, "stop",
        null, null, "What is the dose for " + SECRET + "?", "Take 200 mg of ibuprofen with food.", null);
  }

  Score nextScore() throws InterruptedException {
    Score s = scores.poll(20, TimeUnit.SECONDS);
    assertThat(s).as("a score from the judge").isNotNull();
    return s;
  }

  void awaitCalls(String outcome, long n) {
    Polling.until(Duration.ofSeconds(20), () -> metrics.calls(outcome) >= n,
        () -> outcome + " calls: " + metrics.calls(outcome));
  }

  @Test
  void gradesAnInferenceAndSaysWhatItSent() throws Exception {
    start(config(Duration.ofSeconds(10), 60, null, 10));
    endpoint.then(verdict(0.8, "Correct dose, mentions food."));
    assertThat(judge.offer(inference("r-1"), RequestContext.retrieved(List.of("Ibuprofen: 200-400 mg every 4-6 h.")))).isTrue();

    Score s = nextScore();
    // Tied to the inference it grades, so it counts for that deployment and version at once.
    assertThat(s).isEqualTo(new Score(T, "llm_judge", 0.8, ScoreSource.LLM_JUDGE, "r-1",
        "4bf92f3577b34da6a3ce929d0e0e4736", "Correct dose, mentions food.", inference("r-1").key()));
    assertThat(metrics.calls("scored")).isEqualTo(1);
    assertThat(metrics.tokens()).isEqualTo(80);

    FakeChatCompletions.Request r = endpoint.requests().get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/v1/chat/completions");
    assertThat(r.headers()).containsEntry("authorization", "Bearer sk-test-123").containsEntry("content-type", "application/json");
    JsonNode body = new ObjectMapper().readTree(r.body());
    assertThat(body.path("model").asText()).isEqualTo("judge-1");
    assertThat(body.path("response_format").path("type").asText()).isEqualTo("json_object");
    assertThat(body.path("messages").path(0).path("role").asText()).isEqualTo("system");
    assertThat(body.path("messages").path(0).path("content").asText()).startsWith("Grade correctness.")
        .contains("\"score\"", "\"reason\"");
    String user = body.path("messages").path(1).path("content").asText();
    assertThat(user).contains("<prompt>\nWhat is the dose for " + SECRET + "?\n</prompt>",
        "<context>\nIbuprofen: 200-400 mg every 4-6 h.\n</context>",
        "<response>\nTake 200 mg of ibuprofen with food.\n</response>");
  }

  @Test
  void readsVerdictsTheWayModelsWriteThem() throws Exception {
    start(config(Duration.ofSeconds(10), 60, null, 10));
    endpoint.then(
        content("```json\n{\"score\": 0.25, \"reason\": \"Wrong unit.\"}\n```", 50),
        content("Here is my grade: {\"score\": \"0.9\", \"reason\": \"Good.\"} Hope that helps.", 50),
        raw(200, "{\"choices\": [{\"message\": {\"content\": [{\"type\": \"text\", \"text\": \"{\\\"score\\\": 1}\"}]}}]}"));
    for (int n = 1; n <= 3; n++) judge.offer(inference("r-" + n));
    assertThat(List.of(nextScore(), nextScore(), nextScore())).extracting(Score::value, Score::comment)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(0.25, "Wrong unit."),
            org.assertj.core.groups.Tuple.tuple(0.9, "Good."), org.assertj.core.groups.Tuple.tuple(1.0, null));
  }

  @Test
  void badAnswersAreCountedAndLoggedWithoutTheirText() throws Exception {
    start(config(Duration.ofSeconds(10), 60, null, 10));
    endpoint.then(
        content("The patient " + SECRET + " should get a 7/10.", 50),
        content("{\"score\": 7, \"reason\": \"" + SECRET + "\"}", 50),
        content("{\"reason\": \"no score here\"}", 50),
        raw(200, "<html>" + SECRET + "</html>"),
        raw(200, "{\"choices\": []}"));
    for (int n = 1; n <= 5; n++) judge.offer(inference("r-" + n));
    awaitCalls("bad_answer", 5);
    assertThat(scores).isEmpty();
    assertThat(metrics.tokens()).as("tokens of readable answers still count").isGreaterThanOrEqualTo(150);
    assertThat(logged.list).isNotEmpty();
    assertThat(logged.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(SECRET, "ibuprofen"));
  }

  @Test
  void serverErrorsAndTimeoutsAreCountedAndTheJudgeGoesOn() throws Exception {
    start(config(Duration.ofSeconds(2), 60, null, 10)); // long enough for a loaded machine's good answer
    endpoint.then(raw(500, "{\"error\": {\"message\": \"overloaded\"}}"),
        slow(Duration.ofSeconds(10), verdict(0.1, "too late")),
        verdict(0.7, "after the failures"));
    judge.offer(inference("r-1"));
    judge.offer(inference("r-2"));
    judge.offer(inference("r-3"));
    Score s = nextScore();
    assertThat(s.requestId()).isEqualTo("r-3");
    assertThat(s.value()).isEqualTo(0.7);
    assertThat(metrics.calls("http_error")).isEqualTo(1);
    assertThat(metrics.calls("timeout")).isEqualTo(1);
    assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(m -> m.contains("failed for request r-1: HTTP 500"))
        .anyMatch(m -> m.contains("failed for request r-2: no answer within PT2S"));
  }

  @Test
  void anUnreachableEndpointIsCounted() throws Exception {
    EvaluationConfig.Judge c = config(Duration.ofSeconds(2), 60, null, 10);
    endpoint.close(); // nothing listens on its port any more
    start(c);
    judge.offer(inference("r-1"));
    awaitCalls("unreachable", 1);
    assertThat(scores).isEmpty();
  }

  @Test
  void callsPerHourAreCappedOverASlidingHour() throws Exception {
    start(config(Duration.ofSeconds(10), 2, null, 10));
    assertThat(judge.offer(inference("r-1"))).isTrue();
    nextScore();
    clock.advance(Duration.ofMinutes(30));
    assertThat(judge.offer(inference("r-2"))).isTrue();
    nextScore();
    assertThat(judge.offer(inference("r-3"))).as("third call within the hour").isFalse();
    assertThat(metrics.skipped("budget_calls")).isEqualTo(1);
    clock.advance(Duration.ofMinutes(30)); // the first call leaves the window
    assertThat(judge.offer(inference("r-4"))).isTrue();
    assertThat(nextScore().requestId()).isEqualTo("r-4");
    assertThat(endpoint.requests()).hasSize(3);
  }

  @Test
  void tokensPerDayAreCappedOverASlidingDay() throws Exception {
    start(config(Duration.ofSeconds(10), 1000, 150L, 10));
    endpoint.then(verdict(0.5, "a"), verdict(0.5, "b"), verdict(0.5, "c"));
    judge.offer(inference("r-1"));
    nextScore(); // 80 tokens
    judge.offer(inference("r-2"));
    nextScore(); // 160 tokens: over the cap
    assertThat(judge.offer(inference("r-3"))).isFalse();
    assertThat(metrics.skipped("budget_tokens")).isEqualTo(1);
    clock.advance(Duration.ofHours(24));
    assertThat(judge.offer(inference("r-4"))).isTrue();
    assertThat(nextScore().requestId()).isEqualTo("r-4");
  }

  @Test
  void aStuckJudgeNeverBlocksTheCaller() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    start(config(Duration.ofSeconds(30), 1000, null, 2));
    endpoint.then(hold(release));
    judge.offer(inference("r-0"));
    endpoint.awaitRequests(1, Duration.ofSeconds(20)); // the worker is now stuck in its call
    int queued = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      int n = 0;
      for (int i = 1; i <= 50; i++) {
        if (judge.offer(inference("r-" + i))) n++;
      }
      return n;
    });
    assertThat(queued).isEqualTo(2);
    assertThat(metrics.skipped("queue_full")).isEqualTo(48);
    release.countDown();
    assertThat(List.of(nextScore(), nextScore(), nextScore())).extracting(Score::requestId)
        .containsExactly("r-0", "r-1", "r-2");
  }

  @Test
  void aFailingScoreSinkIsCountedAndTheJudgeGoesOn() throws Exception {
    judge = LlmJudge.start(config(Duration.ofSeconds(10), 60, null, 10), clock, metrics, s -> {
      if (s.requestId().equals("r-1")) throw new IllegalStateException("store closed");
      scores.add(s);
    }, ENV::get);
    judge.offer(inference("r-1"));
    judge.offer(inference("r-2"));
    assertThat(nextScore().requestId()).isEqualTo("r-2");
    assertThat(metrics.skipped("score_not_kept")).isEqualTo(1);
  }

  @Test
  void samplesByRequestIdAndNeedsACompletion() throws Exception {
    EvaluationConfig.Judge c = new EvaluationConfig.Judge(true, endpoint.baseUrl(), "judge-1", null, null, 0.3,
        null, Duration.ofSeconds(10), 1000, null, 1000, null, null, null);
    start(c);
    int offered = 0;
    for (int n = 0; n < 200; n++) {
      String id = "req-" + n;
      boolean taken = judge.offer(inference(id));
      assertThat(taken).as(id).isEqualTo(DeterministicSampler.keeps(id, 0.3, LlmJudge.SAMPLING_SALT));
      if (taken) offered++;
    }
    assertThat(offered).isBetween(40, 80);
    endpoint.awaitRequests(offered, Duration.ofSeconds(30));
    assertThat(endpoint.requests().get(0).headers()).doesNotContainKey("authorization");
    Inference notCaptured = new Inference(T, new SeriesKey("s", "d", "m", "v"), "chat", "req-1", null, null, null,
        null, null, null, null, null, Outcome.OK, null, null, null, null, null, null, null);
    assertThat(judge.offer(notCaptured)).isFalse();
  }

  @Test
  void disabledTakesNothingAndStartsNoThread() {
    judge = LlmJudge.start(EvaluationConfig.Judge.DISABLED, clock, metrics, scores::add, ENV::get);
    assertThat(judge.enabled()).isFalse();
    assertThat(judge.offer(inference("r-1"))).isFalse();
    assertThat(judge.stopped()).isTrue();
    assertThat(endpoint.requests()).isEmpty();
  }

  @Test
  void closeStopsTheWorker() {
    start(config(Duration.ofSeconds(10), 60, null, 10));
    judge.close();
    assertThat(judge.stopped()).isTrue();
    assertThat(judge.offer(inference("r-1"))).isFalse();
  }

  @Test
  void aMissingKeyVariableStopsTheStartNamingIt() {
    assertThatThrownBy(() -> LlmJudge.start(config(Duration.ofSeconds(1), 1, null, 1), clock, metrics, scores::add,
        name -> null)).hasMessage("api_key_env names JUDGE_KEY, which is not set in the environment");
  }
}
