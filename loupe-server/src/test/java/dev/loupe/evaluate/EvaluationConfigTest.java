package dev.loupe.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.loupe.dimension.model.quality.HeuristicCheck;
import dev.loupe.server.DurationText;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The evaluation block binds from YAML as loupe.yml writes it, with defaults and errors naming the key. */
class EvaluationConfigTest {
  /** Binds like the server's config loader: snake_case keys, Prometheus-style durations, unknown keys refused. */
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .registerModule(new SimpleModule().addDeserializer(Duration.class, new JsonDeserializer<>() {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
          return DurationText.parse(p.getValueAsString());
        }
      }));

  static EvaluationConfig parse(String yaml) throws IOException {
    return YAML.readValue(yaml, EvaluationConfig.class);
  }

  @Test
  void everyKeyBinds() throws IOException {
    EvaluationConfig c = parse("""
        heuristics:
          enabled: true
          checks: [refusal, groundedness, language_switch]
          sample_rate: 0.5
          deployment_sample_rates: {chat-prod: 0.1}
        judge:
          enabled: true
          url: https://api.openai.com/v1
          model: gpt-4o-mini
          api_key_env: OPENAI_API_KEY
          sample_rate: 0.02
          rubric: Grade faithfulness to the context.
          timeout: 20s
          max_calls_per_hour: 120
          max_tokens_per_day: 500000
          queue_capacity: 50
          score_name: faithfulness
          max_content_chars: 4000
          json_mode: false
        """);
    assertThat(c.heuristics().settings().checks())
        .isEqualTo(EnumSet.of(HeuristicCheck.REFUSAL, HeuristicCheck.GROUNDEDNESS, HeuristicCheck.LANGUAGE_SWITCH));
    assertThat(c.heuristics().settings().sampleRateFor("chat-prod")).isEqualTo(0.1);
    assertThat(c.heuristics().settings().sampleRateFor("other")).isEqualTo(0.5);
    EvaluationConfig.Judge j = c.judge();
    assertThat(j.enabled()).isTrue();
    assertThat(j.chatCompletionsUrl()).isEqualTo(URI.create("https://api.openai.com/v1/chat/completions"));
    assertThat(j.model()).isEqualTo("gpt-4o-mini");
    assertThat(j.resolveApiKey(Map.of("OPENAI_API_KEY", " sk-1 ")::get)).isEqualTo("sk-1");
    assertThat(j.sampleRate()).isEqualTo(0.02);
    assertThat(j.rubric()).isEqualTo("Grade faithfulness to the context.");
    assertThat(j.timeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(j.maxCallsPerHour()).isEqualTo(120);
    assertThat(j.maxTokensPerDay()).isEqualTo(500_000L);
    assertThat(j.queueCapacity()).isEqualTo(50);
    assertThat(j.scoreName()).isEqualTo("faithfulness");
    assertThat(j.maxContentChars()).isEqualTo(4000);
    assertThat(j.jsonMode()).isFalse();
  }

  @Test
  void nothingSetMeansHeuristicsOnAndTheJudgeOff() throws IOException {
    EvaluationConfig c = parse("{}");
    assertThat(c).isEqualTo(EvaluationConfig.DEFAULTS);
    assertThat(c.heuristics().enabled()).isTrue();
    assertThat(c.heuristics().settings().checks()).isEqualTo(EnumSet.allOf(HeuristicCheck.class));
    assertThat(c.heuristics().settings().sampleRate()).isEqualTo(1.0);
    EvaluationConfig.Judge j = c.judge();
    assertThat(j.enabled()).isFalse();
    assertThat(j.sampleRate()).isEqualTo(0.05);
    assertThat(j.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(j.maxCallsPerHour()).isEqualTo(60);
    assertThat(j.maxTokensPerDay()).isNull();
    assertThat(j.rubric()).isEqualTo(EvaluationConfig.Judge.DEFAULT_RUBRIC);
    assertThat(j.scoreName()).isEqualTo("llm_judge");
    assertThat(j.resolveApiKey(name -> null)).isNull();
  }

  @Test
  void aLocalServerNeedsNoKey() throws IOException {
    EvaluationConfig.Judge j = parse("judge: {enabled: true, url: 'http://localhost:8000/v1/', model: qwen2.5}").judge();
    assertThat(j.chatCompletionsUrl()).isEqualTo(URI.create("http://localhost:8000/v1/chat/completions"));
    assertThat(j.resolveApiKey(name -> "unused")).isNull();
  }

  @Test
  void anInlineKeyIsUsedButNeverPrinted() throws IOException {
    EvaluationConfig.Judge j = parse("judge: {enabled: true, url: 'http://localhost:8000/v1', model: m, api_key: sk-secret}").judge();
    assertThat(j.resolveApiKey(name -> null)).isEqualTo("sk-secret");
    assertThat(j.toString()).doesNotContain("sk-secret").contains("api_key=***");
  }

  @Test
  void mistakesAreNamedByKey() {
    assertProblem("judge: {enabled: true, model: m}", "url is required when the judge is enabled");
    assertProblem("judge: {enabled: true, url: 'ftp://x/v1', model: m}", "url must be an http(s) URL like https://api.openai.com/v1, got ftp://x/v1");
    assertProblem("judge: {enabled: true, url: 'http://x/v1'}", "model is required when the judge is enabled");
    assertProblem("judge: {sample_rate: 2}", "sample_rate must be between 0 and 1, got 2.0");
    assertProblem("judge: {timeout: 0s}", "timeout must be positive, got PT0S");
    assertProblem("judge: {max_calls_per_hour: 0}", "max_calls_per_hour must be at least 1, got 0");
    assertProblem("judge: {max_tokens_per_day: 0}", "max_tokens_per_day must be at least 1 (or left out: no cap), got 0");
    assertProblem("judge: {api_key: a, api_key_env: B}", "set api_key_env or api_key, not both");
    assertProblem("heuristics: {checks: [refusal, grounding]}", "unknown check 'grounding'; known: response_length,"
        + " refusal, truncation, empty_answer, groundedness, summary_coverage, structured_output, language_switch");
    assertProblem("heuristics: {deployment_sample_rates: {chat-prod: 1.5}}",
        "deployment_sample_rates.chat-prod must be between 0 and 1, got 1.5");
  }

  static void assertProblem(String yaml, String message) {
    assertThatThrownBy(() -> parse(yaml)).rootCause().hasMessage(message);
  }
}
