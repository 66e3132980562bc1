package dev.loupe.notify;

import java.util.Optional;

/**
 * Notifications waiting for delivery. {@link #add} is durable when it returns; an entry leaves
 * only through {@link #remove}, once delivered or given up. Entries of one notifier come out
 * oldest first, so a receiver sees a firing notification before the resolve that followed it.
 */
interface Outbox extends AutoCloseable {
  /** Queues {@code body} for {@code notifier}; returns its id. */
  long add(String notifier, String body, long nowMillis);

  /** The oldest entry of {@code notifier}, if any. */
  Optional<QueuedNotification> head(String notifier);

  /** Records a failed attempt: tried {@code attempts} times, next try not before {@code nextAttemptMillis}. */
  void retryLater(long id, int attempts, long nextAttemptMillis);

  void remove(long id);

  /** The notifiers that have entries waiting. */
  java.util.Set<String> notifiers();

  /** Drops every entry of {@code notifier}; returns how many. */
  int removeAll(String notifier);

  /** Entries waiting, over all notifiers. */
  int size();

  @Override
  void close();

  /** One queued notification, with its delivery attempts so far. */
  record QueuedNotification(
      long id, String notifier, String body, long createdAtMillis, int attempts, long nextAttemptMillis) {}
}
