package dev.loupe.ingest;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/** Loupe's own ingest counters, exposed on {@code /metrics}. */
public final class IngestMetrics {
  private final Counter accepted;
  private final Counter rejected;
  private final Counter requests;
  private final Histogram appendSeconds;
  private final RecentIngestCounts recent;

  public IngestMetrics(PrometheusRegistry registry) {
    this(registry, java.time.Clock.systemUTC());
  }

  /** {@code clock} dates the recent counts ({@link #recent()}). */
  public IngestMetrics(PrometheusRegistry registry, java.time.Clock clock) {
    recent = new RecentIngestCounts(clock);
    accepted =
        Counter.builder()
            .name("loupe_ingest_records_accepted_total")
            .help("Records accepted and made durable, by endpoint.")
            .labelNames("endpoint")
            .register(registry);
    rejected =
        Counter.builder()
            .name("loupe_ingest_records_rejected_total")
            .help("Records rejected, by endpoint and reason (the field at fault, or the kind of error).")
            .labelNames("endpoint", "reason")
            .register(registry);
    requests =
        Counter.builder()
            .name("loupe_ingest_requests_total")
            .help("Ingest requests answered, by endpoint and HTTP status code.")
            .labelNames("endpoint", "code")
            .register(registry);
    appendSeconds =
        Histogram.builder()
            .name("loupe_store_append_seconds")
            .help("Time for a batch to become durable in the store.")
            .unit(Unit.SECONDS)
            .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
            .register(registry);
  }

  /** A registry-free instance for code paths that are not served (tests, tools). */
  public static IngestMetrics unregistered() {
    return new IngestMetrics(new PrometheusRegistry());
  }

  public void accepted(String endpoint, int n) {
    if (n > 0) {
      accepted.labelValues(endpoint).inc(n);
      recent.accepted(endpoint, n);
    }
  }

  public void rejected(String endpoint, String reason, int n) {
    if (n > 0) {
      rejected.labelValues(endpoint, reason).inc(n);
      recent.rejected(endpoint, reason, n);
    }
  }

  /** The same counts over the last hour, by minute: what the rejected-ratio signal reads. */
  public RecentIngestCounts recent() {
    return recent;
  }

  public void answered(String endpoint, int code) {
    requests.labelValues(endpoint, Integer.toString(code)).inc();
  }

  void observeAppend(double seconds, int records) {
    appendSeconds.observe(seconds);
  }
}
