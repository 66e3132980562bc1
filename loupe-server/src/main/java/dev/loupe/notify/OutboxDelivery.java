package dev.loupe.notify;

import dev.loupe.notify.Outbox.QueuedNotification;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one notifier's queued notifications oldest first. A failed attempt is retried after
 * {@code min_backoff × 2^(attempts−1)}, capped at {@code max_backoff}; later entries wait behind
 * it so a receiver never sees a resolve before its firing. An entry older than {@code max_age}
 * is dropped, logged and counted.
 */
final class OutboxDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxDelivery.class);
  /** Entries one pass delivers at most, so a pass ends. */
  static final int MAX_PER_PASS = 1000;

  private final Outbox outbox;
  private final Notifier notifier;
  private final long minBackoff;
  private final long maxBackoff;
  private final long maxAge;
  private final NotificationMetrics metrics;
  private final ReentrantLock passing = new ReentrantLock();

  OutboxDelivery(Outbox outbox, Notifier notifier, Duration minBackoff, Duration maxBackoff, Duration maxAge,
      NotificationMetrics metrics) {
    this.outbox = outbox;
    this.notifier = notifier;
    this.minBackoff = minBackoff.toMillis();
    this.maxBackoff = maxBackoff.toMillis();
    this.maxAge = maxAge.toMillis();
    this.metrics = metrics;
  }

  Notifier notifier() {
    return notifier;
  }

  /** Delivers what is due at {@code now}; returns how many were delivered. */
  int deliverDue(long now) {
    passing.lock();
    try {
      return pass(now);
    } finally {
      passing.unlock();
    }
  }

  /** As {@link #deliverDue}, but skips when another pass of this notifier is running. */
  void deliverDueIfIdle(long now) {
    if (!passing.tryLock()) return;
    try {
      pass(now);
    } finally {
      passing.unlock();
    }
  }

  private int pass(long now) {
    int delivered = 0;
    for (int i = 0; i < MAX_PER_PASS; i++) {
      Optional<QueuedNotification> head = outbox.head(notifier.name());
      if (head.isEmpty()) break;
      QueuedNotification q = head.get();
      if (q.createdAtMillis() + maxAge < now) {
        LOG.error("notifier {}: dropping notification {} queued at {} after {} failed attempts: older than max_age {}: {}",
            notifier.name(), q.id(), java.time.Instant.ofEpochMilli(q.createdAtMillis()), q.attempts(),
            Duration.ofMillis(maxAge), q.body());
        remove(q, "expired");
        continue;
      }
      if (q.nextAttemptMillis() > now) break;
      Notifier.Outcome outcome = notifier.deliver(q.id(), q.body());
      if (outcome == Notifier.Outcome.DELIVERED) {
        remove(q, "delivered");
        delivered++;
      } else if (outcome == Notifier.Outcome.REJECTED) {
        LOG.error("notifier {}: dropped rejected notification {}: {}", notifier.name(), q.id(), q.body());
        remove(q, "rejected");
      } else {
        int attempts = q.attempts() + 1;
        outbox.retryLater(q.id(), attempts, now + backoff(attempts));
        metrics.count(notifier.name(), "failed");
        break;
      }
    }
    return delivered;
  }

  private void remove(QueuedNotification q, String outcome) {
    outbox.remove(q.id());
    metrics.count(notifier.name(), outcome);
    metrics.queueLength(outbox.size());
  }

  long backoff(int attempts) {
    long b = minBackoff << Math.min(attempts - 1, 30);
    return b <= 0 || b > maxBackoff ? maxBackoff : b;
  }
}
