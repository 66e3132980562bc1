package dev.loupe.dimension.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.loupe.model.CostSource;
import dev.loupe.model.Dimension;
import dev.loupe.model.Finding;
import dev.loupe.model.Inference;
import dev.loupe.model.SeriesKey;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class InferencePricerTest {
  static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();

  static final ModelPrice GPT_4O = new ModelPrice("gpt-4o", null, null, null, LocalDate.parse("2024-10-02"),
      new TokenPrices(2.50, 10.00, 1.25, null, null), null, "https://openai.com/api/pricing/", false, null);
  static final ModelPrice SONNET = new ModelPrice("claude-sonnet-4-5", null, null, null, null,
      new TokenPrices(3, 15, 0.30, 3.75, null),
      List.of(new PriceTier(200_000, new TokenPrices(6, 22.5, 0.60, 7.50, null))), null, false, null);
  static final ModelPrice O3 = new ModelPrice("o3", null, null, null, null,
      new TokenPrices(2, 8, 0.5, null, 12.0), null, null, false, null);
  static final ModelPrice NO_CACHE_PRICE = ModelPrice.of("plain-model", 1, 2);
  static final ModelPrice FREE_CACHE = new ModelPrice("free-cache", null, null, null, null,
      new TokenPrices(1, 2, 0.0, null, null), null, null, false, null);

  final InferencePricer pricer = new InferencePricer(new PriceCatalog(
      List.of(GPT_4O, SONNET, O3, NO_CACHE_PRICE, FREE_CACHE), List.of(),
      List.of(HourlyPrice.of("chat-ptu", 120))));

  static Inference inference(String model, Long input, Long output, Long cached, Double cost) {
    return inference(NOW, "chat-prod", model, input, output, cached, null, null, cost);
  }

  static Inference inference(long ts, String deployment, String model, Long input, Long output, Long cached,
      Long cacheWrite, Long reasoning, Double cost) {
    return new Inference(ts, new SeriesKey("chat-api", deployment, model, "v1"), "chat", null, null, null, null,
        input, output, cached, 100.0, null, null, null, null, null, cost, null, null, null, null, cacheWrite,
        reasoning, null);
  }

  @Test
  void catalogPricesInputAndOutputPerMillion() {
    Inference priced = pricer.price(inference("gpt-4o-2024-08-06", 1_000_000L, 100_000L, null, null));
    assertThat(priced.cost()).isCloseTo(2.50 + 1.00, within(1e-12));
    assertThat(priced.costSource()).isEqualTo(CostSource.CATALOG);
    assertThat(pricer.price(inference("gpt-4o", 812L, 164L, null, null)).cost())
        .isCloseTo((812 * 2.50 + 164 * 10.00) / 1e6, within(1e-15));
  }

  @Test
  void aReportedCostWinsAndSaysSo() {
    Inference sent = inference("gpt-4o", 1000L, 1000L, null, 0.42);
    Inference priced = pricer.price(sent);
    assertThat(priced.cost()).isEqualTo(0.42);
    assertThat(priced.costSource()).isEqualTo(CostSource.REPORTED);
    // Even for a model the catalog does not know: the sender's figure is the cost.
    assertThat(pricer.price(inference("in-house-llm", 10L, 10L, null, 0.001)).costSource())
        .isEqualTo(CostSource.REPORTED);
    assertThat(pricer.unpriced().snapshot()).isEmpty();
  }

  @Test
  void cachedInputIsPricedAtTheCachedRateAndAtTheInputRateWhenTheCatalogHasNone() {
    // 10,000 input of which 8,000 read from the cache.
    assertThat(pricer.price(inference("gpt-4o", 10_000L, 0L, 8_000L, null)).cost())
        .isCloseTo((2_000 * 2.50 + 8_000 * 1.25) / 1e6, within(1e-15));
    // No cache-read price: cached tokens cost what input costs, never $0.
    assertThat(pricer.price(inference("plain-model", 10_000L, 0L, 8_000L, null)).cost())
        .isCloseTo(10_000 * 1.0 / 1e6, within(1e-15));
    // $0 only where the catalog says 0.
    assertThat(pricer.price(inference("free-cache", 10_000L, 0L, 8_000L, null)).cost())
        .isCloseTo(2_000 * 1.0 / 1e6, within(1e-15));
  }

  @Test
  void cacheWritesAndReasoningHaveTheirOwnPrices() {
    // Sonnet: 50,000 input = 10,000 uncached + 30,000 cache reads + 10,000 cache writes; 2,000 output.
    Inference sonnet = inference(NOW, "d", "claude-sonnet-4-5-20250929", 50_000L, 2_000L, 30_000L, 10_000L, null, null);
    assertThat(pricer.price(sonnet).cost())
        .isCloseTo((10_000 * 3 + 30_000 * 0.30 + 10_000 * 3.75 + 2_000 * 15) / 1e6, within(1e-15));
    // o3: 5,000 output of which 4,000 reasoning, reasoning priced at its own rate here.
    Inference o3 = inference(NOW, "d", "o3", 1_000L, 5_000L, null, null, 4_000L, null);
    assertThat(pricer.price(o3).cost()).isCloseTo((1_000 * 2 + 1_000 * 8 + 4_000 * 12) / 1e6, within(1e-15));
    // Without a reasoning price, reasoning tokens are output tokens.
    Inference plain = inference(NOW, "d", "gpt-4o", 0L, 5_000L, null, null, 4_000L, null);
    assertThat(pricer.price(plain).cost()).isCloseTo(5_000 * 10.0 / 1e6, within(1e-15));
  }

  @Test
  void aPromptAboveTheTierPricesAllItsTokensAtTheTier() {
    Inference atLimit = inference("claude-sonnet-4-5", 200_000L, 1_000L, null, null);
    Inference above = inference("claude-sonnet-4-5", 200_001L, 1_000L, 100_000L, null);
    assertThat(pricer.price(atLimit).cost()).isCloseTo((200_000 * 3 + 1_000 * 15) / 1e6, within(1e-12));
    assertThat(pricer.price(above).cost())
        .isCloseTo((100_001 * 6 + 100_000 * 0.60 + 1_000 * 22.5) / 1e6, within(1e-12));
  }

  @Test
  void anUnknownModelHasAnUnknownCostAndIsTalliedWithItsTokens() {
    Inference a = pricer.price(inference("my-finetune", 1_000L, 200L, null, null));
    pricer.price(inference(NOW + 60_000, "other", "my-finetune", 3_000L, 800L, null, null, null, null));
    pricer.price(inference("llama-local", 10L, 5L, null, null));
    assertThat(a.cost()).isNull();
    assertThat(a.costSource()).isEqualTo(CostSource.UNKNOWN);
    List<UnpricedModel> unpriced = pricer.unpriced().snapshot();
    assertThat(unpriced).extracting(UnpricedModel::model).containsExactly("my-finetune", "llama-local");
    UnpricedModel first = unpriced.get(0);
    assertThat(first.inferences()).isEqualTo(2);
    assertThat(first.inputTokens()).isEqualTo(4_000);
    assertThat(first.outputTokens()).isEqualTo(1_000);
    assertThat(first.firstSeenMillis()).isEqualTo(NOW);
    assertThat(first.lastSeenMillis()).isEqualTo(NOW + 60_000);
    Finding f = pricer.unpriced().finding().orElseThrow();
    assertThat(f.dimension()).isEqualTo(Dimension.COST);
    assertThat(f.kind()).isEqualTo("unpriced_models");
    assertThat(f.reason()).isEqualTo("2 models have no price, so their spend is unknown: "
        + "my-finetune (5.0k tokens in 2 inferences); llama-local (15 tokens in 1 inference)");
    assertThat(f.sinceMillis()).isEqualTo(NOW);
    assertThat(f.evidence()).containsEntry("my-finetune", "5.0k tokens in 2 inferences");
  }

  @Test
  void aModelBeforeItsFirstPriceIsUnknownNotFree() {
    long before = Instant.parse("2024-06-01T00:00:00Z").toEpochMilli();
    Inference old = pricer.price(inference(before, "d", "gpt-4o", 100L, 100L, null, null, null, null));
    assertThat(old.cost()).isNull();
    assertThat(old.costSource()).isEqualTo(CostSource.UNKNOWN);
    assertThat(pricer.unpriced().snapshot()).extracting(UnpricedModel::model).containsExactly("gpt-4o");
  }

  @Test
  void noTokenCountsMeansUnknownCostWithoutBlamingTheCatalog() {
    Inference noTokens = pricer.price(inference("gpt-4o", null, null, null, null));
    assertThat(noTokens.cost()).isNull();
    assertThat(noTokens.costSource()).isEqualTo(CostSource.UNKNOWN);
    assertThat(pricer.unpriced().finding()).isEmpty();
    assertThat(pricer.withoutTokens()).isEqualTo(1);
    // Input alone (an embedding) is priced; missing output counts as none.
    assertThat(pricer.price(inference("gpt-4o", 1_000_000L, null, null, null)).cost()).isCloseTo(2.5, within(1e-12));
  }

  @Test
  void aProvisionedDeploymentHasNoCostPerInference() {
    Inference ptu = pricer.price(inference(NOW, "chat-ptu", "gpt-4o", 1000L, 100L, null, null, null, null));
    assertThat(ptu.cost()).isNull();
    assertThat(ptu.costSource()).isEqualTo(CostSource.PROVISIONED);
    assertThat(pricer.unpriced().snapshot()).isEmpty();
  }

  @Test
  void thePricedRecordKeepsEverythingElse() {
    Inference sent = new Inference(NOW, new SeriesKey("chat-api", "chat-prod", "gpt-4o", "v1"), "chat", "r-1",
        "t-1", "acme", "h", 100L, 10L, 20L, 12.0, 3.0, null, 200, "stop", true, null, "p", "c", null, "s-1", 5L,
        null, null);
    Inference priced = pricer.price(sent);
    assertThat(priced.withCost(null, null)).isEqualTo(sent);
    assertThat(priced.cacheWriteTokens()).isEqualTo(5);
    assertThat(priced.withTenant("other").costSource()).isEqualTo(CostSource.CATALOG);
    assertThat(priced.withoutContent().cost()).isEqualTo(priced.cost());
  }

  @Test
  void theTallyIsBounded() {
    for (int i = 0; i < UnpricedModels.MAX_MODELS + 50; i++) {
      pricer.price(inference("unknown-" + i, 10L, 1L, null, null));
    }
    List<UnpricedModel> unpriced = pricer.unpriced().snapshot();
    assertThat(unpriced).hasSize(UnpricedModels.MAX_MODELS + 1);
    assertThat(unpriced.stream().mapToLong(UnpricedModel::inferences).sum()).isEqualTo(UnpricedModels.MAX_MODELS + 50);
    assertThat(unpriced.get(0).model()).isEqualTo(UnpricedModels.OTHERS);
    assertThat(unpriced.get(0).inferences()).isEqualTo(50);
  }
}
