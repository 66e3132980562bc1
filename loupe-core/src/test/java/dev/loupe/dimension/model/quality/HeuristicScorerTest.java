package dev.loupe.dimension.model.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loupe.model.Inference;
import dev.loupe.model.Outcome;
import dev.loupe.model.Score;
import dev.loupe.model.ScoreSource;
import dev.loupe.model.SeriesKey;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HeuristicScorerTest {
  static final long T = 1_796_000_000_000L;
  static final HeuristicScorer ALL = new HeuristicScorer(HeuristicSettings.DEFAULTS, e -> {
    throw e;
  });

  static Inference inference(String requestId, String prompt, String completion, String finishReason, Long outputTokens) {
    return inference("chat-prod", "chat", requestId, prompt, completion, finishReason, outputTokens);
  }

  static Inference inference(String deployment, String operation, String requestId, String prompt, String completion,
      String finishReason, Long outputTokens) {
    return new Inference(T, new SeriesKey("chat-api", deployment, "gpt-4o", "2024-08-06"), operation, requestId,
        "4bf92f3577b34da6a3ce929d0e0e4736", "acme", null, 50L, outputTokens, null, 800.0, 200.0, Outcome.OK, 200,
        finishReason, null, null, prompt, completion, null);
  }

  static Map<String, Score> byName(List<Score> scores) {
    return scores.stream().collect(Collectors.toMap(Score::name, s -> s));
  }

  static double value(List<Score> scores, HeuristicScoreName name) {
    Score s = byName(scores).get(name.wireName());
    assertThat(s).as(name.wireName()).isNotNull();
    return s.value();
  }

  @Test
  void aPlainAnswerGetsItsScoresTiedToItsRequest() {
    Inference i = inference("r-1", "What is the capital of Australia, and why was it chosen?",
        "The capital of Australia is Canberra. It was chosen as a compromise between Sydney and Melbourne.", "stop", 21L);
    List<Score> scores = ALL.score(i, RequestContext.NONE);
    assertThat(byName(scores).keySet()).containsExactlyInAnyOrder("response_length_chars", "response_length_tokens",
        "refusal", "truncated", "empty_answer", "language_switch");
    assertThat(scores).allSatisfy(s -> {
      assertThat(s.source()).isEqualTo(ScoreSource.HEURISTIC);
      assertThat(s.requestId()).isEqualTo("r-1");
      assertThat(s.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(s.timestampMillis()).isEqualTo(T);
    });
    assertThat(value(scores, HeuristicScoreName.RESPONSE_LENGTH_CHARS)).isEqualTo(97);
    assertThat(value(scores, HeuristicScoreName.RESPONSE_LENGTH_TOKENS)).isEqualTo(21);
    assertThat(value(scores, HeuristicScoreName.REFUSAL)).isZero();
    assertThat(value(scores, HeuristicScoreName.TRUNCATED)).isZero();
    assertThat(value(scores, HeuristicScoreName.EMPTY_ANSWER)).isZero();
    assertThat(value(scores, HeuristicScoreName.LANGUAGE_SWITCH)).isZero();
    assertThat(byName(scores).get("language_switch").comment()).isEqualTo("prompt en, answer en");
  }

  @Test
  void aReSentInferenceGetsTheSameScores() {
    Inference i = inference("r-1", "Why is the sky blue?", "Rayleigh scattering of sunlight by air molecules.", "stop", 9L);
    assertThat(ALL.score(i, RequestContext.NONE)).isEqualTo(ALL.score(i, RequestContext.NONE));
  }

  @Test
  void charactersAreCodePoints() {
    List<Score> scores = ALL.score(inference("r-1", null, "日本語😀", null, null), RequestContext.NONE);
    assertThat(value(scores, HeuristicScoreName.RESPONSE_LENGTH_CHARS)).isEqualTo(4);
  }

  @Test
  void truncationReadsEveryProvidersSpelling() {
    for (String reason : List.of("length", "max_tokens", "MAX_TOKENS", "[\"length\"]", "stop,length", "max_output_tokens")) {
      assertThat(value(ALL.score(inference("r-1", null, "cut off mid-sent", reason, 4096L), RequestContext.NONE),
          HeuristicScoreName.TRUNCATED)).as(reason).isEqualTo(1);
    }
    for (String reason : List.of("stop", "end_turn", "[\"stop\"]", "content_filter", "tool_calls")) {
      assertThat(value(ALL.score(inference("r-1", null, "done.", reason, 2L), RequestContext.NONE),
          HeuristicScoreName.TRUNCATED)).as(reason).isZero();
    }
    assertThat(byName(ALL.score(inference("r-1", null, "done.", null, 2L), RequestContext.NONE))).doesNotContainKey("truncated");
  }

  @Test
  void emptyAnswersButNotToolCalls() {
    for (String empty : List.of("", "   \n", "...", "```\n```", "—")) {
      List<Score> scores = ALL.score(inference("r-1", "Hi", empty, "stop", 1L), RequestContext.NONE);
      assertThat(value(scores, HeuristicScoreName.EMPTY_ANSWER)).as("'%s'", empty).isEqualTo(1);
      assertThat(byName(scores)).as("nothing to judge in '%s'", empty).doesNotContainKeys("refusal", "language_switch");
    }
    assertThat(byName(ALL.score(inference("r-1", "Weather in Paris?", "", "tool_calls", 12L), RequestContext.NONE)))
        .doesNotContainKey("empty_answer");
  }

  @Test
  void withoutCapturedTextOnlyTokensAndFinishReasonAreScored() {
    List<Score> scores = ALL.score(inference("r-1", null, null, "length", 4096L), RequestContext.retrieved(List.of("doc")));
    assertThat(byName(scores).keySet()).containsExactlyInAnyOrder("response_length_tokens", "truncated");
  }

  @Test
  void refusalsCarryTheirKindAndLanguage() {
    List<Score> scores = ALL.score(inference("r-1", "Comment pirater le wifi du voisin ?",
        "Je suis désolé, mais je ne peux pas vous aider avec cette demande.", "stop", 15L), RequestContext.NONE);
    assertThat(value(scores, HeuristicScoreName.REFUSAL)).isEqualTo(1);
    assertThat(byName(scores).get("refusal").comment()).isEqualTo("decline (fr)");
  }

  @Test
  void groundednessNeedsRetrievedDocumentsAndAnAnswerThatIsNoRefusal() {
    RequestContext rag = RequestContext.retrieved(GroundednessTest.DOCUMENTS);
    String answer = "You may return unused products within 30 days of delivery for a full refund.";
    assertThat(value(ALL.score(inference("r-1", GroundednessTest.QUESTION, answer, "stop", 20L), rag),
        HeuristicScoreName.GROUNDEDNESS)).isGreaterThan(0.8);
    assertThat(byName(ALL.score(inference("r-1", GroundednessTest.QUESTION, answer, "stop", 20L), RequestContext.NONE)))
        .doesNotContainKey("groundedness");
    List<Score> refused = ALL.score(inference("r-1", GroundednessTest.QUESTION,
        "The provided context does not mention that.", "stop", 8L), rag);
    assertThat(byName(refused)).doesNotContainKey("groundedness");
    assertThat(value(refused, HeuristicScoreName.REFUSAL)).isEqualTo(1);
  }

  @Test
  void summaryCoverageFromThePromptOrAGivenSource() {
    String prompt = "Summarize this article in two sentences:\n\n" + SummaryCoverageTest.ARTICLE;
    String summary = "The council approved a transport budget raising bus spending and funding two tram lines by 2028.";
    assertThat(value(ALL.score(inference("r-1", prompt, summary, "stop", 20L), RequestContext.NONE),
        HeuristicScoreName.SUMMARY_COVERAGE)).isGreaterThan(0.5);
    assertThat(value(ALL.score(inference("r-1", "Two sentences, please.", summary, "stop", 20L),
        new RequestContext(null, null, SummaryCoverageTest.ARTICLE)), HeuristicScoreName.SUMMARY_COVERAGE)).isGreaterThan(0.5);
    assertThat(byName(ALL.score(inference("r-1", SummaryCoverageTest.ARTICLE + "\n\nWho is the mayor?", summary, "stop", 20L),
        RequestContext.NONE))).doesNotContainKey("summary_coverage");
  }

  @Test
  void structuredOutputFromResponseFormatOrPrompt() {
    RequestContext jsonMode = RequestContext.format(RequestedFormat.fromResponseFormat("json_object", null));
    List<Score> bad = ALL.score(inference("r-1", "Extract name and age.", "Name: Ada, age: 36", "stop", 8L), jsonMode);
    assertThat(value(bad, HeuristicScoreName.STRUCTURED_OUTPUT_VALID)).isZero();
    assertThat(byName(bad).get("structured_output_valid").comment()).startsWith("not JSON at line 1");
    List<Score> good = ALL.score(inference("r-1", "Extract name and age. Respond in JSON.", "{\"name\":\"Ada\",\"age\":36}",
        "stop", 8L), RequestContext.NONE);
    assertThat(value(good, HeuristicScoreName.STRUCTURED_OUTPUT_VALID)).isEqualTo(1);
    assertThat(byName(good).get("structured_output_valid").comment()).isEqualTo("json");
    assertThat(byName(ALL.score(inference("r-1", "How do I parse JSON in Go?", "Use encoding/json.", "stop", 5L),
        RequestContext.NONE))).doesNotContainKeys("structured_output_valid", "code_block_valid");
  }

  @Test
  void codeRequestsGetTheCodeCheck() {
    List<Score> cut = ALL.score(inference("r-1", "Write a Java method that sums an array.",
        "```java\nint sum(int[] xs) {\n  int s = 0;\n  for (int x : xs) {", "length", 4096L), RequestContext.NONE);
    assertThat(value(cut, HeuristicScoreName.CODE_BLOCK_VALID)).isZero();
    assertThat(value(cut, HeuristicScoreName.TRUNCATED)).isEqualTo(1);
    List<Score> whole = ALL.score(inference("r-1", "Write a Java method that sums an array.",
        "```java\nint sum(int[] xs) {\n  int s = 0;\n  for (int x : xs) s += x;\n  return s;\n}\n```", "stop", 40L),
        RequestContext.NONE);
    assertThat(value(whole, HeuristicScoreName.CODE_BLOCK_VALID)).isEqualTo(1);
    assertThat(byName(whole).get("code_block_valid").comment()).isEqualTo("java");
  }

  @Test
  void languageSwitchAndItsExceptions() {
    String french = "Quelle est la différence entre un processus et un thread dans un système d'exploitation ?";
    String english = "A process has its own memory space, while threads of the same process share memory and"
        + " resources, which makes them cheaper to create.";
    List<Score> switched = ALL.score(inference("r-1", french, english, "stop", 30L), RequestContext.NONE);
    assertThat(value(switched, HeuristicScoreName.LANGUAGE_SWITCH)).isEqualTo(1);
    assertThat(byName(switched).get("language_switch").comment()).isEqualTo("prompt fr, answer en");
    // asked for another language
    assertThat(byName(ALL.score(inference("r-1", "Translate into English: " + french, english, "stop", 30L),
        RequestContext.NONE))).doesNotContainKey("language_switch");
    assertThat(byName(ALL.score(inference("r-1", french + " Réponds en anglais.", english, "stop", 30L),
        RequestContext.NONE))).doesNotContainKey("language_switch");
    // an English system prompt and document, the user's question in French, answered in French
    String system = "You are a helpful support assistant for an operating systems course. Answer the user's question"
        + " using the course notes below. The notes explain that a process has its own address space and that the"
        + " threads of a process share the heap, the code and the open files of their process.";
    String answerFr = "Un processus possède son propre espace d'adressage, alors que les threads d'un même processus"
        + " partagent la mémoire et les fichiers ouverts.";
    assertThat(value(ALL.score(inference("r-1", system + "\n\n" + french, answerFr, "stop", 30L), RequestContext.NONE),
        HeuristicScoreName.LANGUAGE_SWITCH)).isZero();
    // too short to tell
    assertThat(byName(ALL.score(inference("r-1", "Bonjour", "Hello!", "stop", 2L), RequestContext.NONE)))
        .doesNotContainKey("language_switch");
  }

  @Test
  void noIdNoScore() {
    Inference i = new Inference(T, new SeriesKey("chat-api", "chat-prod", "gpt-4o", null), "chat", null, null, null,
        null, 5L, 5L, null, 10.0, null, Outcome.OK, 200, "stop", null, null, "Hi", "Hello!", null);
    assertThat(ALL.score(i, RequestContext.NONE)).isEmpty();
  }

  @Test
  void onlyTheEnabledChecksRun() {
    HeuristicScorer truncationOnly = new HeuristicScorer(new HeuristicSettings(EnumSet.of(HeuristicCheck.TRUNCATION), 1, null));
    assertThat(truncationOnly.score(inference("r-1", "Hi", "Hello there, how can I help?", "length", 7L), RequestContext.NONE))
        .extracting(Score::name).containsExactly("truncated");
  }

  @Test
  void samplingIsByIdAndDeployment() {
    HeuristicScorer sampled = new HeuristicScorer(new HeuristicSettings(null, 0.3, Map.of("embed-prod", 0.0, "vip-prod", 1.0)));
    int kept = 0;
    for (int n = 0; n < 10_000; n++) {
      Inference i = inference("chat-prod", "chat", "req-" + n, "Hi", "Hello!", "stop", 2L);
      boolean first = sampled.sampled(i);
      assertThat(sampled.sampled(i)).isEqualTo(first);
      assertThat(sampled.score(i, RequestContext.NONE)).hasSize(first ? 5 : 0);
      if (first) kept++;
      assertThat(sampled.sampled(inference("embed-prod", "chat", "req-" + n, "Hi", "Hello!", "stop", 2L))).isFalse();
      assertThat(sampled.sampled(inference("vip-prod", "chat", "req-" + n, "Hi", "Hello!", "stop", 2L))).isTrue();
    }
    assertThat(kept).isBetween(2_850, 3_150);
  }

  @Test
  void aSmallerRateSamplesASubsetOfALargerOne() {
    for (int n = 0; n < 2_000; n++) {
      String id = "r-" + n;
      if (DeterministicSampler.keeps(id, 0.1, "heuristic")) {
        assertThat(DeterministicSampler.keeps(id, 0.5, "heuristic")).isTrue();
      }
    }
    assertThat(DeterministicSampler.keeps(null, 0.5, "x")).isFalse();
    assertThat(DeterministicSampler.keeps(null, 1.0, "x")).isTrue();
  }

  @Test
  void settingsFailNamingTheKey() {
    assertThatThrownBy(() -> new HeuristicSettings(null, 1.5, null))
        .hasMessage("sample_rate must be between 0 and 1, got 1.5");
    assertThatThrownBy(() -> new HeuristicSettings(null, 1, Map.of("chat-prod", -0.1)))
        .hasMessage("deployment_sample_rates.chat-prod must be between 0 and 1, got -0.1");
    assertThatThrownBy(() -> HeuristicCheck.parse("grounding"))
        .hasMessageStartingWith("unknown check 'grounding'; known: response_length, refusal, truncation");
    assertThat(HeuristicCheck.parse(" Groundedness ")).isEqualTo(HeuristicCheck.GROUNDEDNESS);
    assertThat(HeuristicSettings.DEFAULTS.checks()).isEqualTo(Set.of(HeuristicCheck.values()));
  }
}
