package dev.loupe.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.server.PricesConfig.ModelPriceSpec;
import dev.loupe.server.PricesConfig.TierSpec;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Langfuse's model prices: its shipped {@code default-model-prices.json} (a list) or its API's
 * {@code GET /api/public/models} answer ({@code {"data": [...]}}). Each model has a
 * {@code modelName}, a {@code matchPattern} regex, a {@code startDate}, a {@code unit} and prices
 * per unit of usage: the newer {@code pricingTiers} (a default tier, and tiers with conditions such
 * as "input above 200,000"), else a {@code prices} map (usage type to price, or to {@code {"price": p}}),
 * else the older {@code inputPrice}/{@code outputPrice}/{@code totalPrice}. Only models priced per
 * token are imported.
 */
final class LangfusePrices {
  private static final List<String> INPUT = List.of("input", "input_tokens", "prompt_tokens");
  private static final List<String> OUTPUT = List.of("output", "output_tokens", "completion_tokens");
  private static final List<String> CACHE_READ = List.of(
      "input_cache_read", "input_cached_tokens", "cache_read_input_tokens", "input_cached_text_tokens");
  private static final List<String> CACHE_WRITE = List.of(
      "input_cache_creation", "cache_creation_input_tokens", "input_cache_creation_5m");
  private static final List<String> REASONING = List.of("output_reasoning_tokens", "output_reasoning");

  private LangfusePrices() {}

  static PriceImport.Result read(JsonNode tree, String source) {
    JsonNode list = tree.isArray() ? tree : tree.path("data");
    if (!list.isArray()) {
      throw new ConfigException(source, 0, 0, "", "Langfuse model prices are a JSON list of models (or {\"data\": [...]})");
    }
    List<ModelPriceSpec> models = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode m = list.get(i);
      String name = m.path("modelName").asText("");
      String label = name.isEmpty() ? "[" + i + "]" : name;
      if (name.isEmpty()) {
        skipped.add(label + ": no modelName");
        continue;
      }
      String unit = m.path("unit").asText("TOKENS");
      if (!unit.isEmpty() && !unit.equalsIgnoreCase("TOKENS")) {
        skipped.add(label + ": priced per " + unit.toLowerCase(java.util.Locale.ROOT) + ", not per token");
        continue;
      }
      List<String> notes = new ArrayList<>();
      String match = pattern(m.path("matchPattern").asText(""), notes);
      Prices base;
      List<TierSpec> tiers = new ArrayList<>();
      JsonNode tierList = m.path("pricingTiers");
      if (tierList.isArray() && !tierList.isEmpty()) {
        base = null;
        for (JsonNode t : tierList) {
          Prices p = Prices.of(t.path("prices"));
          JsonNode conditions = t.path("conditions");
          if (t.path("isDefault").asBoolean(false) || !conditions.isArray() || conditions.isEmpty()) {
            if (base == null) base = p;
            continue;
          }
          Long above = inputThreshold(conditions);
          if (above == null) {
            notes.add("tier '" + t.path("name").asText("?") + "' has conditions Loupe does not price by; left out");
          } else {
            tiers.add(new TierSpec(above, p.input, p.output, p.cacheRead, p.cacheWrite, p.reasoning));
          }
        }
        if (base == null) base = Prices.EMPTY;
      } else if (m.has("prices") && m.get("prices").isObject() && m.get("prices").size() > 0) {
        base = Prices.of(m.get("prices"));
      } else {
        base = new Prices(PriceImport.perMillion(m.get("inputPrice")), PriceImport.perMillion(m.get("outputPrice")),
            PriceImport.perMillion(m.get("totalPrice")), null, null, null);
      }
      Double input = base.input != null ? base.input : base.total;
      Double output = base.output != null ? base.output : base.total;
      if (input == null || output == null) {
        skipped.add(label + ": no per-token " + (input == null ? "input" : "output") + " price");
        continue;
      }
      String source1 = "Langfuse model prices (" + source + ")";
      try {
        models.add(new ModelPriceSpec(name, null, match, null, date(m.path("startDate")), input, output,
            base.cacheRead, base.cacheWrite, base.reasoning, tiers.isEmpty() ? null : tiers, source1, null,
            notes.isEmpty() ? null : String.join("; ", notes)));
      } catch (IllegalArgumentException bad) {
        skipped.add(label + ": " + bad.getMessage());
      }
    }
    return new PriceImport.Result(PriceImport.Format.LANGFUSE, models, skipped);
  }

  /** The tier's threshold when its one condition is "the input usage above N" (Langfuse sums usage keys matching the pattern). */
  private static Long inputThreshold(JsonNode conditions) {
    if (conditions.size() != 1) return null;
    JsonNode c = conditions.get(0);
    String pattern = c.path("usageDetailPattern").asText("");
    String op = c.path("operator").asText("");
    if (!c.path("value").isNumber()) return null;
    long value = c.path("value").asLong();
    boolean onInput;
    try {
      onInput = Pattern.compile(pattern, c.path("caseSensitive").asBoolean(false) ? 0 : Pattern.CASE_INSENSITIVE)
          .matcher("input").find() && !Pattern.compile(pattern, Pattern.CASE_INSENSITIVE).matcher("output").find();
    } catch (PatternSyntaxException e) {
      return null;
    }
    if (!onInput) return null;
    if (op.equals("gt")) return value > 0 ? value : null;
    if (op.equals("gte")) return value > 1 ? value - 1 : null;
    return null;
  }

  /** The model's matchPattern if Java can run it; Loupe matches whole names and ignores case anyway. */
  private static String pattern(String regex, List<String> notes) {
    if (regex.isEmpty()) return null;
    try {
      Pattern.compile(regex);
      return regex;
    } catch (PatternSyntaxException e) {
      notes.add("its matchPattern does not compile in Java (" + e.getDescription() + "); matched by name only");
      return null;
    }
  }

  private static String date(JsonNode n) {
    if (n == null || !n.isTextual() || n.asText().isBlank()) return null;
    String text = n.asText().trim();
    try {
      return Instant.parse(text).atZone(ZoneOffset.UTC).toLocalDate().toString();
    } catch (DateTimeParseException e) {
      try {
        return LocalDate.parse(text.length() >= 10 ? text.substring(0, 10) : text).toString();
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  /** Per-million prices read from a usage-type map. */
  private record Prices(Double input, Double output, Double total, Double cacheRead, Double cacheWrite, Double reasoning) {
    static final Prices EMPTY = new Prices(null, null, null, null, null, null);

    static Prices of(JsonNode map) {
      if (map == null || !map.isObject()) return EMPTY;
      return new Prices(first(map, INPUT), first(map, OUTPUT), first(map, List.of("total")), first(map, CACHE_READ),
          first(map, CACHE_WRITE), first(map, REASONING));
    }

    private static Double first(JsonNode map, List<String> keys) {
      for (String k : keys) {
        JsonNode v = map.get(k);
        if (v == null) continue;
        Double p = PriceImport.perMillion(v.isObject() ? v.get("price") : v);
        if (p != null) return p;
      }
      return null;
    }
  }
}
