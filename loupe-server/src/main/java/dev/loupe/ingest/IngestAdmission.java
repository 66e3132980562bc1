package dev.loupe.ingest;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounds on pushed requests in flight, shared by OTLP/HTTP, OTLP/gRPC, remote_write and the
 * JSON endpoints (/api/v1/inferences, /api/v1/azure/openai, …): how many are decoded or stored at
 * once, how many body bytes are held at once, and how long one body may take to arrive.
 *
 * <p>A receiver reads the body first, holding its bytes in the byte budget, and enters the gate
 * only once the body is in, so a slow sender costs a connection and the bytes it sent, never a
 * place in the gate. It leaves once the batch is durable; when the gate or the budget is full it
 * answers "retry after {@link #retryAfter()}" at once (HTTP 429, gRPC {@code RESOURCE_EXHAUSTED}
 * with a retry delay) instead of queueing more work than the store absorbs.
 *
 * <pre>{@code
 * body = read(request) // holds bytes with tryHold(n), within bodyReadTimeout()
 * if (!admission.tryEnter()) return overloaded(admission.retryAfter());
 * try { decode and store } finally { admission.leave(); admission.release(body.length); }
 * }</pre>
 */
public final class IngestAdmission {
  /** Long enough for a held store commit to finish, short enough that exporters barely lag. */
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private final int limit;
  private final Semaphore permits;
  private final long maxBodyBytesHeld;
  private final AtomicLong bodyBytesHeld = new AtomicLong();
  private final Duration bodyReadTimeout;

  /**
   * {@code limit} is the most requests decoded or stored at once (at least 1);
   * {@code maxBodyBytesHeld} the most body bytes held by all pushed requests together, read or
   * being read; {@code bodyReadTimeout} how long one body may take to arrive.
   */
  public IngestAdmission(int limit, long maxBodyBytesHeld, Duration bodyReadTimeout) {
    if (limit < 1) throw new IllegalArgumentException("the in-flight limit must be at least 1, got " + limit);
    if (maxBodyBytesHeld < 1) throw new IllegalArgumentException("the body byte budget must be positive");
    if (bodyReadTimeout.isNegative() || bodyReadTimeout.isZero()) {
      throw new IllegalArgumentException("the body read timeout must be positive, got " + bodyReadTimeout);
    }
    this.limit = limit;
    this.permits = new Semaphore(limit);
    this.maxBodyBytesHeld = maxBodyBytesHeld;
    this.bodyReadTimeout = bodyReadTimeout;
  }

  /** Takes a place if one is free, never waiting; a {@code true} must be paired with {@link #leave()}. */
  public boolean tryEnter() {
    return permits.tryAcquire();
  }

  public void leave() {
    permits.release();
  }

  /** Holds {@code bytes} more of body if the budget allows, never waiting; a {@code true} is paired with {@link #release}. */
  public boolean tryHold(long bytes) {
    while (true) {
      long held = bodyBytesHeld.get();
      if (held + bytes > maxBodyBytesHeld) return false;
      if (bodyBytesHeld.compareAndSet(held, held + bytes)) return true;
    }
  }

  public void release(long bytes) {
    bodyBytesHeld.addAndGet(-bytes);
  }

  /** The body bytes held now by pushed requests. */
  public long bodyBytesHeld() {
    return bodyBytesHeld.get();
  }

  /** Exposes the body bytes held and the places taken on {@code /metrics}. */
  public void register(PrometheusRegistry registry) {
    GaugeWithCallback.builder().name("loupe_ingest_held_body_bytes")
        .help("Bytes of pushed request bodies held now, read or being read (bounded by ingest.max_in_flight_body_bytes).")
        .callback(cb -> cb.call(bodyBytesHeld.get())).register(registry);
    GaugeWithCallback.builder().name("loupe_ingest_requests_in_flight")
        .help("Pushed requests being decoded or stored now (bounded by ingest.max_in_flight_requests).")
        .callback(cb -> cb.call(limit - permits.availablePermits())).register(registry);
  }

  /** How long one request body may take to arrive, from the moment its headers are in. */
  public Duration bodyReadTimeout() {
    return bodyReadTimeout;
  }

  /** How long an overloaded answer asks the sender to wait. */
  public Duration retryAfter() {
    return RETRY_AFTER;
  }

  /** The text of the overloaded answer, naming the setting that bounds it. */
  public String overloadedMessage() {
    return "Loupe is handling " + limit + " pushed requests already (ingest.max_in_flight_requests); retry in "
        + RETRY_AFTER.toSeconds() + " s";
  }

  /** The text of the answer when the body byte budget is spent, naming the setting. */
  public String bodyBudgetMessage() {
    return "Loupe holds " + maxBodyBytesHeld + " bytes of request bodies already (ingest.max_in_flight_body_bytes); retry in "
        + RETRY_AFTER.toSeconds() + " s";
  }
}
