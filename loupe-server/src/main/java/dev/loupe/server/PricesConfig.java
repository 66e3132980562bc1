package dev.loupe.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.loupe.dimension.cost.HourlyPrice;
import dev.loupe.dimension.cost.ModelPrice;
import dev.loupe.dimension.cost.PriceTier;
import dev.loupe.dimension.cost.TokenPrices;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The {@code prices:} section of {@code loupe.yml}: entries written inline, then catalog files
 * (Loupe's format, as {@code loupe prices import} writes; named relative to the config), then the
 * catalog shipped with Loupe unless {@code defaults: false}. On equal specificity and start date
 * the first listed wins, so the config overrides the files and both override the defaults.
 * Token prices are US dollars per million tokens; hourly prices US dollars per hour.
 * {@code enabled: false} prices nothing at ingest (inferences keep only a cost their sender
 * reported; the cost dimension then has no data), for measuring what pricing costs.
 */
public record PricesConfig(
    Boolean enabled,
    Boolean defaults,
    List<String> files,
    List<ModelPriceSpec> models,
    List<GpuPriceSpec> gpus,
    List<ProvisionedPriceSpec> provisioned) {
  public static final PricesConfig DEFAULTS = new PricesConfig(null, null, null, null, null, null);

  public PricesConfig {
    enabled = enabled == null || enabled;
    defaults = defaults == null || defaults;
    files = files == null ? List.of() : List.copyOf(files);
    models = models == null ? List.of() : List.copyOf(models);
    gpus = gpus == null ? List.of() : List.copyOf(gpus);
    provisioned = provisioned == null ? List.of() : List.copyOf(provisioned);
  }

  /** The same, with relative {@code files} resolved against {@code dir} (the config file's directory). */
  public PricesConfig resolvedAgainst(Path dir) {
    if (dir == null) return this;
    return new PricesConfig(enabled, defaults, files.stream().map(f -> dir.resolve(f).toString()).toList(), models, gpus,
        provisioned);
  }

  /** The same, turned on or off. */
  public PricesConfig withEnabled(boolean on) {
    return new PricesConfig(on, defaults, files, models, gpus, provisioned);
  }

  /** The entries written inline, as a catalog file's content. */
  PriceCatalogFile.Content inline() {
    return new PriceCatalogFile.Content(models, gpus, provisioned);
  }

  /**
   * One model's prices from a day on. {@code model} is matched exactly (ignoring case), as are
   * {@code aliases}; {@code match} (a regex over the whole name, ignoring case) and dated names of
   * {@code model} make it price a family. {@code input} and {@code output} are required; a
   * cache or reasoning price left out is the input or output price.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"model", "provider", "match", "aliases", "start_date", "input", "output", "cache_read",
      "cache_write", "reasoning", "tiers", "source", "uncertain", "note"})
  public record ModelPriceSpec(
      String model,
      String provider,
      String match,
      List<String> aliases,
      @JsonProperty("start_date") String startDate,
      Double input,
      Double output,
      @JsonProperty("cache_read") Double cacheRead,
      @JsonProperty("cache_write") Double cacheWrite,
      Double reasoning,
      List<TierSpec> tiers,
      String source,
      Boolean uncertain,
      String note) {
    public ModelPriceSpec {
      if (model == null || model.isBlank()) throw new ConfigValueException("model", "model is required");
      if (input == null) throw new ConfigValueException("input", "input (dollars per million input tokens) is required");
      if (output == null) {
        throw new ConfigValueException("output", "output (dollars per million output tokens) is required");
      }
      date(startDate);
      aliases = aliases == null || aliases.isEmpty() ? null : List.copyOf(aliases);
      tiers = tiers == null || tiers.isEmpty() ? null : List.copyOf(tiers);
      toModelPrice(model, provider, match, aliases, startDate, input, output, cacheRead, cacheWrite, reasoning, tiers,
          source, uncertain, note);
    }

    public ModelPrice toModelPrice() {
      return toModelPrice(model, provider, match, aliases, startDate, input, output, cacheRead, cacheWrite, reasoning,
          tiers, source, uncertain, note);
    }

    private static ModelPrice toModelPrice(String model, String provider, String match, List<String> aliases,
        String startDate, Double input, Double output, Double cacheRead, Double cacheWrite, Double reasoning,
        List<TierSpec> tiers, String source, Boolean uncertain, String note) {
      TokenPrices base = new TokenPrices(input, output, cacheRead, cacheWrite, reasoning);
      List<PriceTier> t = tiers == null ? List.of() : tiers.stream().map(s -> s.toTier(base)).toList();
      return new ModelPrice(model, provider, match, aliases, date(startDate), base, t, source,
          uncertain != null && uncertain, note);
    }
  }

  /**
   * Prices for prompts of more than {@code above_input_tokens} input tokens; a price left out is
   * the entry's own.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"above_input_tokens", "input", "output", "cache_read", "cache_write", "reasoning"})
  public record TierSpec(
      @JsonProperty("above_input_tokens") Long aboveInputTokens,
      Double input,
      Double output,
      @JsonProperty("cache_read") Double cacheRead,
      @JsonProperty("cache_write") Double cacheWrite,
      Double reasoning) {
    public TierSpec {
      if (aboveInputTokens == null || aboveInputTokens <= 0) {
        throw new ConfigValueException("above_input_tokens",
            "above_input_tokens (the prompt size in tokens above which the tier applies) must be positive, got "
                + aboveInputTokens);
      }
      toTier(aboveInputTokens, input, output, cacheRead, cacheWrite, reasoning, TokenPrices.of(0, 0));
    }

    PriceTier toTier(TokenPrices base) {
      return toTier(aboveInputTokens, input, output, cacheRead, cacheWrite, reasoning, base);
    }

    // Static: the compact constructor runs before the fields are set.
    private static PriceTier toTier(long aboveInputTokens, Double input, Double output, Double cacheRead,
        Double cacheWrite, Double reasoning, TokenPrices base) {
      return new PriceTier(aboveInputTokens, new TokenPrices(
          input == null ? base.input() : input,
          output == null ? base.output() : output,
          cacheRead == null ? base.cacheRead() : cacheRead,
          cacheWrite == null ? base.cacheWrite() : cacheWrite,
          reasoning == null ? base.reasoning() : reasoning));
    }
  }

  /** One GPU model's hourly price, named as dcgm-exporter's {@code modelName} label. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"model", "match", "start_date", "hourly", "source", "uncertain", "note"})
  public record GpuPriceSpec(
      String model,
      String match,
      @JsonProperty("start_date") String startDate,
      Double hourly,
      String source,
      Boolean uncertain,
      String note) {
    public GpuPriceSpec {
      if (model == null || model.isBlank()) {
        throw new ConfigValueException("model", "model (the GPU's modelName, e.g. NVIDIA H100 80GB HBM3) is required");
      }
      if (hourly == null) throw new ConfigValueException("hourly", "hourly (dollars per GPU-hour) is required");
      date(startDate);
      hourlyPrice(model, match, startDate, hourly, source, uncertain, note);
    }

    public HourlyPrice toHourlyPrice() {
      return hourlyPrice(model, match, startDate, hourly, source, uncertain, note);
    }
  }

  /**
   * A provisioned deployment's hourly price (an Azure OpenAI PTU deployment: its PTUs times the
   * hourly price of one). Its inferences have no cost of their own: the hours are the spend.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"deployment", "match", "start_date", "hourly", "source", "note"})
  public record ProvisionedPriceSpec(
      String deployment,
      String match,
      @JsonProperty("start_date") String startDate,
      Double hourly,
      String source,
      String note) {
    public ProvisionedPriceSpec {
      if (deployment == null || deployment.isBlank()) {
        throw new ConfigValueException("deployment", "deployment is required");
      }
      if (hourly == null) throw new ConfigValueException("hourly", "hourly (dollars per hour) is required");
      date(startDate);
      hourlyPrice(deployment, match, startDate, hourly, source, null, note);
    }

    public HourlyPrice toHourlyPrice() {
      return hourlyPrice(deployment, match, startDate, hourly, source, null, note);
    }
  }

  private static HourlyPrice hourlyPrice(String name, String match, String startDate, Double hourly, String source,
      Boolean uncertain, String note) {
    return new HourlyPrice(name, match, date(startDate), hourly, source, uncertain != null && uncertain, note);
  }

  static LocalDate date(String text) {
    if (text == null || text.isBlank()) return null;
    try {
      return LocalDate.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new ConfigValueException("start_date", "start_date must be a day like 2025-06-10, got '" + text + "'");
    }
  }
}
