package dev.loupe.dimension.cost;

/**
 * Prices in US dollars per million tokens. {@code input} and {@code output} are required; a
 * cache-read, cache-write or reasoning price left out (null) is the input price (cache) or the
 * output price (reasoning), so a cached token is never priced at $0 unless the catalog says 0.
 */
public record TokenPrices(double input, double output, Double cacheRead, Double cacheWrite, Double reasoning) {
  public TokenPrices {
    check("input", input);
    check("output", output);
    if (cacheRead != null) check("cache_read", cacheRead);
    if (cacheWrite != null) check("cache_write", cacheWrite);
    if (reasoning != null) check("reasoning", reasoning);
  }

  public static TokenPrices of(double input, double output) {
    return new TokenPrices(input, output, null, null, null);
  }

  public double cacheReadOrInput() {
    return cacheRead == null ? input : cacheRead;
  }

  public double cacheWriteOrInput() {
    return cacheWrite == null ? input : cacheWrite;
  }

  public double reasoningOrOutput() {
    return reasoning == null ? output : reasoning;
  }

  /** What {@code u} costs at these prices, in dollars. */
  public double cost(TokenUsage u) {
    double perMillion = u.uncachedInput() * input
        + u.cacheRead() * cacheReadOrInput()
        + u.cacheWrite() * cacheWriteOrInput()
        + u.plainOutput() * output
        + Math.min(u.reasoning(), u.output()) * reasoningOrOutput();
    return perMillion / 1_000_000.0;
  }

  private static void check(String field, double price) {
    if (!(price >= 0) || Double.isInfinite(price)) {
      throw new IllegalArgumentException(field + " must be a price of 0 or more (dollars per million tokens), got "
          + price);
    }
  }
}
