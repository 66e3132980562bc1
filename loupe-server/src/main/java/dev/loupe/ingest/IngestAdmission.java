package dev.loupe.ingest;

import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * The one bound on pushed requests in flight, shared by OTLP/HTTP, OTLP/gRPC, remote_write
 * and the JSON endpoints (/api/v1/inferences, /api/v1/azure/openai, …).
 * A receiver enters before it reads or decodes a body and leaves once the batch is durable; when
 * the gate is full it answers "retry after {@link #retryAfter()}" at once (HTTP 429, gRPC
 * {@code RESOURCE_EXHAUSTED} with a retry delay) instead of queueing more work than the store
 * absorbs.
 *
 * <pre>{@code
 * if (!admission.tryEnter()) return overloaded(admission.retryAfter());
 * try { decode and store } finally { admission.leave(); }
 * }</pre>
 */
public final class IngestAdmission {
  /** Long enough for a held store commit to finish, short enough that exporters barely lag. */
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private final int limit;
  private final Semaphore permits;

  /** {@code limit} is the most requests in flight at once; at least 1. */
  public IngestAdmission(int limit) {
    if (limit < 1) throw new IllegalArgumentException("the in-flight limit must be at least 1, got " + limit);
    this.limit = limit;
    this.permits = new Semaphore(limit);
  }

  /** Takes a place if one is free, never waiting; a {@code true} must be paired with {@link #leave()}. */
  public boolean tryEnter() {
    return permits.tryAcquire();
  }

  public void leave() {
    permits.release();
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
}
