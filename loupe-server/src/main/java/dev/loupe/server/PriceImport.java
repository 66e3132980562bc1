package dev.loupe.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.server.PricesConfig.ModelPriceSpec;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the price catalogs teams already keep, LiteLLM's {@code model_prices_and_context_window.json}
 * and Langfuse's model prices, into Loupe's catalog entries (per-token prices become per-million).
 * Which one a file is comes from its shape: an object of models for LiteLLM, a list of models with
 * {@code modelName} and {@code matchPattern} (or the API's {@code {"data": [...]}}) for Langfuse.
 * Entries that cannot be priced per token (images, audio seconds, requests) are left out and listed.
 */
public final class PriceImport {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The formats Loupe imports. */
  public enum Format {
    LITELLM("LiteLLM model_prices_and_context_window.json"),
    LANGFUSE("Langfuse model prices");

    private final String title;

    Format(String title) {
      this.title = title;
    }

    public String title() {
      return title;
    }

    public static Format parse(String value) {
      for (Format f : values()) {
        if (f.name().equalsIgnoreCase(value)) return f;
      }
      throw new IllegalArgumentException("format must be litellm or langfuse, got " + value);
    }
  }

  /** What an import gave: the entries in Loupe's format, and each entry left out with why. */
  public record Result(Format format, List<ModelPriceSpec> models, List<String> skipped) {
    public Result {
      models = List.copyOf(models);
      skipped = List.copyOf(skipped);
    }
  }

  private PriceImport() {}

  /**
   * Imports a file; {@code format} null detects it. {@code startDate} (null: none) dates the entries
   * the file does not date itself (all of LiteLLM's). Throws {@link ConfigException} naming the file.
   */
  public static Result read(Path file, Format format, LocalDate startDate) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), 0, 0, "", "no such file");
    } catch (IOException e) {
      throw new ConfigException(file.toString(), 0, 0, "", "cannot read: " + e.getMessage());
    }
    return parse(bytes, file.toString(), format, startDate);
  }

  /** Imports file content; {@code source} names it in errors and in the entries' sources. */
  public static Result parse(byte[] content, String source, Format format, LocalDate startDate) {
    JsonNode tree;
    try {
      tree = JSON.readTree(content);
    } catch (JsonProcessingException e) {
      var l = e.getLocation();
      throw new ConfigException(source, l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr(), "",
          "not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException(source, 0, 0, "", "cannot read: " + e.getMessage());
    }
    Format f = format == null ? detect(tree, source) : format;
    return switch (f) {
      case LITELLM -> LiteLlmPrices.read(tree, source, startDate);
      case LANGFUSE -> LangfusePrices.read(tree, source);
    };
  }

  static Format detect(JsonNode tree, String source) {
    if (tree != null && tree.isArray()) return Format.LANGFUSE;
    if (tree != null && tree.isObject()) {
      JsonNode data = tree.get("data");
      if (data != null && data.isArray() && (data.isEmpty() || data.get(0).has("modelName"))) return Format.LANGFUSE;
      for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
        JsonNode v = it.next().getValue();
        if (v.isObject() && (v.has("input_cost_per_token") || v.has("litellm_provider") || v.has("mode"))) {
          return Format.LITELLM;
        }
      }
    }
    throw new ConfigException(source, 0, 0, "", "neither LiteLLM's model_prices_and_context_window.json (an object"
        + " of models with input_cost_per_token, litellm_provider…) nor Langfuse's model prices (a list of models"
        + " with modelName and matchPattern); name the format with --format");
  }

  /** A per-token price as dollars per million tokens, without binary noise ({@code 2.5e-06} gives 2.5). */
  static Double perMillion(JsonNode n) {
    if (n == null || n.isNull()) return null;
    BigDecimal perToken;
    if (n.isNumber()) {
      perToken = new BigDecimal(n.asText());
    } else if (n.isTextual()) {
      try {
        perToken = new BigDecimal(n.asText().trim());
      } catch (NumberFormatException e) {
        return null;
      }
    } else {
      return null;
    }
    return perToken.movePointRight(6).stripTrailingZeros().doubleValue();
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
