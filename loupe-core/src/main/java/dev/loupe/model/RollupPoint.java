package dev.loupe.model;


/**
 * One series' rollups aggregated into one step of a range query: the minutes whose start lies in
 * {@code [timeMillis - lookbackMillis, timeMillis)}. Counts are sums; quantiles are the
 * count-weighted mean of the per-minute quantiles (exact at a one-minute step, an approximation
 * above it, and never a scan of raw events). {@code coveredMillis} is the time the summed minutes
 * span, the denominator of rates.
 */
public record RollupPoint(
    SeriesKey key,
    long timeMillis,
    long coveredMillis,
    long requests,
    long errors,
    long throttled,
    long inputTokens,
    long outputTokens,
    long totalTokens,
    long latencyCount,
    double latencyP50Ms,
    double latencyP95Ms,
    double latencyP99Ms,
    long ttftCount,
    double ttftP50Ms,
    double ttftP95Ms,
    double ttftP99Ms) {}
