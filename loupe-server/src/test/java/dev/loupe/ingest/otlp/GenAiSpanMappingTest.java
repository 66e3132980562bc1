package dev.loupe.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.Inference;
import dev.loupe.model.Outcome;
import dev.loupe.model.Span;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mapping table against each naming convention real instrumentation sends. */
class GenAiSpanMappingTest {
  static final long START = 1_795_900_000_000L * 1_000_000;
  final GenAiSpanMapping mapping = GenAiSpanMapping.defaults();

  static Span span(Map<String, Object> attributes, Map<String, Object> resource) {
    return new Span("5b8efff798038103d269b633813fc60c", "eee19b7ec3c1b174", null, "llm", START,
        START + 1_500_000_000L, null, attributes, resource);
  }

  @Test
  void currentGenAiConventions() {
    Inference i = mapping.toInference(span(Map.of(
        "gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai", "gen_ai.request.model", "gpt-4o",
        "gen_ai.response.model", "gpt-4o-2024-08-06", "gen_ai.usage.input_tokens", "100",
        "gen_ai.usage.output_tokens", "20", "gen_ai.usage.cache_read.input_tokens", "60",
        "gen_ai.response.time_to_first_chunk", "0.25", "gen_ai.response.finish_reasons", "[\"length\",\"stop\"]",
        "gen_ai.response.id", "resp-1"), Map.of("service.name", "chat-api", "service.version", "v7")));
    assertThat(i.key().model()).isEqualTo("gpt-4o-2024-08-06");
    assertThat(i.key().service()).isEqualTo("chat-api");
    assertThat(i.key().modelVersion()).as("service.version when nothing closer says").isEqualTo("v7");
    assertThat(i.operation()).isEqualTo("chat");
    assertThat(i.inputTokens()).isEqualTo(100);
    assertThat(i.outputTokens()).isEqualTo(20);
    assertThat(i.cachedTokens()).isEqualTo(60);
    assertThat(i.ttftMs()).isEqualTo(250.0);
    assertThat(i.latencyMs()).isEqualTo(1500.0);
    assertThat(i.finishReason()).isEqualTo("length");
    assertThat(i.requestId()).isEqualTo("resp-1");
    assertThat(i.timestampMillis()).isEqualTo(START / 1_000_000);
  }

  /**
   * The usage attributes pricing reads: cache writes and reasoning tokens (the GenAI conventions'
   * {@code gen_ai.usage.cache_creation.input_tokens} and {@code gen_ai.usage.reasoning.output_tokens},
   * and the names older instrumentations send), and a cost the sender reports, which wins.
   */
  @Test
  void cacheWritesReasoningTokensAndAReportedCost() {
    Inference current = mapping.toInference(span(Map.of("gen_ai.operation.name", "chat", "gen_ai.request.model",
        "claude-sonnet-4", "gen_ai.usage.input_tokens", 1000L, "gen_ai.usage.output_tokens", 400L,
        "gen_ai.usage.cache_creation.input_tokens", 300L, "gen_ai.usage.reasoning.output_tokens", 250L,
        "gen_ai.usage.cost", 0.0123), Map.of("service.name", "s")));
    assertThat(current.cacheWriteTokens()).isEqualTo(300);
    assertThat(current.reasoningTokens()).isEqualTo(250);
    assertThat(current.cost()).isEqualTo(0.0123);
    assertThat(current.costSource()).isEqualTo(dev.loupe.model.CostSource.REPORTED);

    Inference older = mapping.toInference(span(Map.of("llm.model_name", "o3", "llm.token_count.prompt", "10",
        "llm.token_count.completion", "8", "llm.token_count.prompt_details.cache_write", "4",
        "llm.token_count.completion_details.reasoning", "5"), Map.of("service.name", "s")));
    assertThat(older.cacheWriteTokens()).isEqualTo(4);
    assertThat(older.reasoningTokens()).isEqualTo(5);
    assertThat(older.cost()).as("not priced by the mapping: the pipeline does that").isNull();
    assertThat(older.costSource()).isNull();
  }

  @Test
  void olderGenAiNamesOpenInferenceAndHandSetTokens() {
    Inference old = mapping.toInference(span(Map.of("gen_ai.system", "openai", "gen_ai.request.model", "gpt-4",
        "gen_ai.usage.prompt_tokens", "7", "gen_ai.usage.completion_tokens", "3"), Map.of("service.name", "s")));
    assertThat(old.inputTokens()).isEqualTo(7);
    assertThat(old.outputTokens()).isEqualTo(3);
    assertThat(old.totalTokens()).isEqualTo(10);

    Inference openInference = mapping.toInference(span(Map.of("llm.model_name", "claude-3", "llm.token_count.prompt",
        "11", "llm.token_count.completion", "5", "model_version", "2024-06"), Map.of("service.name", "s")));
    assertThat(openInference.key().model()).isEqualTo("claude-3");
    assertThat(openInference.key().modelVersion()).isEqualTo("2024-06");
    assertThat(openInference.inputTokens()).isEqualTo(11);

    Inference byHand = mapping.toInference(span(Map.of("gen_ai.request.model", "m", "tokens.prompt", "2",
        "tokens.completion", "1", "deployment.name", "prod-eu"), Map.of("service.name", "s")));
    assertThat(byHand.inputTokens()).isEqualTo(2);
    assertThat(byHand.key().deployment()).isEqualTo("prod-eu");
  }

  @Test
  void outcomesAndWhatIsNotAnLlmCall() {
    assertThat(mapping.toInference(span(Map.of("db.system", "qdrant"), Map.of("service.name", "s")))).isNull();
    Inference throttled = mapping.toInference(span(Map.of("gen_ai.request.model", "m",
        "http.response.status_code", "429"), Map.of("service.name", "s")));
    assertThat(throttled.outcome()).isEqualTo(Outcome.THROTTLED);
    Span failed = new Span("5b8efff798038103d269b633813fc60c", "eee19b7ec3c1b174", null, "llm", START, START + 1,
        "error", Map.of("gen_ai.request.model", "m"), Map.of("service.name", "s"));
    assertThat(mapping.toInference(failed).outcome()).isEqualTo(Outcome.ERROR);
    assertThat(mapping.toInference(failed).key().modelVersion()).isEqualTo("unknown");
  }

  @Test
  void timeToFirstTokenFromAFirstChunkEventWhenNoAttributeSaysIt() {
    assertThat(GenAiSpanMapping.marksFirstChunk("First Token Stream Event")).isTrue();
    assertThat(GenAiSpanMapping.marksFirstChunk("gen_ai.evaluation.result")).isFalse();
    Span streamed = span(Map.of("gen_ai.request.model", "m"), Map.of("service.name", "s"));
    assertThat(mapping.toInference(streamed, START + 320_000_000L).ttftMs()).isEqualTo(320.0);
    assertThat(mapping.toInference(streamed, 0).ttftMs()).isNull();
    Span both = span(Map.of("gen_ai.request.model", "m", "gen_ai.response.time_to_first_chunk", "0.1"),
        Map.of("service.name", "s"));
    assertThat(mapping.toInference(both, START + 320_000_000L).ttftMs()).as("the attribute wins").isEqualTo(100.0);
  }

  @Test
  void openInferenceEmbeddingSpansMapLikeOpenTelemetryOnes() {
    Inference otel = mapping.toInference(span(Map.of("gen_ai.operation.name", "embeddings",
        "gen_ai.request.model", "text-embedding-3-small", "gen_ai.usage.input_tokens", 12L),
        Map.of("service.name", "rag-api")));
    Inference openInference = mapping.toInference(span(Map.of("openinference.span.kind", "EMBEDDING",
        "embedding.model_name", "text-embedding-3-small", "llm.token_count.prompt", 12L,
        "llm.token_count.total", 12L), Map.of("service.name", "rag-api")));
    assertThat(openInference).as("an OpenInference embedding span is an inference").isNotNull();
    assertThat(openInference.key()).isEqualTo(otel.key());
    assertThat(openInference.operation()).isEqualTo(otel.operation()).isEqualTo("embeddings");
    assertThat(openInference.inputTokens()).isEqualTo(otel.inputTokens()).isEqualTo(12);
  }

  @Test
  void openInferenceSpanKindGivesTheOperation() {
    Inference chat = mapping.toInference(span(Map.of("openinference.span.kind", "LLM",
        "llm.model_name", "gpt-4o", "llm.token_count.prompt", 5L,
        "llm.token_count.prompt_details.cache_read", 3L), Map.of("service.name", "s")));
    assertThat(chat.operation()).isEqualTo("chat");
    assertThat(chat.cachedTokens()).isEqualTo(3);
    Inference said = mapping.toInference(span(Map.of("openinference.span.kind", "LLM",
        "gen_ai.operation.name", "text_completion", "llm.model_name", "gpt-4o"), Map.of("service.name", "s")));
    assertThat(said.operation()).as("an explicit operation wins").isEqualTo("text_completion");
    Inference tool = mapping.toInference(span(Map.of("openinference.span.kind", "TOOL",
        "llm.model_name", "gpt-4o"), Map.of("service.name", "s")));
    assertThat(tool.operation()).isEqualTo("execute_tool");
    assertThat(mapping.toInference(span(Map.of("openinference.span.kind", "RETRIEVER"), Map.of("service.name", "s"))))
        .as("a retriever span names no model: not an LLM call").isNull();
  }
}
