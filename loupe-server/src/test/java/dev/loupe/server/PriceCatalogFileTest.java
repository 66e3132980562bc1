package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.loupe.dimension.cost.CostQuote;
import dev.loupe.dimension.cost.HourlyPrice;
import dev.loupe.dimension.cost.InferencePricer;
import dev.loupe.dimension.cost.ModelPrice;
import dev.loupe.dimension.cost.PriceCatalog;
import dev.loupe.dimension.cost.TokenUsage;
import dev.loupe.model.CostSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceCatalogFileTest {
  static final long NOW = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();

  @TempDir Path dir;

  /** The sections the lead adds to loupe.yml, bound by the same loader. */
  record CostSections(PricesConfig prices, List<BudgetSpec> budgets) {
    static final CostSections EMPTY = new CostSections(null, null);
  }

  static CostSections config(String yaml) {
    return ConfigLoader.read(yaml, "loupe.yml", CostSections.class, CostSections.EMPTY);
  }

  static double cost(PriceCatalog c, String model, long at, TokenUsage usage) {
    CostQuote q = new InferencePricer(c).quote(null, model, "d", at, usage);
    assertThat(q.source()).as(model).isEqualTo(CostSource.CATALOG);
    return q.cost();
  }

  @Test
  void theShippedCatalogPricesTheCommonModelsByName() {
    PriceCatalog d = PriceCatalogFile.defaults();
    TokenUsage million = TokenUsage.of(1_000_000, 1_000_000);
    assertThat(cost(d, "gpt-4o-2024-08-06", NOW, million)).isCloseTo(12.50, within(1e-9));
    assertThat(cost(d, "openai/gpt-4o", NOW, million)).isCloseTo(12.50, within(1e-9));
    assertThat(cost(d, "gpt-4o-2024-05-13", NOW, million)).isCloseTo(20.00, within(1e-9));
    assertThat(cost(d, "gpt-4o-mini-2024-07-18", NOW, million)).isCloseTo(0.75, within(1e-9));
    assertThat(cost(d, "gpt-4.1-nano-2025-04-14", NOW, million)).isCloseTo(0.50, within(1e-9));
    assertThat(cost(d, "text-embedding-3-small", NOW, TokenUsage.of(1_000_000, 0))).isCloseTo(0.02, within(1e-12));
    assertThat(cost(d, "claude-3-5-sonnet-20241022", NOW, million)).isCloseTo(18.00, within(1e-9));
    // (a million input tokens would be above Sonnet 4's 200k tier)
    assertThat(cost(d, "us.anthropic.claude-sonnet-4-20250514-v1:0", NOW, TokenUsage.of(100_000, 100_000)))
        .isCloseTo(1.80, within(1e-9));
    assertThat(cost(d, "claude-opus-4-1-20250805", NOW, million)).isCloseTo(90.00, within(1e-9));
    assertThat(cost(d, "claude-opus-4-5-20251101", NOW, million)).isCloseTo(30.00, within(1e-9));
    assertThat(cost(d, "gemini-2.0-flash-001", NOW, million)).isCloseTo(0.50, within(1e-9));
    assertThat(cost(d, "mistral-large-2411", NOW, million)).isCloseTo(8.00, within(1e-9));
    // o3's June 2025 cut: older inferences keep the old price.
    assertThat(cost(d, "o3-2025-04-16", Instant.parse("2025-05-01T00:00:00Z").toEpochMilli(), million))
        .isCloseTo(50.00, within(1e-9));
    assertThat(cost(d, "o3-2025-04-16", NOW, million)).isCloseTo(10.00, within(1e-9));
    // Long prompts: Sonnet 4.5 above 200k input tokens, Gemini 2.5 Pro above 200k.
    assertThat(cost(d, "claude-sonnet-4-5-20250929", NOW, TokenUsage.of(300_000, 1_000)))
        .isCloseTo((300_000 * 6.0 + 1_000 * 22.5) / 1e6, within(1e-12));
    assertThat(cost(d, "gemini-2.5-pro", NOW, TokenUsage.of(100_000, 1_000)))
        .isCloseTo((100_000 * 1.25 + 1_000 * 10.0) / 1e6, within(1e-12));
    // Cached input: gpt-4o reads at half price; Sonnet's cache writes cost 1.25x.
    assertThat(cost(d, "gpt-4o", NOW, new TokenUsage(10_000, 0, 8_000, 0, 0)))
        .isCloseTo((2_000 * 2.5 + 8_000 * 1.25) / 1e6, within(1e-12));
    assertThat(cost(d, "claude-sonnet-4-5", NOW, new TokenUsage(10_000, 0, 0, 10_000, 0)))
        .isCloseTo(10_000 * 3.75 / 1e6, within(1e-12));
    // Names it does not know stay unknown rather than borrowing a neighbour's price.
    assertThat(d.modelPrice(null, "gpt-4o-audio-preview", NOW)).isEmpty();
    assertThat(d.modelPrice(null, "gemini-2.5-flash-preview-05-20", NOW)).isEmpty();
  }

  @Test
  void everyShippedPriceIsDatedAndSourced() {
    PriceCatalog d = PriceCatalogFile.defaults();
    assertThat(d.models()).hasSizeGreaterThan(40);
    for (ModelPrice m : d.models()) {
      assertThat(m.startDate()).as(m.model()).isNotNull();
      assertThat(m.source()).as(m.model()).startsWith("https://");
    }
    for (HourlyPrice g : d.gpus()) {
      assertThat(g.source()).as(g.name()).startsWith("https://");
      assertThat(g.note()).as(g.name()).contains("default to override");
    }
    assertThat(d.gpuPrice("NVIDIA H100 80GB HBM3", NOW).orElseThrow().hourly()).isEqualTo(6.88);
    assertThat(d.gpuPrice("NVIDIA H100 80GB HBM3", Instant.parse("2024-01-01T00:00:00Z").toEpochMilli())
        .orElseThrow().hourly()).isEqualTo(12.29);
    assertThat(d.gpuPrice("NVIDIA L4", NOW).orElseThrow().hourly()).isEqualTo(0.8048);
    assertThat(d.gpuPrice("NVIDIA A100 80GB PCIe", NOW).orElseThrow().hourly()).isEqualTo(5.12);
  }

  @Test
  void theConfigOverridesFilesAndFilesOverrideTheDefaults() throws Exception {
    Files.writeString(dir.resolve("team-prices.yml"), """
        models:
          - model: gpt-4o
            start_date: 2024-10-02
            input: 2.00
            output: 8.00
          - model: in-house-llm
            input: 0.5
            output: 0.5
        """);
    CostSections c = config("""
        prices:
          files: [team-prices.yml]
          models:
            - model: in-house-llm
              input: 0.1
              output: 0.2
              source: our GPU bill, 2026-10
          gpus:
            - model: NVIDIA H100 80GB HBM3
              hourly: 2.10
              source: reserved instances
          provisioned:
            - deployment: chat-ptu
              hourly: 300
        """);
    PriceCatalog catalog = PriceCatalogFile.load(c.prices().resolvedAgainst(dir));
    assertThat(catalog.modelPrice(null, "in-house-llm", NOW).orElseThrow().prices().input()).isEqualTo(0.1);
    assertThat(catalog.modelPrice(null, "gpt-4o-2024-11-20", NOW).orElseThrow().prices().input()).isEqualTo(2.0);
    assertThat(catalog.modelPrice(null, "claude-3-haiku-20240307", NOW)).isPresent();
    assertThat(catalog.gpuPrice("NVIDIA H100 80GB HBM3", NOW).orElseThrow().hourly()).isEqualTo(2.10);
    assertThat(catalog.provisionedPrice("chat-ptu", NOW).orElseThrow().hourly()).isEqualTo(300);

    PriceCatalog alone = PriceCatalogFile.load(config("prices:\n  defaults: false\n").prices());
    assertThat(alone.models()).isEmpty();
    assertThat(PriceCatalogFile.load(PricesConfig.DEFAULTS).models()).isEqualTo(PriceCatalogFile.defaults().models());
  }

  @Test
  void mistakesNameTheFileLineColumnAndKey() throws Exception {
    assertProblem("models:\n  - model: gpt-4o\n    input: 2.5\n    output: 10\n    cache_reed: 1\n",
        "prices.yml:5:5: models[0].cache_reed: unknown key; did you mean 'cache_read'?");
    assertProblem("models:\n  - model: gpt-4o\n    input: 2.5\n",
        "prices.yml:2:5: models[0].output: output (dollars per million output tokens) is required");
    assertProblem("models:\n  - model: x\n    match: 'gpt-(4o'\n    input: 1\n    output: 1\n",
        "prices.yml:3:12: models[0].match: 'gpt-(4o' is not a valid regular expression: unclosed group");
    assertProblem("models:\n  - model: x\n    start_date: 2025-13-01\n    input: 1\n    output: 1\n",
        "prices.yml:3:17: models[0].start_date: start_date must be a day like 2025-06-10, got '2025-13-01'");
    assertProblem("models:\n  - model: x\n    input: -1\n    output: 1\n",
        "prices.yml:3:12: models[0].input: input must be a price of 0 or more (dollars per million tokens), got -1.0");
    assertProblem("models:\n  - model: x\n    input: 1\n    output: 1\n    tiers:\n      - above_input_tokens: 0\n",
        "prices.yml:6:29: models[0].tiers[0].above_input_tokens: above_input_tokens (the prompt size in tokens above"
            + " which the tier applies) must be positive, got 0");
    assertProblem("gpus:\n  - model: NVIDIA L4\n    hourly: cheap\n",
        "prices.yml:3:13: gpus[0].hourly: expected a number, got \"cheap\"");
    assertThatThrownBy(() -> PriceCatalogFile.read(dir.resolve("missing.yml")))
        .hasMessageEndingWith("missing.yml: no such price catalog file");
  }

  private void assertProblem(String yaml, String expectedStart) throws Exception {
    Path f = dir.resolve("prices.yml");
    Files.writeString(f, yaml);
    assertThatThrownBy(() -> PriceCatalogFile.read(f))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(e.getMessage().replace(dir + "/", "")).startsWith(expectedStart));
  }

  @Test
  void whatIsWrittenReadsBackTheSame() {
    PriceCatalogFile.Content content = PriceCatalogFile.parseContent(PriceCatalogFile.defaultsText(), "defaults");
    String written = PriceCatalogFile.write(content, "# a header\n");
    assertThat(written).startsWith("# a header\nmodels:\n  - model: gpt-4o\n    start_date: 2024-10-02\n    input: 2.5\n");
    PriceCatalogFile.Content back = PriceCatalogFile.parseContent(written, "written");
    assertThat(back).isEqualTo(content);
  }
}
