package dev.loupe.cli;

import static dev.loupe.cli.CheckMetricsCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.loupe.cli.CheckMetricsCommandTest.Run;
import dev.loupe.dimension.cost.ModelPrice;
import dev.loupe.dimension.cost.PriceCatalog;
import dev.loupe.dimension.cost.TokenUsage;
import dev.loupe.server.PriceCatalogFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loupe prices import} on small files written here in LiteLLM's and Langfuse's formats:
 * the catalog it writes is read back and prices inferences as the source file says.
 */
class PricesImportCommandTest {
  static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();

  @TempDir Path dir;

  /** Shaped like LiteLLM's model_prices_and_context_window.json (per-token prices). */
  static final String LITELLM = """
      {
        "sample_spec": {"input_cost_per_token": 0.0, "litellm_provider": "one of ...", "mode": "one of ..."},
        "gpt-4o": {
          "cache_read_input_token_cost": 1.25e-06, "input_cost_per_token": 2.5e-06,
          "input_cost_per_token_batches": 1.25e-06, "litellm_provider": "openai", "max_input_tokens": 128000,
          "mode": "chat", "output_cost_per_token": 1e-05, "supports_prompt_caching": true
        },
        "azure/gpt-4o": {"input_cost_per_token": 2.75e-06, "output_cost_per_token": 1.1e-05,
          "litellm_provider": "azure", "mode": "chat"},
        "claude-sonnet-4-5-20250929": {
          "cache_creation_input_token_cost": 3.75e-06, "cache_read_input_token_cost": 3e-07,
          "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05,
          "input_cost_per_token_above_200k_tokens": 6e-06, "output_cost_per_token_above_200k_tokens": 2.25e-05,
          "cache_creation_input_token_cost_above_200k_tokens": 7.5e-06,
          "cache_read_input_token_cost_above_200k_tokens": 6e-07,
          "litellm_provider": "anthropic", "mode": "chat"
        },
        "o3-mini": {"input_cost_per_token": 1.1e-06, "output_cost_per_token": 4.4e-06,
          "output_cost_per_reasoning_token": 4.4e-06, "litellm_provider": "openai", "mode": "chat"},
        "text-embedding-3-small": {"input_cost_per_token": 2e-08, "litellm_provider": "openai", "mode": "embedding"},
        "dall-e-3": {"litellm_provider": "openai", "mode": "image_generation", "output_cost_per_image": 0.04},
        "whisper-1": {"input_cost_per_second": 0.0001, "litellm_provider": "openai", "mode": "audio_transcription"},
        "half-priced": {"input_cost_per_token": 1e-06, "litellm_provider": "x", "mode": "chat"}
      }
      """;

  /** Shaped like Langfuse's worker/src/constants/default-model-prices.json (pricingTiers). */
  static final String LANGFUSE = """
      [
        {"id": "b9854a5c92dc496b997d99d20", "modelName": "gpt-4o", "matchPattern": "(?i)^(openai\\\\/)?(gpt-4o)$",
         "createdAt": "2024-05-13T23:15:07.670Z", "updatedAt": "2025-12-12T15:00:06.513Z",
         "tokenizerConfig": {"tokensPerName": 1, "tokenizerModel": "gpt-4o", "tokensPerMessage": 3},
         "tokenizerId": "openai",
         "pricingTiers": [{"id": "t0", "name": "Standard", "isDefault": true, "priority": 0, "conditions": [],
           "prices": {"input": 0.0000025, "input_cached_tokens": 0.00000125, "input_cache_read": 0.00000125,
                      "output": 0.00001}}]},
        {"id": "c5q", "modelName": "claude-sonnet-4-5-20250929",
         "matchPattern": "(?i)^(anthropic\\\\/)?(claude-sonnet-4-5(-20250929)?|(eu\\\\.|us\\\\.|apac\\\\.|global\\\\.)?anthropic\\\\.claude-sonnet-4-5(-20250929)?-v1(:0)?)$",
         "startDate": "2025-09-29T00:00:00.000Z",
         "pricingTiers": [
           {"id": "d", "name": "Standard", "isDefault": true, "priority": 0, "conditions": [],
            "prices": {"input": 0.000003, "output": 0.000015, "input_cache_creation": 0.00000375,
                       "input_cache_creation_1h": 0.000006, "input_cache_read": 3e-7}},
           {"id": "l", "name": "Large Context", "isDefault": false, "priority": 1,
            "conditions": [{"usageDetailPattern": "input", "operator": "gt", "value": 200000, "caseSensitive": false}],
            "prices": {"input": 0.000006, "output": 0.0000225, "input_cache_creation": 0.0000075,
                       "input_cache_read": 6e-7}}]},
        {"id": "o3", "modelName": "o3", "matchPattern": "(?i)^(openai\\\\/)?(o3)$", "startDate": "2025-06-10T00:00:00.000Z",
         "pricingTiers": [{"id": "d", "name": "Standard", "isDefault": true, "priority": 0, "conditions": [],
           "prices": {"input": 0.000002, "input_cached_tokens": 5e-7, "output": 0.000008,
                      "output_reasoning_tokens": 0.000008}}]},
        {"id": "ada", "modelName": "text-ada-001", "matchPattern": "(?i)^(text-ada-001)$",
         "pricingTiers": [{"id": "d", "name": "Standard", "isDefault": true, "priority": 0, "conditions": [],
           "prices": {"total": 0.000004}}]},
        {"id": "chars", "modelName": "chat-bison", "matchPattern": "(?i)^(chat-bison)$", "unit": "CHARACTERS",
         "inputPrice": 2.5e-7, "outputPrice": 5e-7}
      ]
      """;

  /** Shaped like Langfuse's API answer, GET /api/public/models (older flat prices). */
  static final String LANGFUSE_API = """
      {"data": [
        {"id": "m1", "modelName": "my-finetune", "matchPattern": "(?i)^(ft:gpt-4o-mini:acme:.*)$",
         "startDate": "2026-01-15T09:30:00.000Z", "unit": "TOKENS", "inputPrice": 3e-7, "outputPrice": 1.2e-6,
         "totalPrice": null, "isLangfuseManaged": false,
         "prices": {"input": {"price": 3e-7}, "output": {"price": 1.2e-6}}},
        {"id": "m2", "modelName": "legacy", "matchPattern": "(?i)^(legacy-model)$", "unit": "TOKENS",
         "inputPrice": 1e-6, "outputPrice": 2e-6, "prices": {}}
      ], "meta": {"page": 1, "limit": 50, "totalItems": 2, "totalPages": 1}}
      """;

  PriceCatalog imported(String json, String... extra) throws Exception {
    Path in = dir.resolve("in.json");
    Files.writeString(in, json);
    Path out = dir.resolve("out.yml");
    String[] args = new String[4 + extra.length];
    args[0] = "prices";
    args[1] = "import";
    args[2] = in.toString();
    args[3] = "--output=" + out;
    System.arraycopy(extra, 0, args, 4, extra.length);
    Run r = run("", args);
    assertThat(r.code()).as(r.err()).isZero();
    return PriceCatalogFile.read(out);
  }

  static ModelPrice price(PriceCatalog c, String model) {
    return c.modelPrice(null, model, NOW).orElseThrow(() -> new AssertionError("no price for " + model));
  }

  @Test
  void importsLiteLlmPricesPerMillionWithCacheReasoningAndLongContextTiers() throws Exception {
    PriceCatalog c = imported(LITELLM);
    ModelPrice gpt4o = price(c, "gpt-4o-2024-08-06");
    assertThat(gpt4o.prices().input()).isEqualTo(2.5);
    assertThat(gpt4o.prices().output()).isEqualTo(10.0);
    assertThat(gpt4o.prices().cacheRead()).isEqualTo(1.25);
    assertThat(gpt4o.startDate()).isNull();
    assertThat(gpt4o.note()).isEqualTo("LiteLLM: litellm_provider openai, mode chat");
    // The provider-prefixed key prices that provider's inferences only.
    assertThat(c.modelPrice("azure", "gpt-4o", NOW).orElseThrow().prices().input()).isEqualTo(2.75);
    assertThat(price(c, "azure/gpt-4o").prices().output()).isEqualTo(11.0);
    ModelPrice sonnet = price(c, "claude-sonnet-4-5-20250929");
    assertThat(sonnet.prices().cacheWrite()).isEqualTo(3.75);
    assertThat(sonnet.tiers()).singleElement().satisfies(t -> {
      assertThat(t.aboveInputTokens()).isEqualTo(200_000);
      assertThat(t.prices().input()).isEqualTo(6.0);
      assertThat(t.prices().output()).isEqualTo(22.5);
      assertThat(t.prices().cacheRead()).isEqualTo(0.6);
      assertThat(t.prices().cacheWrite()).isEqualTo(7.5);
    });
    assertThat(sonnet.cost(TokenUsage.of(300_000, 1_000))).isCloseTo((300_000 * 6 + 1_000 * 22.5) / 1e6, within(1e-12));
    assertThat(price(c, "o3-mini-2025-01-31").prices().reasoning()).isEqualTo(4.4);
    assertThat(price(c, "text-embedding-3-small").prices().input()).isEqualTo(0.02);
    assertThat(price(c, "text-embedding-3-small").prices().output()).isZero();
    assertThat(c.modelPrice(null, "dall-e-3", NOW)).isEmpty();
    assertThat(c.modelPrice(null, "half-priced", NOW)).isEmpty();
    assertThat(c.models()).hasSize(5);
  }

  @Test
  void saysWhatItLeftOutAndDatesLiteLlmEntriesWhenAsked() throws Exception {
    Path in = dir.resolve("model_prices_and_context_window.json");
    Files.writeString(in, LITELLM);
    Run r = run("", "prices", "import", in.toString(), "--start-date", "2026-11-01");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("# Imported by `loupe prices import` from model_prices_and_context_window.json"
        + " (LiteLLM model_prices_and_context_window.json): 5 models, 3 entries left out.\n");
    assertThat(r.out()).contains("  - model: gpt-4o\n    start_date: 2026-11-01\n    input: 2.5\n    output: 10.0\n"
        + "    cache_read: 1.25\n");
    assertThat(r.err()).isEqualTo("imported 5 models (LiteLLM model_prices_and_context_window.json); left out 3:"
        + System.lineSeparator() + "  mode image_generation is not priced per token (1)"
        + System.lineSeparator() + "  mode audio_transcription is not priced per token (1)"
        + System.lineSeparator() + "  no output_cost_per_token (1)" + System.lineSeparator());
    PriceCatalog c = PriceCatalogFile.parse(r.out(), "stdout");
    assertThat(c.modelPrice(null, "gpt-4o", Instant.parse("2026-10-31T23:00:00Z").toEpochMilli())).isEmpty();
    assertThat(c.modelPrice(null, "gpt-4o", NOW)).isPresent();
  }

  @Test
  void importsLangfusePatternsStartDatesTiersAndTotals() throws Exception {
    PriceCatalog c = imported(LANGFUSE);
    ModelPrice gpt4o = price(c, "openai/gpt-4o");
    assertThat(gpt4o.match()).isEqualTo("(?i)^(openai\\/)?(gpt-4o)$");
    assertThat(gpt4o.prices().input()).isEqualTo(2.5);
    assertThat(gpt4o.prices().cacheRead()).isEqualTo(1.25);
    // Its pattern, not only its name, decides what it prices.
    ModelPrice bedrock = price(c, "eu.anthropic.claude-sonnet-4-5-20250929-v1:0");
    assertThat(bedrock.model()).isEqualTo("claude-sonnet-4-5-20250929");
    assertThat(bedrock.startDate()).isEqualTo(LocalDate.parse("2025-09-29"));
    assertThat(bedrock.prices().cacheWrite()).isEqualTo(3.75);
    assertThat(bedrock.prices().cacheRead()).isEqualTo(0.3);
    assertThat(bedrock.tiers()).singleElement().satisfies(t -> {
      assertThat(t.aboveInputTokens()).isEqualTo(200_000);
      assertThat(t.prices().output()).isEqualTo(22.5);
      assertThat(t.prices().cacheWrite()).isEqualTo(7.5);
    });
    assertThat(c.modelPrice(null, "claude-sonnet-4-5", Instant.parse("2025-09-28T12:00:00Z").toEpochMilli())).isEmpty();
    assertThat(price(c, "o3").prices().reasoning()).isEqualTo(8.0);
    // A "total" price is the price of every token, in or out.
    ModelPrice ada = price(c, "text-ada-001");
    assertThat(ada.prices().input()).isEqualTo(4.0);
    assertThat(ada.prices().output()).isEqualTo(4.0);
    assertThat(c.modelPrice(null, "chat-bison", NOW)).isEmpty();
    assertThat(c.models()).hasSize(4);
  }

  @Test
  void importsLangfuseApiAnswersWithFlatPrices() throws Exception {
    PriceCatalog c = imported(LANGFUSE_API);
    ModelPrice ft = c.modelPrice(null, "ft:gpt-4o-mini:acme:support:abc123", NOW).orElseThrow();
    assertThat(ft.model()).isEqualTo("my-finetune");
    assertThat(ft.prices().input()).isEqualTo(0.3);
    assertThat(ft.prices().output()).isEqualTo(1.2);
    assertThat(ft.startDate()).isEqualTo(LocalDate.parse("2026-01-15"));
    assertThat(price(c, "legacy-model").prices().output()).isEqualTo(2.0);
  }

  @Test
  void aFileOfNeitherFormatIsRefusedNamingIt() throws Exception {
    Path in = dir.resolve("other.json");
    Files.writeString(in, "{\"models\": {\"a\": 1}}");
    Run r = run("", "prices", "import", in.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith(in + ": neither LiteLLM's model_prices_and_context_window.json");
    Files.writeString(in, "[{\"modelName\": \"x\",");
    Run broken = run("", "prices", "import", in.toString());
    assertThat(broken.code()).isEqualTo(1);
    assertThat(broken.err()).startsWith(in + ":1:20: not JSON: Unexpected end-of-input");
    Run missing = run("", "prices", "import", dir.resolve("nope.json").toString());
    assertThat(missing.err()).isEqualTo(dir.resolve("nope.json") + ": no such file" + System.lineSeparator());
    Run badFormat = run("", "prices", "import", in.toString(), "--format", "openrouter");
    assertThat(badFormat.code()).isEqualTo(2);
    assertThat(badFormat.err()).contains("--format: format must be litellm or langfuse, got openrouter");
  }
}
