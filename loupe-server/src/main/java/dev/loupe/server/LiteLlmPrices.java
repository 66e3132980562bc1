package dev.loupe.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.server.PricesConfig.ModelPriceSpec;
import dev.loupe.server.PricesConfig.TierSpec;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LiteLLM's {@code model_prices_and_context_window.json}: an object whose keys are model names
 * (some with a provider prefix, {@code azure/gpt-4o}) and whose values hold per-token prices
 * ({@code input_cost_per_token}, {@code output_cost_per_token}, {@code cache_read_input_token_cost},
 * {@code cache_creation_input_token_cost}, {@code output_cost_per_reasoning_token}) and long-context
 * prices ({@code input_cost_per_token_above_200k_tokens}…). {@code sample_spec} documents the format
 * and is skipped. The file dates nothing: its entries get the import's start date, if any.
 */
final class LiteLlmPrices {
  /** Modes priced per token; the others (images, audio, rerank…) are priced per unit Loupe does not count. */
  private static final Set<String> TOKEN_MODES = Set.of("chat", "completion", "embedding", "responses");
  private static final Pattern TIER_KEY = Pattern.compile(
      "(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost)"
          + "_above_(\\d+)k_tokens");

  private LiteLlmPrices() {}

  static PriceImport.Result read(JsonNode tree, String source, LocalDate startDate) {
    if (!tree.isObject()) {
      throw new ConfigException(source, 0, 0, "", "a LiteLLM price file is a JSON object of models");
    }
    List<ModelPriceSpec> models = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    String date = startDate == null ? null : startDate.toString();
    for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      JsonNode m = e.getValue();
      if (name.equals("sample_spec")) continue;
      if (!m.isObject()) {
        skipped.add(name + ": not an object");
        continue;
      }
      String mode = m.path("mode").asText("");
      if (!mode.isEmpty() && !TOKEN_MODES.contains(mode)) {
        skipped.add(name + ": mode " + mode + " is not priced per token");
        continue;
      }
      Double input = PriceImport.perMillion(m.get("input_cost_per_token"));
      Double output = PriceImport.perMillion(m.get("output_cost_per_token"));
      if (output == null && mode.equals("embedding")) output = 0.0;
      if (input == null || output == null) {
        skipped.add(name + ": no " + (input == null ? "input_cost_per_token" : "output_cost_per_token"));
        continue;
      }
      String provider = m.path("litellm_provider").asText("");
      String note = "LiteLLM: " + (provider.isEmpty() ? "" : "litellm_provider " + provider + ", ")
          + "mode " + (mode.isEmpty() ? "unset" : mode);
      if (m.has("tiered_pricing")) note += "; its tiered_pricing ranges were not imported";
      try {
        models.add(new ModelPriceSpec(name, null, null, null, date, input, output,
            PriceImport.perMillion(m.get("cache_read_input_token_cost")),
            PriceImport.perMillion(m.get("cache_creation_input_token_cost")),
            PriceImport.perMillion(m.get("output_cost_per_reasoning_token")),
            tiers(m), sourceOf(m, source), null, note));
      } catch (IllegalArgumentException bad) {
        skipped.add(name + ": " + bad.getMessage());
      }
    }
    return new PriceImport.Result(PriceImport.Format.LITELLM, models, skipped);
  }

  /** The {@code …_above_Nk_tokens} prices, one tier per threshold. */
  private static List<TierSpec> tiers(JsonNode m) {
    Map<Long, Double[]> byThreshold = new TreeMap<>();
    for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      Matcher k = TIER_KEY.matcher(key);
      if (!k.matches()) continue;
      Double price = PriceImport.perMillion(m.get(key));
      if (price == null) continue;
      Double[] p = byThreshold.computeIfAbsent(Long.parseLong(k.group(2)) * 1000, t -> new Double[4]);
      switch (k.group(1)) {
        case "input_cost_per_token" -> p[0] = price;
        case "output_cost_per_token" -> p[1] = price;
        case "cache_read_input_token_cost" -> p[2] = price;
        default -> p[3] = price;
      }
    }
    List<TierSpec> out = new ArrayList<>();
    byThreshold.forEach((above, p) -> out.add(new TierSpec(above, p[0], p[1], p[2], p[3], null)));
    return out.isEmpty() ? null : out;
  }

  private static String sourceOf(JsonNode m, String file) {
    String own = m.path("source").asText("");
    return own.startsWith("http") ? own : "LiteLLM model_prices_and_context_window.json (" + file + ")";
  }
}
