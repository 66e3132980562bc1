package dev.loupe.store.duckdb;

import dev.loupe.store.Store;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds a running server's DuckDB commits until released, so a test can keep requests in flight
 * (their batches appended, not yet durable) for as long as it needs. Closing releases and removes
 * the hold.
 *
 * <pre>{@code
 * try (CommitHold hold = CommitHold.on(server.store())) {
 *   send(first);            // its commit waits
 *   hold.awaitHeld();
 *   ...                     // the store is busy
 *   hold.release();
 * }
 * }</pre>
 */
public final class CommitHold implements AutoCloseable {
  private final GroupCommitWriter writer;
  private final CountDownLatch held = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);

  private CommitHold(GroupCommitWriter writer) {
    this.writer = writer;
    writer.beforeCommit = () -> {
      held.countDown();
      try {
        released.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  /** Holds every commit of {@code store} (a {@link DuckDbStore}) from now until released. */
  public static CommitHold on(Store store) {
    return new CommitHold(((DuckDbStore) store).writer());
  }

  /** Waits until a group of batches is appended and waiting to commit. */
  public void awaitHeld() throws InterruptedException {
    if (!held.await(30, TimeUnit.SECONDS)) throw new AssertionError("no commit was reached within 30 s");
  }

  /** Waits until {@code batches} more batches queue behind the held commit. */
  public void awaitQueued(int batches) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (writer.queued() < batches) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + writer.queued() + " of " + batches + " batches queued within 30 s");
      }
      Thread.onSpinWait();
    }
  }

  /** Lets the held commit, and every later one, go through. */
  public void release() {
    released.countDown();
  }

  @Override
  public void close() {
    release();
    writer.beforeCommit = () -> {};
  }
}
