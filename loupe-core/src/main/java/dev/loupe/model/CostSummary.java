package dev.loupe.model;

import java.util.Objects;
import java.util.SortedMap;

/**
 * The spend of the stored inferences of one group over a range: {@code requests} in all, of which
 * {@code successful} ok, {@code priced} with a known cost (catalog or reported), {@code unknown}
 * that nothing priced and {@code provisioned} paid by the hour; {@code spend} sums the known
 * costs in US dollars, and {@code meanCost}, {@code stddevCost} and {@code p95Cost} describe the
 * cost of one priced inference (NaN without any). {@code unpricedTokens} are the input and output
 * tokens of the unknown ones. {@code firstMillis} and {@code lastMillis} are the oldest and newest
 * inference's times (null for none),
 * {@code lastPricedMillis} the newest priced one's.
 */
public record CostSummary(
    SortedMap<String, String> group,
    long requests,
    long successful,
    long priced,
    long unknown,
    long provisioned,
    double spend,
    double meanCost,
    double stddevCost,
    double p95Cost,
    long inputTokens,
    long outputTokens,
    long unpricedTokens,
    Long firstMillis,
    Long lastMillis,
    Long lastPricedMillis) {
  public CostSummary {
    Objects.requireNonNull(group, "group");
  }

  /** Spend per successful inference; NaN without any. */
  public double perSuccessful() {
    return successful == 0 ? Double.NaN : spend / successful;
  }

  /** Spend per 1,000 requests; NaN without any. */
  public double perThousandRequests() {
    return requests == 0 ? Double.NaN : spend / requests * 1000;
  }
}
