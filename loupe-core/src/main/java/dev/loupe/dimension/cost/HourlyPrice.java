package dev.loupe.dimension.cost;

import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * An hourly price in US dollars: of one GPU of a model (named as dcgm-exporter's
 * {@code modelName} label, e.g. {@code NVIDIA H100 80GB HBM3}), or of a provisioned deployment
 * (an Azure OpenAI PTU deployment: its PTUs times the price of one). {@code name} matches exactly,
 * ignoring case; {@code match}, a regular expression over the whole name (ignoring case), makes it
 * price a family. From {@code startDate} (a UTC day; null: since always).
 */
public record HourlyPrice(
    String name, String match, LocalDate startDate, double hourly, String source, boolean uncertain,
    String note) {
  public HourlyPrice {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("name is required");
    match = match == null || match.isBlank() ? null : match;
    if (match != null) ModelPrice.compile(match);
    if (!(hourly >= 0) || Double.isInfinite(hourly)) {
      throw new IllegalArgumentException("hourly must be a price of 0 or more (dollars per hour), got " + hourly);
    }
  }

  public static HourlyPrice of(String name, double hourly) {
    return new HourlyPrice(name, null, null, hourly, null, false, null);
  }

  /** Start of {@code startDate} (UTC) in epoch milliseconds; {@link Long#MIN_VALUE} when it has none. */
  public long startMillis() {
    return startDate == null ? Long.MIN_VALUE : startDate.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
  }

  /** What {@code hours} cost at this price, in dollars. */
  public double cost(double hours) {
    return hours * hourly;
  }
}
