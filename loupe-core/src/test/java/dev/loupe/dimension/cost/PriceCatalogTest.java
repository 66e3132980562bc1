package dev.loupe.dimension.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class PriceCatalogTest {
  static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();

  static ModelPrice entry(String model, String match, double input, double output) {
    return new ModelPrice(model, null, match, null, null, TokenPrices.of(input, output), null, null, false, null);
  }

  static ModelPrice dated(String model, String date, double input, double output) {
    return new ModelPrice(model, null, null, null, LocalDate.parse(date), TokenPrices.of(input, output), null,
        null, false, null);
  }

  static PriceCatalog catalog(ModelPrice... models) {
    return new PriceCatalog(List.of(models), List.of(), List.of());
  }

  static String winner(PriceCatalog c, String provider, String model) {
    return c.modelPrice(provider, model, NOW).map(p -> p.model() + "@" + p.prices().input()).orElse("none");
  }

  @Test
  void dateSuffixesAndProviderPrefixesPriceTheFamily() {
    PriceCatalog c = catalog(entry("gpt-4o", null, 2.5, 10), entry("claude-3-5-sonnet", null, 3, 15),
        entry("gemini-1.5-pro", null, 1.25, 5));
    assertThat(winner(c, null, "gpt-4o")).isEqualTo("gpt-4o@2.5");
    assertThat(winner(c, null, "gpt-4o-2024-08-06")).isEqualTo("gpt-4o@2.5");
    assertThat(winner(c, null, "openai/gpt-4o")).isEqualTo("gpt-4o@2.5");
    assertThat(winner(c, null, "openai/gpt-4o-2024-11-20")).isEqualTo("gpt-4o@2.5");
    assertThat(winner(c, null, "GPT-4o")).isEqualTo("gpt-4o@2.5");
    assertThat(winner(c, null, "claude-3-5-sonnet-20241022")).isEqualTo("claude-3-5-sonnet@3.0");
    assertThat(winner(c, null, "claude-3-5-sonnet-v2@20241022")).isEqualTo("claude-3-5-sonnet@3.0");
    assertThat(winner(c, null, "claude-3-5-sonnet-latest")).isEqualTo("claude-3-5-sonnet@3.0");
    assertThat(winner(c, null, "gemini-1.5-pro-002")).isEqualTo("gemini-1.5-pro@1.25");
    // A different model that merely starts like a known one is not priced as it.
    assertThat(winner(c, null, "gpt-4o-mini")).isEqualTo("none");
    assertThat(winner(c, null, "gpt-4o-audio-preview")).isEqualTo("none");
    assertThat(winner(c, null, "gpt-4")).isEqualTo("none");
  }

  @Test
  void exactNameBeatsFamilyAndLongerSharedPrefixBeatsShorter() {
    PriceCatalog c = catalog(
        entry("gpt-4o", "gpt-4o.*", 2.5, 10),
        entry("gpt-4o-mini", "gpt-4o-mini.*", 0.15, 0.6),
        entry("gpt-4o-2024-05-13", null, 5, 15),
        entry("anything", ".*", 99, 99));
    assertThat(winner(c, null, "gpt-4o-2024-05-13")).isEqualTo("gpt-4o-2024-05-13@5.0");
    assertThat(winner(c, null, "gpt-4o-2024-08-06")).isEqualTo("gpt-4o@2.5");
    assertThat(winner(c, null, "gpt-4o-mini-2024-07-18")).isEqualTo("gpt-4o-mini@0.15");
    assertThat(winner(c, null, "gpt-4o-realtime-preview")).isEqualTo("gpt-4o@2.5");
    assertThat(winner(c, null, "llama-3-70b")).isEqualTo("anything@99.0");
  }

  @Test
  void aQualifiedExactNameBeatsTheBareOneAndProvidersKeepTheirOwn() {
    ModelPrice azure = new ModelPrice("gpt-4o", "azure", null, null, null, TokenPrices.of(2.75, 11), null, null,
        false, null);
    PriceCatalog c = catalog(entry("gpt-4o", null, 2.5, 10), entry("together/llama-3.1-8b", null, 0.18, 0.18),
        azure);
    assertThat(winner(c, null, "together/llama-3.1-8b")).isEqualTo("together/llama-3.1-8b@0.18");
    assertThat(winner(c, "together", "llama-3.1-8b")).isEqualTo("together/llama-3.1-8b@0.18");
    assertThat(winner(c, null, "llama-3.1-8b")).isEqualTo("none");
    // The provider's own entry wins when the provider is known; another provider's is skipped.
    assertThat(winner(c, "azure", "gpt-4o")).isEqualTo("gpt-4o@2.75");
    assertThat(winner(c, "openai", "gpt-4o")).isEqualTo("gpt-4o@2.5");
    // Unknown provider: both are exact and equally long; catalog order decides.
    assertThat(winner(c, null, "gpt-4o")).isEqualTo("gpt-4o@2.5");
  }

  @Test
  void aliasesMatchExactlyAndRegexesMatchTheWholeNameIgnoringCase() {
    ModelPrice sonnet = new ModelPrice("claude-sonnet-4", null,
        "(?:(?:us|eu|apac|global)\\.)?anthropic\\.claude-sonnet-4(-\\d{8})?-v\\d+(:\\d+)?", List.of("sonnet-4"),
        null, TokenPrices.of(3, 15), null, null, false, null);
    PriceCatalog c = catalog(sonnet);
    assertThat(winner(c, null, "sonnet-4")).isEqualTo("claude-sonnet-4@3.0");
    assertThat(winner(c, null, "us.anthropic.claude-sonnet-4-20250514-v1:0")).isEqualTo("claude-sonnet-4@3.0");
    assertThat(winner(c, null, "US.Anthropic.Claude-Sonnet-4-20250514-V1:0")).isEqualTo("claude-sonnet-4@3.0");
    assertThat(winner(c, null, "xanthropic.claude-sonnet-4-v1")).isEqualTo("none");
  }

  @Test
  void aPriceChangeAppliesFromItsStartDateAndOlderInferencesKeepTheOldPrice() {
    PriceCatalog c = catalog(dated("o3", "2025-04-16", 10, 40), dated("o3", "2025-06-10", 2, 8));
    long before = Instant.parse("2025-04-15T23:59:59Z").toEpochMilli();
    long april = Instant.parse("2025-05-01T12:00:00Z").toEpochMilli();
    long lastOld = Instant.parse("2025-06-09T23:59:59.999Z").toEpochMilli();
    long firstNew = Instant.parse("2025-06-10T00:00:00Z").toEpochMilli();
    assertThat(c.modelPrice(null, "o3", before)).isEmpty();
    assertThat(c.modelPrice(null, "o3-2025-04-16", april).orElseThrow().prices().input()).isEqualTo(10);
    assertThat(c.modelPrice(null, "o3", lastOld).orElseThrow().prices().input()).isEqualTo(10);
    assertThat(c.modelPrice(null, "o3", firstNew).orElseThrow().prices().input()).isEqualTo(2);
    assertThat(c.modelPrice(null, "o3", NOW).orElseThrow().prices().output()).isEqualTo(8);
  }

  @Test
  void aMoreSpecificEntryNotYetStartedLeavesTheFamilyPriceInForce() {
    PriceCatalog c = catalog(dated("gpt-4o-2024-08-06", "2026-12-01", 1, 4), entry("gpt-4o", null, 2.5, 10));
    assertThat(winner(c, null, "gpt-4o-2024-08-06")).isEqualTo("gpt-4o@2.5");
    long december = Instant.parse("2026-12-02T00:00:00Z").toEpochMilli();
    assertThat(c.modelPrice(null, "gpt-4o-2024-08-06", december).orElseThrow().prices().input()).isEqualTo(1);
  }

  @Test
  void entriesListedFirstOverrideLaterOnesWithTheSameNameAndDate() {
    PriceCatalog defaults = catalog(entry("gpt-4o", null, 2.5, 10));
    PriceCatalog config = catalog(entry("gpt-4o", null, 2.0, 8));
    assertThat(winner(config.then(defaults), null, "gpt-4o-2024-08-06")).isEqualTo("gpt-4o@2.0");
    assertThat(winner(defaults.then(config), null, "gpt-4o-2024-08-06")).isEqualTo("gpt-4o@2.5");
  }

  @Test
  void anEarlierSourceWinsOverLaterOnesWhateverTheirDatesOnceItHasStarted() {
    PriceCatalog defaults = catalog(dated("gpt-4o", "2024-05-13", 5, 15), dated("gpt-4o", "2024-10-02", 2.5, 10));
    PriceCatalog undated = catalog(entry("gpt-4o", null, 2.0, 8));
    PriceCatalog fromDecember = catalog(dated("gpt-4o", "2026-12-01", 1.0, 4));
    assertThat(winner(undated.then(defaults), null, "gpt-4o")).isEqualTo("gpt-4o@2.0");
    // Not started yet: the defaults' newest started entry applies until it does.
    assertThat(winner(fromDecember.then(defaults), null, "gpt-4o")).isEqualTo("gpt-4o@2.5");
    long december = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    assertThat(fromDecember.then(defaults).modelPrice(null, "gpt-4o", december).orElseThrow().prices().input())
        .isEqualTo(1.0);
    // Three sources: the first that has started wins.
    PriceCatalog three = fromDecember.then(undated).then(defaults);
    assertThat(winner(three, null, "gpt-4o-2024-08-06")).isEqualTo("gpt-4o@2.0");
    assertThat(three.modelPrice(null, "gpt-4o", december).orElseThrow().prices().input()).isEqualTo(1.0);
    // Specificity still comes first: an exact default beats a family override.
    PriceCatalog family = catalog(entry("gpt-4o", "gpt-4o.*", 2.0, 8));
    assertThat(winner(family.then(catalog(entry("gpt-4o-2024-05-13", null, 5, 15))), null, "gpt-4o-2024-05-13"))
        .isEqualTo("gpt-4o-2024-05-13@5.0");
    HourlyPrice mine = HourlyPrice.of("NVIDIA H100 80GB HBM3", 2.10);
    HourlyPrice listed = new HourlyPrice("NVIDIA H100 80GB HBM3", null, LocalDate.parse("2025-06-05"), 6.88, null,
        false, null);
    PriceCatalog gpus = new PriceCatalog(List.of(), List.of(mine), List.of())
        .then(new PriceCatalog(List.of(), List.of(listed), List.of()));
    assertThat(gpus.gpuPrice("NVIDIA H100 80GB HBM3", NOW).orElseThrow().hourly()).isEqualTo(2.10);
  }

  @Test
  void gpusAndProvisionedDeploymentsArePricedByTheHour() {
    HourlyPrice h100 = new HourlyPrice("NVIDIA H100 80GB HBM3", null, null, 6.88, null, false, null);
    HourlyPrice anyA100 = new HourlyPrice("NVIDIA A100", "NVIDIA A100.*80GB.*", null, 5.12, null, false, null);
    HourlyPrice ptu = new HourlyPrice("chat-ptu", null, LocalDate.parse("2026-01-01"), 100, null, false, null);
    PriceCatalog c = new PriceCatalog(List.of(), List.of(h100, anyA100), List.of(ptu));
    assertThat(c.gpuPrice("NVIDIA H100 80GB HBM3", NOW).orElseThrow().hourly()).isEqualTo(6.88);
    assertThat(c.gpuPrice("nvidia h100 80gb hbm3", NOW)).isPresent();
    assertThat(c.gpuPrice("NVIDIA A100-SXM4-80GB", NOW).orElseThrow().hourly()).isEqualTo(5.12);
    assertThat(c.gpuPrice("NVIDIA A100-SXM4-40GB", NOW)).isEmpty();
    assertThat(c.gpuPrice("NVIDIA L4", NOW)).isEmpty();
    assertThat(c.provisionedPrice("chat-ptu", NOW).orElseThrow().cost(24)).isEqualTo(2400);
    assertThat(c.provisionedPrice("chat-ptu", Instant.parse("2025-12-31T23:00:00Z").toEpochMilli())).isEmpty();
    assertThat(c.provisionedPrice("chat-prod", NOW)).isEmpty();
  }

  @Test
  void badEntriesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> entry("x", "gpt-(4o", 1, 1))
        .hasMessageContaining("match 'gpt-(4o' is not a valid regular expression");
    assertThatThrownBy(() -> TokenPrices.of(-1, 1)).hasMessageContaining("input must be a price of 0 or more");
    assertThatThrownBy(() -> new TokenPrices(1, 1, Double.NaN, null, null)).hasMessageContaining("cache_read");
    assertThatThrownBy(() -> new ModelPrice("x", null, null, null, null, TokenPrices.of(1, 1),
        List.of(new PriceTier(200_000, TokenPrices.of(2, 2)), new PriceTier(200_000, TokenPrices.of(3, 3))),
        null, false, null)).hasMessageContaining("two tiers start above 200000");
    assertThatThrownBy(() -> new PriceTier(0, TokenPrices.of(1, 1))).hasMessageContaining("above_input_tokens");
    assertThatThrownBy(() -> new HourlyPrice(" ", null, null, 1, null, false, null)).hasMessageContaining("name");
  }

  @Test
  void stemsTakeOffOneReleaseSuffixAtATime() {
    assertThat(PriceCatalog.stems("o1-2024-12-17")).containsExactly("o1");
    assertThat(PriceCatalog.stems("claude-3-5-sonnet-v2@20241022")).containsExactly("claude-3-5-sonnet-v2", "claude-3-5-sonnet");
    assertThat(PriceCatalog.stems("mistral-large-2411")).containsExactly("mistral-large");
    assertThat(PriceCatalog.stems("gpt-4o-mini")).isEmpty();
    assertThat(PriceCatalog.stems("llama-3.1-70b")).isEmpty();
  }
}
