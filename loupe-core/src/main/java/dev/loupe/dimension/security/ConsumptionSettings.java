package dev.loupe.dimension.security;

import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Thresholds of the consumption detectors.
 *
 * @param spikeScore robust z-score (log scale, MAD) above which an hour is a spike
 * @param spikeRatio and the hour must be at least this many times the expected usage
 * @param minSpikeTokens and at least this many tokens (or {@code minSpikeRequests} requests): small
 *     keys doubling from 10 to 200 tokens are no news
 * @param minSpikeRequests see {@code minSpikeTokens}
 * @param warmupHours active hours a subject needs before spikes are judged
 * @param newKeyHours a subject first seen this many hours ago or less is new
 * @param newKeyHeavyTokens tokens in one hour that make a new subject's use heavy
 * @param newKeyHeavyRequests requests in one hour that make a new subject's use heavy
 * @param unusualHourHistoryDays days of history before an hour never used before is unusual
 * @param unusualHourMinRequests requests in that hour for it to count
 * @param throttledMin 429s in one hour that make throttling repeated
 * @param throttledShare and the share of the hour's requests they must be
 * @param concentrationShare one subject's share of spend above which it is a concentration
 * @param concentrationMinSpend total spend below which concentration is not judged
 * @param concentrationMinSubjects subjects with spend needed for a share to mean anything
 * @param zone time zone of the hour-of-day and weekday/weekend profile
 */
public record ConsumptionSettings(
    double spikeScore, double spikeRatio, long minSpikeTokens, long minSpikeRequests, int warmupHours,
    int newKeyHours, long newKeyHeavyTokens, long newKeyHeavyRequests,
    int unusualHourHistoryDays, long unusualHourMinRequests,
    long throttledMin, double throttledShare,
    double concentrationShare, double concentrationMinSpend, int concentrationMinSubjects, ZoneId zone) {
  public static final ConsumptionSettings DEFAULTS = new ConsumptionSettings(
      6.0, 5.0, 50_000, 200, 24,
      24, 1_000_000, 2_000,
      7, 20,
      20, 0.2,
      0.5, 10.0, 3, ZoneOffset.UTC);

  public ConsumptionSettings {
    if (spikeScore <= 0 || spikeRatio < 1) throw new IllegalArgumentException("spike_score must be > 0 and spike_ratio >= 1");
    if (warmupHours < 1) throw new IllegalArgumentException("warmup_hours must be at least 1");
    if (!(throttledShare > 0 && throttledShare <= 1)) throw new IllegalArgumentException("throttled_share must be in (0, 1]");
    if (!(concentrationShare > 0 && concentrationShare < 1)) {
      throw new IllegalArgumentException("concentration_share must be in (0, 1), got " + concentrationShare);
    }
    if (zone == null) throw new IllegalArgumentException("zone is required");
  }
}
