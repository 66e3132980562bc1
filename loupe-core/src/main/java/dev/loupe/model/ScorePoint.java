package dev.loupe.model;

/**
 * The scores of one name and source about one series, aggregated into one step of a range query:
 * those with time in {@code [timeMillis - lookback, timeMillis)}, as {@link RollupPoint} is for
 * inferences. The mean is {@code sum / count}.
 */
public record ScorePoint(SeriesKey key, String name, ScoreSource source, long timeMillis, long count, double sum) {
  public double mean() {
    return count == 0 ? Double.NaN : sum / count;
  }
}
