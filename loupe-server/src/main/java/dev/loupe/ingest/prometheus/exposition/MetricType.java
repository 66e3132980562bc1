package dev.loupe.ingest.prometheus.exposition;

/** The metric types of the Prometheus text format and OpenMetrics. */
public enum MetricType {
  COUNTER,
  GAUGE,
  HISTOGRAM,
  GAUGE_HISTOGRAM,
  SUMMARY,
  INFO,
  STATESET,
  UNKNOWN
}
