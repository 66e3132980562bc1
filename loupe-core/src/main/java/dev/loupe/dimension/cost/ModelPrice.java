package dev.loupe.dimension.cost;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One price of one model, from {@code startDate} (a UTC day; null: since always) until a newer
 * entry of the same specificity starts. {@code model} is matched exactly (ignoring case), as are
 * {@code aliases}; {@code match}, a regular expression over the whole model name (ignoring case;
 * tried on the name as sent, {@code provider/name} and the name after its last {@code /}), makes
 * the entry price a family, as does a dated or versioned name of {@code model}
 * ({@code gpt-4o-2024-08-06}, {@code claude-3-5-sonnet-20241022}). {@code provider}, when set,
 * keeps the entry from pricing another provider's inferences when the provider is known.
 * {@code source} names where the price was published; {@code uncertain} marks a price nobody has
 * checked against that source.
 */
public record ModelPrice(
    String model,
    String provider,
    String match,
    List<String> aliases,
    LocalDate startDate,
    TokenPrices prices,
    List<PriceTier> tiers,
    String source,
    boolean uncertain,
    String note) {
  public ModelPrice {
    if (model == null || model.isBlank()) throw new IllegalArgumentException("model is required");
    Objects.requireNonNull(prices, "prices");
    provider = provider == null || provider.isBlank() ? null : provider;
    match = match == null || match.isBlank() ? null : match;
    if (match != null) compile(match);
    aliases = aliases == null ? List.of() : List.copyOf(aliases);
    for (String a : aliases) {
      if (a == null || a.isBlank()) throw new IllegalArgumentException("aliases must not contain an empty name");
    }
    List<PriceTier> sorted = new ArrayList<>(tiers == null ? List.of() : tiers);
    sorted.sort(Comparator.comparingLong(PriceTier::aboveInputTokens));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).aboveInputTokens() == sorted.get(i - 1).aboveInputTokens()) {
        throw new IllegalArgumentException("tiers: two tiers start above " + sorted.get(i).aboveInputTokens()
            + " input tokens");
      }
    }
    tiers = List.copyOf(sorted);
  }

  /** A plain entry: a model's input and output price since always. */
  public static ModelPrice of(String model, double input, double output) {
    return new ModelPrice(model, null, null, null, null, TokenPrices.of(input, output), null, null, false, null);
  }

  /** The prices for a prompt of {@code inputTokens}: the highest tier it is above, else the base prices. */
  public TokenPrices pricesFor(long inputTokens) {
    for (int i = tiers.size() - 1; i >= 0; i--) {
      if (inputTokens > tiers.get(i).aboveInputTokens()) return tiers.get(i).prices();
    }
    return prices;
  }

  /** What {@code usage} costs at this entry's prices, in dollars. */
  public double cost(TokenUsage usage) {
    return pricesFor(usage.input()).cost(usage);
  }

  /** Start of {@code startDate} (UTC) in epoch milliseconds; {@link Long#MIN_VALUE} when it has none. */
  public long startMillis() {
    return startDate == null ? Long.MIN_VALUE : startDate.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
  }

  /** The {@code match} pattern compiled as the catalog uses it: whole name, ignoring case. */
  static Pattern compile(String regex) {
    try {
      return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("match '" + regex + "' is not a valid regular expression: "
          + e.getDescription() + (e.getIndex() >= 0 ? " (at character " + (e.getIndex() + 1) + ")" : ""), e);
    }
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
