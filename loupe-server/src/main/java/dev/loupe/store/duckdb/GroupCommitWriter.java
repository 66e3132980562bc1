package dev.loupe.store.duckdb;

import dev.loupe.model.Batch;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's only writer. Callers hand in a batch and wait; one thread takes everything queued
 * at that moment, appends it all and commits once, then releases every caller together (or fails
 * them together). One commit per group instead of per request keeps the durable path fast under
 * many concurrent clients, without ever acknowledging an uncommitted row.
 *
 * <p>The writer also decides when the store checkpoints its WAL, so no commit waits for one: once
 * the WAL passes {@link #CHECKPOINT_WAL_BYTES} (or the writer is idle with a WAL to fold), a
 * background thread runs {@code CHECKPOINT} while groups go to the {@link CheckpointSpill};
 * afterwards the spilled rows are moved back a chunk at a time between groups. Tasks (deletes,
 * upserts) wait until the spill is empty, since they may touch rows it holds.
 */
final class GroupCommitWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
  /** Largest group, in records, so one commit never holds a caller for long. */
  static final int MAX_GROUP_RECORDS = 200_000;
  /**
   * WAL size at which a background checkpoint starts: the 256 MB at which DuckDB checkpointed inside
   * a commit before, so a crash replays no more WAL than it did. A checkpoint has a large fixed part
   * on a large store (about 1 s for an 8 MB WAL on a 2.3M-row table, 1-5 s for 64 MB on the loaded
   * 2-core machine), so fewer, larger ones cost less CPU: at 64 MB it ran every 11 s at 24k spans/s.
   */
  static final long CHECKPOINT_WAL_BYTES = Long.getLong("loupe.store.checkpoint_wal_bytes", 256L << 20);
  /** With no write for a poll interval, a WAL past this size is checkpointed too, keeping crash replay short. */
  static final long IDLE_CHECKPOINT_WAL_BYTES = 1L << 20;


  /** Work that must run on the writer's connection between groups (the series index is the writer's). */
  interface Task {
    /** Does the work inside the transaction; returns what to do once it committed. */
    Runnable run(DuckDBConnection conn, SeriesIds seriesIds) throws SQLException;
  }

  /** A batch to append, or a task to run alone. */
  private record Pending(Batch batch, Task task, CompletableFuture<Batch> done) {}

  private static final Pending STOP = new Pending(Batch.EMPTY, null, new CompletableFuture<>());

  /** The database the writer writes to. */
  interface Database {
    /** A new connection to it. */
    DuckDBConnection connect() throws SQLException;

    /** Closes and opens it again; called with no connection of the writer open. */
    void reopen() throws SQLException;

    /** Size of the store's write-ahead log, in bytes (0 without one). */
    long walBytes();

    /** Runs {@code CHECKPOINT catalog} on a connection of its own; other connections may go on. */
    void checkpoint(String catalog) throws SQLException;
  }

  private final Database database;
  /** The writer's connection; null after a failure until the next write opens a fresh one. */
  private DuckDBConnection conn;
  /** A write failed: the database is reopened before the next one. */
  private boolean reopen;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final AtomicLong commits = new AtomicLong();
  private volatile boolean closed;
  /** Runs on the writer thread before each group is appended; tests use it to hold the writer. */
  volatile Runnable beforeGroup = () -> {};
  /** Runs after a group is appended, before it commits; tests use it to fail a commit late. */
  volatile Runnable beforeCommit = () -> {};

  /** Runs before each background checkpoint; tests use it to hold one while groups spill. */
  volatile Runnable beforeCheckpoint = () -> {};
  /** No write for this long is idle; tests raise it. */
  volatile long idleMillis = 1_000;
  /** WAL size that starts a checkpoint; tests lower it to checkpoint after every group. */
  volatile long checkpointWalBytes = CHECKPOINT_WAL_BYTES;

  private final SeriesIds seriesIds;
  private final RecentIdentities identities = new RecentIdentities();
  private CheckpointSpill spill;
  /** The store's checkpoint running in the background; groups go to the spill meanwhile. */
  private CompletableFuture<Void> checkpoint;
  /** The spill's own checkpoint after it was emptied; the spill takes no group until it is done. */
  private CompletableFuture<Void> spillCheckpoint = CompletableFuture.completedFuture(null);
  /** Tasks held while the spill holds rows. */
  private final List<Pending> deferred = new ArrayList<>();
  private final ExecutorService checkpointer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "loupe-store-checkpoint");
    t.setDaemon(true);
    return t;
  });
  private final AtomicLong checkpoints = new AtomicLong();
  private final AtomicLong spilledGroups = new AtomicLong();
  private long lastFailureNanos = System.nanoTime() - 60_000_000_000L;

  GroupCommitWriter(Database database, SeriesIds seriesIds, CheckpointSpill spill) throws SQLException {
    this.database = database;
    this.conn = database.connect();
    conn.setAutoCommit(false);
    this.seriesIds = seriesIds;
    this.spill = spill;
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

  /** Background checkpoints of the store completed. */
  long checkpoints() {
    return checkpoints.get();
  }

  /** Groups committed to the spill while a checkpoint ran. */
  long spilledGroups() {
    return spilledGroups.get();
  }

  private void loop() {
    List<Pending> group = new ArrayList<>();
    Pending carried = null;
    while (true) {
      Pending first = carried;
      carried = null;
      if (first == null) first = queue.poll();
      if (first == null) {
        // Nothing waiting: the moment for the checkpoint's bookkeeping, then wait for work.
        if (maintain(false)) continue;
        long idleMs = idleMillis;
        long waitMs = checkpoint != null || spill.moving() ? 10 : idleMs;
        try {
          first = queue.poll(waitMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          return;
        }
        if (first == null) {
          // Idle is no write for a whole interval: an empty queue between two groups is not, and a
          // checkpoint there would cost a second of CPU on a large store every time the WAL passed 1 MB.
          if (waitMs == idleMs) maintain(true);
          continue;
        }
      }
      if (first.task() != null) {
        if (spillHoldsRows()) deferred.add(first); else runTask(first);
        continue;
      }
      group.add(first);
      int records = first.batch().size();
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
        if (carried != null) deferred.add(carried);
        finish();
        return;
      }
      maintain(false);
    }
  }

  /** The spill holds rows, or will: a checkpoint runs or a move is under way. */
  private boolean spillHoldsRows() {
    return checkpoint != null || spill.moving();
  }

  /**
   * Advances the checkpoint cycle by one step; returns true if it did work the caller should follow
   * by looking at the queue again. Idle means no group is waiting.
   */
  private boolean maintain(boolean idle) {
    if (checkpoint != null) {
      if (!checkpoint.isDone()) return false;
      checkpoint = null;
      return startMove();
    }
    if (spill.moving()) return moveChunk();
    if (!deferred.isEmpty()) {
      List<Pending> tasks = new ArrayList<>(deferred);
      deferred.clear();
      tasks.forEach(this::runTask);
      return true;
    }
    if (loadNextMinutes()) return true;
    long wal = database.walBytes();
    // After a failed write (a full disk, most often) no checkpoint is tried for a while: it would fail too.
    boolean backingOff = System.nanoTime() - lastFailureNanos < 10_000_000_000L;
    if (!backingOff && spillCheckpoint.isDone() && (wal >= checkpointWalBytes || (idle && wal >= IDLE_CHECKPOINT_WAL_BYTES))) {
      startCheckpoint();
    }
    return false;
  }

  /** Reads the identities of the coming minute now, so no group reads the store while it checkpoints. */
  private boolean loadNextMinutes() {
    if (!identities.nextMinutesMissing()) return false;
    try {
      boolean read = identities.loadNextMinutes(begin());
      conn.commit();
      return read;
    } catch (SQLException | RuntimeException e) {
      failed(e);
      return false;
    }
  }

  /** Minutes of identities read from the store; for tests. */
  long identityLoads() {
    return identities.loads();
  }

  private void startCheckpoint() {
    String store = spill.store();
    try {
      spill.startSpilling(begin());
      conn.commit();
    } catch (SQLException | RuntimeException e) {
      failed(e);
      return;
    }
    checkpoint = CompletableFuture.runAsync(() -> {
      beforeCheckpoint.run();
      long start = System.nanoTime();
      // A write transaction of the store still ending makes CHECKPOINT refuse: try again shortly.
      for (int attempt = 1; ; attempt++) {
        try {
          database.checkpoint(store);
          checkpoints.incrementAndGet();
          LOG.info("store checkpointed in the background in {} ms ({} groups acknowledged from the spill so far)",
              (System.nanoTime() - start) / 1_000_000, spilledGroups.get());
          return;
        } catch (SQLException | RuntimeException e) {
          String message = String.valueOf(e.getMessage());
          if (attempt == 50 || !message.contains("transactions active")) {
            LOG.warn("background checkpoint failed: {}", message);
            return;
          }
          try {
            Thread.sleep(20);
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }, checkpointer);
  }

  private boolean startMove() {
    try {
      spill.startMove(begin());
      conn.commit();
      return true;
    } catch (SQLException | RuntimeException e) {
      failed(e);
      return false;
    }
  }

  /** Moves one chunk of the spill into the store, or empties the spill once all is moved. */
  private boolean moveChunk() {
    try {
      DuckDBConnection c = begin();
      if (spill.moveChunk(c)) {
        c.commit();
        return true;
      }
      spill.clear(c); // this transaction wrote nothing to the store: it may write the spill
      c.commit();
      spill.cleared();
      spillCheckpoint = CompletableFuture.runAsync(() -> {
        try {
          database.checkpoint(CheckpointSpill.CATALOG);
        } catch (SQLException | RuntimeException e) {
          LOG.debug("checkpoint of the emptied spill failed: {}", e.getMessage());
        }
      }, checkpointer);
      return true;
    } catch (SQLException | RuntimeException e) {
      failed(e);
      return false;
    }
  }

  /** Closing: the checkpoint finishes, the spill is moved back, held tasks run. */
  private void finish() {
    if (checkpoint != null) checkpoint.join();
    checkpoint = null;
    int guard = 0;
    while (spill.moving() && guard++ < 1_000_000) {
      if (!moveChunk()) break;
    }
    List<Pending> tasks = new ArrayList<>(deferred);
    deferred.clear();
    tasks.forEach(this::runTask);
    spillCheckpoint.join();
    checkpointer.shutdown();
  }

  /** Upkeep failed: the database is reopened, and the spill recovered from what it holds. */
  private void failed(Exception e) {
    LOG.warn("store upkeep between groups (checkpoint spill, identities) failed; the spill is recovered"
        + " before the next write: {}", e.getMessage());
    discardConnection(e);
    reopen();
  }

  private void runTask(Pending p) {
    try {
      DuckDBConnection c = begin();
      Runnable afterCommit = p.task().run(c, seriesIds);
      c.commit();
      afterCommit.run();
      p.done().complete(null);
    } catch (SQLException | RuntimeException e) {
      discardConnection(e);
      p.done().completeExceptionally(new IllegalStateException("store task failed: " + e.getMessage(), e));
      reopen();
    }
  }

  /**
   * The connection with a transaction open. A connection is never used again after a failure:
   * DuckDB's driver keeps believing a transaction runs after a COMMIT failed, so on the same
   * connection every later Appender would commit its rows on its own (stored, yet answered 503) and
   * every later COMMIT would fail with "no transaction is active".
   */
  private DuckDBConnection begin() throws SQLException {
    if (conn == null) {
      if (reopen) {
        database.reopen();
        reopen = false;
      }
      conn = database.connect();
      // After a failure the spill may hold acknowledged rows: they go to the store first.
      spill = CheckpointSpill.recover(conn, spill.committedEnds());
      conn.setAutoCommit(false);
    }
    // The driver opens the transaction when a statement runs; rows from an Appender used first
    // would commit on their own. A trivial statement opens it, so the Appender writes inside it.
    execute(conn, "SELECT 1");
    return conn;
  }

  private static void execute(DuckDBConnection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /**
   * After a failure (a full disk, most often) the transaction is rolled back, the connection
   * dropped and the database reopened (see {@link DuckDbStore}: what DuckDB keeps of a failed
   * commit would otherwise end up in later rows, or crash it). Nothing of the failed group is kept;
   * the writer carries on by itself once space is back.
   */
  private void discardConnection(Exception failure) {
    reopen = true;
    lastFailureNanos = System.nanoTime();
    // The reopen waits for a running checkpoint; recovery then moves whatever the spill holds.
    if (checkpoint != null) checkpoint.exceptionally(x -> null).join();
    checkpoint = null;
    spill.abandonMove();
    if (conn == null) return;
    try {
      conn.rollback();
    } catch (SQLException | RuntimeException noTransaction) {
      // A failed COMMIT has already ended the transaction in DuckDB; nothing to roll back.
    }
    try {
      conn.close();
    } catch (SQLException | RuntimeException closeFailed) {
      failure.addSuppressed(closeFailed);
    }
    conn = null;
  }

  /** Reopens the database at once, so reads too leave the failed instance; else before the next write. */
  private void reopen() {
    try {
      database.reopen();
      reopen = false;
    } catch (SQLException | RuntimeException e) {
      LOG.warn("reopening the store after a failed write failed; trying again before the next write: {}",
          e.getMessage());
    }
  }

  /** Batches waiting for the writer. */
  int queued() {
    return queue.size();
  }

  private void commit(List<Pending> group) {
    try {
      beforeGroup.run();
      // The Appender writes inside the open transaction, so a failed group leaves nothing behind:
      // every batch of the group is committed and acknowledged together, or none is.
      DuckDBConnection c = begin();
      SeriesIds.Group series = seriesIds.group();
      RecentIdentities.Group known = identities.group(c);
      List<Batch> fresh = new ArrayList<>(group.size());
      for (Pending p : group) fresh.add(known.keepNew(p.batch(), series));
      boolean spilling = checkpoint != null;
      RowAppender.appendAll(c, spilling ? CheckpointSpill.CATALOG : spill.store(), fresh, series);
      beforeCommit.run();
      c.commit();
      if (spilling) {
        spilledGroups.incrementAndGet();
        spill.spillCommitted(c);
      }
      series.publish();
      known.publish();
      commits.incrementAndGet();
      for (int i = 0; i < group.size(); i++) group.get(i).done().complete(fresh.get(i));
    } catch (SQLException | RuntimeException e) {
      discardConnection(e);
      IllegalStateException failure = new IllegalStateException("store commit failed: " + e.getMessage(), e);
      group.forEach(p -> p.done().completeExceptionally(failure));
      reopen();
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
      return; // the thread may still use the connection
    }
    // The database file stays open while any connection to it does (a mount cannot be released).
    if (conn != null) {
      try {
        conn.close();
      } catch (SQLException e) {
        throw new IllegalStateException("cannot close the writer's connection: " + e.getMessage(), e);
      }
      conn = null;
    }
  }
}
