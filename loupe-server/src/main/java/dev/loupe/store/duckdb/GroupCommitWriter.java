package dev.loupe.store.duckdb;

import dev.loupe.model.Batch;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.duckdb.DuckDBConnection;

/**
 * The store's only writer. Callers hand in a batch and wait; one thread takes everything queued
 * at that moment, appends it all and commits once, then releases every caller together (or fails
 * them together). One commit per group instead of per request keeps the durable path fast under
 * many concurrent clients, without ever acknowledging an uncommitted row.
 */
final class GroupCommitWriter implements AutoCloseable {
  /** Largest group, in records, so one commit never holds a caller for long. */
  static final int MAX_GROUP_RECORDS = 200_000;

  /** Work that must run on the writer's connection between groups (the series index is the writer's). */
  interface Task {
    /** Does the work inside the transaction; returns what to do once it committed. */
    Runnable run(DuckDBConnection conn, SeriesIds seriesIds) throws SQLException;
  }

  /** A batch to append, or a task to run alone. */
  private record Pending(Batch batch, Task task, CompletableFuture<Batch> done) {}

  private static final Pending STOP = new Pending(Batch.EMPTY, null, new CompletableFuture<>());

  private final DuckDBConnection conn;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final AtomicLong commits = new AtomicLong();
  private volatile boolean closed;
  /** Runs on the writer thread before each group is appended; tests use it to hold the writer. */
  volatile Runnable beforeGroup = () -> {};
  /** Runs after a group is appended, before it commits; tests use it to fail a commit late. */
  volatile Runnable beforeCommit = () -> {};

  private final SeriesIds seriesIds;
  private final RecentIdentities identities = new RecentIdentities();
  private final java.sql.PreparedStatement openTransaction;

  GroupCommitWriter(DuckDBConnection conn, SeriesIds seriesIds) throws SQLException {
    this.conn = conn;
    this.seriesIds = seriesIds;
    this.openTransaction = conn.prepareStatement("SELECT 1");
    conn.setAutoCommit(false);
    this.thread = new Thread(this::loop, "loupe-store-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Returns once the batch is committed, with the records that were new (a re-sent record
   * already stored is dropped, see {@link RecentIdentities}); throws if the commit failed.
   */
  Batch write(Batch batch) {
    return await(new Pending(batch, null, new CompletableFuture<>()));
  }

  /** Runs a task on the writer thread, in its own transaction, and returns once it committed. */
  void run(Task task) {
    await(new Pending(Batch.EMPTY, task, new CompletableFuture<>()));
  }

  private Batch await(Pending p) {
    if (closed) throw new IllegalStateException("the store is closed");
    queue.add(p);
    try {
      return p.done().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the commit", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) throw r;
      throw new IllegalStateException("append failed: " + cause.getMessage(), cause);
    }
  }

  /** Commits so far (a group counts once); for tests of the grouping. */
  long commits() {
    return commits.get();
  }

  private void loop() {
    List<Pending> group = new ArrayList<>();
    Pending carried = null;
    while (true) {
      try {
        group.add(carried != null ? carried : queue.take());
      } catch (InterruptedException e) {
        return;
      }
      carried = null;
      if (group.get(0).task() != null) {
        runTask(group.get(0));
        group.clear();
        continue;
      }
      int records = group.get(0).batch().size();
      Pending next;
      while (records < MAX_GROUP_RECORDS && (next = queue.poll()) != null) {
        if (next.task() != null) {
          carried = next; // a task runs alone, after the group before it
          break;
        }
        group.add(next);
        records += next.batch().size();
      }
      boolean stop = group.remove(STOP);
      if (!group.isEmpty()) {
        commit(group);
      }
      group.clear();
      if (stop) {
        if (carried != null) carried.done().completeExceptionally(new IllegalStateException("the store is closed"));
        return;
      }
    }
  }

  private void runTask(Pending p) {
    try {
      openTransaction.execute();
      Runnable afterCommit = p.task().run(conn, seriesIds);
      conn.commit();
      afterCommit.run();
      p.done().complete(null);
    } catch (SQLException | RuntimeException e) {
      try {
        conn.rollback();
      } catch (SQLException rollbackFailed) {
        e.addSuppressed(rollbackFailed);
      }
      p.done().completeExceptionally(new IllegalStateException("store task failed: " + e.getMessage(), e));
    }
  }

  /** Batches waiting for the writer. */
  int queued() {
    return queue.size();
  }

  private void commit(List<Pending> group) {
    try {
      beforeGroup.run();
      // DuckDB's JDBC driver opens the transaction of a non-autocommit connection only when a
      // statement runs; rows from an Appender used first would commit on their own and survive
      // a rollback. A trivial statement opens it, so a failed group leaves nothing behind.
      openTransaction.execute();
      SeriesIds.Group series = seriesIds.group();
      RecentIdentities.Group known = identities.group(conn);
      List<Batch> fresh = new ArrayList<>(group.size());
      for (Pending p : group) fresh.add(known.keepNew(p.batch(), series));
      RowAppender.appendAll(conn, fresh, series);
      beforeCommit.run();
      conn.commit();
      series.publish();
      known.publish();
      commits.incrementAndGet();
      for (int i = 0; i < group.size(); i++) group.get(i).done().complete(fresh.get(i));
    } catch (SQLException | RuntimeException e) {
      try {
        conn.rollback();
      } catch (SQLException rollbackFailed) {
        e.addSuppressed(rollbackFailed);
      }
      IllegalStateException failure = new IllegalStateException("store commit failed: " + e.getMessage(), e);
      group.forEach(p -> p.done().completeExceptionally(failure));
    }
  }

  /** Finishes what is queued, then stops the thread. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    queue.add(STOP);
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
