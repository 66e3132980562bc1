package dev.loupe.dimension.security;

/**
 * One subject's usage in one hour (or any fixed bucket the caller chooses, used consistently).
 *
 * @param hourStartMillis the start of the hour, epoch milliseconds
 * @param requests requests made
 * @param tokens input plus output tokens
 * @param throttled requests answered HTTP 429
 * @param cost spend in the hour, in the catalog's currency (0 when unknown)
 */
public record UsageHour(long hourStartMillis, long requests, long tokens, long throttled, double cost) {
  public UsageHour {
    if (hourStartMillis <= 0) throw new IllegalArgumentException("hour_start must be after 1970, got " + hourStartMillis);
    if (requests < 0 || tokens < 0 || throttled < 0) {
      throw new IllegalArgumentException("requests, tokens and throttled must not be negative");
    }
    if (!(cost >= 0)) throw new IllegalArgumentException("cost must not be negative, got " + cost);
  }
}
