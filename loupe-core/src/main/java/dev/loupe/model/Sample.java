package dev.loupe.model;

import java.util.Map;

/**
 * One metric point, as scraped or received. Labels are sorted and never null. A value with the
 * bit pattern of Prometheus's staleness marker ends the series: it vanished from its target.
 */
public record Sample(String name, Map<String, String> labels, long timestampMillis, double value) {
  /** The NaN Prometheus writes when a series disappears, told apart from a real NaN by its bits. */
  public static final long STALE_NAN_BITS = 0x7ff0000000000002L;

  public Sample {
    Checks.name("name", name);
    labels = SortedLabels.copyOf(labels);
    Checks.timestamp("timestamp", timestampMillis);
  }

  /** The marker that ends a series at {@code timestampMillis}. */
  public static Sample staleMarker(String name, Map<String, String> labels, long timestampMillis) {
    return new Sample(name, labels, timestampMillis, Double.longBitsToDouble(STALE_NAN_BITS));
  }

  public boolean isStaleMarker() {
    return Double.doubleToRawLongBits(value) == STALE_NAN_BITS;
  }
}
