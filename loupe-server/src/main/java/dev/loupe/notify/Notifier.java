package dev.loupe.notify;

/**
 * Where a rendered notification goes: one Alertmanager, one webhook, the log. {@link #deliver}
 * is called from the delivery thread with the body exactly as it was queued in the outbox.
 */
interface Notifier {
  /** Stable across restarts: the outbox keys queued notifications by it. */
  String name();

  /** Sends {@code body} once; never throws for a receiver's failure, it answers with the outcome. */
  Outcome deliver(long deliveryId, String body);

  /** What one delivery attempt achieved. */
  enum Outcome {
    /** The receiver took it (2xx); it leaves the outbox. */
    DELIVERED,
    /** The receiver is down, overloaded or failed (connection error, timeout, 5xx, 429): retry later. */
    RETRY,
    /** The receiver refused it for good (4xx other than 408/429): retrying cannot help, it is dropped. */
    REJECTED
  }
}
