package dev.loupe.ingest.prometheus.exposition;

/**
 * Receives what an exposition parser reads, in order. The parser calls {@link #sample} once per
 * sample line; label names and values arrive as a flat array {@code [n0, v0, n1, v1, …]} of
 * which only the first {@code 2 * labelCount} entries are valid — the array is reused by the
 * parser, so copy what you keep. Metadata arrives before the samples of its family.
 */
public interface ExpositionHandler {
  /** {@code timestampMillis} when a sample line carries no timestamp. */
  long NO_TIMESTAMP = Long.MIN_VALUE;

  /** A family's declared type, from {@code # TYPE}. */
  default void type(String family, MetricType type) {}

  /** A family's help text (unescaped), from {@code # HELP}. */
  default void help(String family, String help) {}

  /** A family's unit, from {@code # UNIT} (OpenMetrics only). */
  default void unit(String family, String unit) {}

  /**
   * One sample. {@code family} is the family the sample belongs to (for {@code x_bucket} of
   * histogram {@code x}, it is {@code x}); {@code name} is the sample's own metric name.
   */
  void sample(
      String family,
      MetricType type,
      String name,
      String[] labels,
      int labelCount,
      double value,
      long timestampMillis);

  /**
   * The raw bytes of a sample's series — its name and label set exactly as written — offered
   * before the labels are decoded (text format only). A handler that already knows this series
   * from an earlier scrape returns its token, and the parser then skips decoding the labels and
   * calls {@link #knownSample} instead of {@link #sample}; identical bytes decode identically, so
   * nothing is lost. Returning null (the default) takes the normal path. Like Prometheus's scrape
   * cache, this turns the common case — the same series every scrape — into a byte comparison.
   */
  default Object knownSeries(byte[] buf, int from, int to) {
    return null;
  }

  /** A sample of a series {@link #knownSeries} recognised, with its value and timestamp. */
  default void knownSample(Object series, double value, long timestampMillis) {}

  /**
   * An exemplar (OpenMetrics only) attached to the sample handed over just before. Labels arrive
   * like a sample's, in an array of their own that is also reused.
   */
  default void exemplar(String[] labels, int labelCount, double value, long timestampMillis) {}
}
