package dev.loupe.ingest.prometheus.exposition;

/**
 * Parses one exposition body (UTF-8 bytes) and hands each sample to a handler. A parser holds
 * reusable buffers: one instance per thread. On the first fault it throws with line and column;
 * samples handed over before the fault stay handed over, so callers that need all-or-nothing
 * buffer them.
 */
public interface ExpositionParser {
  void parse(byte[] body, int offset, int length, ExpositionHandler handler)
      throws ExpositionParseException;

  /** A new parser for the format. */
  static ExpositionParser of(ExpositionFormat format) {
    return switch (format) {
      case PROMETHEUS_TEXT -> new PrometheusTextParser();
      case OPENMETRICS -> new OpenMetricsParser();
    };
  }
}
