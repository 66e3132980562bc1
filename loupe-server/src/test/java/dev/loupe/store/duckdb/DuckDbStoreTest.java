package dev.loupe.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loupe.model.Batch;
import dev.loupe.model.Inference;
import dev.loupe.model.Sample;
import dev.loupe.store.RecordType;
import dev.loupe.store.Store;
import dev.loupe.store.StoreContract;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on a real DuckDB file, plus what only this backend promises. */
class DuckDbStoreTest extends StoreContract {
  @TempDir Path dir;

  @Override
  protected Store open() {
    return DuckDbStore.open(dir.resolve("loupe.duckdb"), Clock.systemUTC());
  }

  @Test
  void reopeningKeepsEverythingAndDoesNotMigrateAgain() {
    store.append(Batch.ofInferences(List.of(full(T, "r-1"))));
    int version = store.schemaVersion();
    store.close();
    store = open();
    assertThat(store.inferences(T, T + 1, 10)).containsExactly(full(T, "r-1"));
    assertThat(store.schemaVersion()).isEqualTo(version).isEqualTo(Migrations.latest());
  }

  @Test
  void aPipelineRunReSentAfterARestartIsStillKeptOnce() {
    dev.loupe.model.PipelineRun run = new dev.loupe.model.PipelineRun("kb-refresh", true, T, T + 1000, null, 5L,
        null, null);
    store.append(Batch.ofPipelineRuns(List.of(run)));
    store.close();
    store = open();
    assertThat(store.append(Batch.ofPipelineRuns(List.of(run))).pipelineRuns()).isEmpty();
    assertThat(store.pipelineRuns(T, T + 1, 10)).containsExactly(run);
  }

  @Test
  void concurrentAppendsAreGroupedIntoOneCommit() throws Exception {
    DuckDbStore duck = (DuckDbStore) store;
    GroupCommitWriter writer = duck.writer();
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    writer.beforeGroup = () -> {
      if (holding.getCount() > 0) {
        holding.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    long before = writer.commits();
    List<Thread> threads = new ArrayList<>();
    Thread first = new Thread(() -> duck.append(Batch.ofInferences(List.of(sparse(T, A1)))));
    first.start();
    threads.add(first);
    holding.await(); // the writer holds the first batch; the next ten queue behind it
    for (int t = 0; t < 10; t++) {
      final int n = t;
      Thread th = new Thread(() -> {
        List<Inference> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) batch.add(sparse(T + n * 1000L + i, A2));
        duck.append(Batch.ofInferences(batch));
      });
      th.start();
      threads.add(th);
    }
    while (writer.queued() < 10) Thread.onSpinWait();
    release.countDown();
    for (Thread th : threads) th.join();
    assertThat(writer.commits() - before).isEqualTo(2);
    assertThat(store.count(RecordType.INFERENCE)).isEqualTo(1 + 10 * 100);
  }

  @Test
  void aFailedCommitIsNeverReportedAsDone() {
    DuckDbStore duck = (DuckDbStore) store;
    duck.writer().beforeGroup = () -> {
      throw new IllegalStateException("disk on fire");
    };
    assertThatThrownBy(() -> duck.append(Batch.ofInferences(List.of(sparse(T, A1)))))
        .hasMessageContaining("disk on fire");
    duck.writer().beforeGroup = () -> {};
    assertThat(store.count(RecordType.INFERENCE)).isZero();
    // Failing after the rows were appended: they must be rolled back, or a client that retries
    // its failed request would store them twice.
    duck.writer().beforeCommit = () -> {
      throw new IllegalStateException("disk on fire");
    };
    assertThatThrownBy(() -> duck.append(Batch.ofInferences(List.of(sparse(T, A1)))))
        .hasMessageContaining("disk on fire");
    duck.writer().beforeCommit = () -> {};
    assertThat(store.count(RecordType.INFERENCE)).isZero();
    duck.append(Batch.ofInferences(List.of(sparse(T, A1))));
    assertThat(store.count(RecordType.INFERENCE)).isEqualTo(1);
  }

  @Test
  void seriesAreIndexedOnceAndARolledBackGroupLeavesNoDanglingSeries() throws Exception {
    DuckDbStore duck = (DuckDbStore) store;
    Sample x = new Sample("gpu_temp", Map.of("gpu", "0"), T, 50);
    Sample y = new Sample("gpu_temp", Map.of("gpu", "1"), T, 60);
    duck.append(samples(x));
    duck.writer().beforeCommit = () -> {
      throw new IllegalStateException("disk on fire");
    };
    assertThatThrownBy(() -> duck.append(samples(y))).hasMessageContaining("disk on fire");
    duck.writer().beforeCommit = () -> {};
    duck.append(samples(y));
    assertThat(store.samples("gpu_temp", T, T + 1, 10)).containsExactlyInAnyOrder(x, y);
    store.close();

    store = open();
    store.append(samples(new Sample("gpu_temp", Map.of("gpu", "0"), T + 1, 51)));
    assertThat(store.samples("gpu_temp", T, T + 2, 10)).hasSize(3);
    store.close();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("loupe.duckdb"));
        ResultSet rs = c.createStatement().executeQuery("SELECT count(*), count(DISTINCT labels) FROM series")) {
      rs.next();
      assertThat(rs.getInt(1)).as("one row per series, across restarts").isEqualTo(2);
      assertThat(rs.getInt(2)).isEqualTo(2);
    }
    store = open();
  }

  @Test
  void retentionDeletesSeriesWithoutSamplesAndAReturningSeriesGetsANewId() throws Exception {
    DuckDbStore duck = (DuckDbStore) store;
    Sample gone = new Sample("up", Map.of("instance", "pod-a:9100"), T, 1);
    Sample stays = new Sample("up", Map.of("instance", "pod-b:9100"), T + 10, 1);
    duck.append(samples(gone, stays));
    assertThat(store.deleteOlderThan(RecordType.SAMPLE, T + 5)).isEqualTo(1);
    store.close();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("loupe.duckdb"));
        ResultSet rs = c.createStatement().executeQuery("SELECT labels FROM series")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).as("the churned pod's series went with its last sample").contains("pod-b");
      assertThat(rs.next()).isFalse();
    }
    store = open();
    duck = (DuckDbStore) store;
    duck.append(samples(new Sample("up", Map.of("instance", "pod-c:9100"), T + 20, 1)));
    assertThat(store.deleteOlderThan(RecordType.SAMPLE, T + 15)).isEqualTo(1);
    Sample back = new Sample("up", Map.of("instance", "pod-b:9100"), T + 30, 0);
    duck.append(samples(back));
    assertThat(store.samples("up", T, T + 40, 10)).as("the forgotten id was not reused for a deleted row")
        .containsExactlyInAnyOrder(new Sample("up", Map.of("instance", "pod-c:9100"), T + 20, 1), back);
  }

  @Test
  void aVersion1FileIsMigratedWithItsSamples() throws Exception {
    store.close();
    Path old = dir.resolve("v1.duckdb");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + old); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description VARCHAR NOT NULL,"
          + " applied_at_ms BIGINT NOT NULL)");
      for (String sql : Migrations.ALL.get(0).statements()) s.execute(sql);
      s.execute("INSERT INTO schema_migrations VALUES (1, 'raw records and minute rollups', 0)");
      s.execute("INSERT INTO samples VALUES (" + T + ", 'up', '{\"job\":\"node\"}', 1),"
          + " (" + (T + 1) + ", 'up', '{\"job\":\"node\"}', 0), (" + T + ", 'up', '{\"job\":\"dcgm\"}', 1)");
    }
    store = DuckDbStore.open(old, Clock.systemUTC());
    assertThat(store.schemaVersion()).isEqualTo(Migrations.latest());
    assertThat(store.samples("up", T, T + 2, 10)).containsExactlyInAnyOrder(
        new Sample("up", Map.of("job", "node"), T, 1), new Sample("up", Map.of("job", "node"), T + 1, 0),
        new Sample("up", Map.of("job", "dcgm"), T, 1));
    store.append(samples(new Sample("up", Map.of("job", "node"), T + 2, 1)));
    assertThat(store.samples("up", T, T + 3, 10)).as("the migrated series ids are reused").hasSize(4);
  }

  @Test
  void groupsAcknowledgedWhileTheStoreCheckpointsAreSpilledThenMovedOnce() throws Exception {
    DuckDbStore duck = (DuckDbStore) store;
    GroupCommitWriter writer = duck.writer();
    CountDownLatch checkpointing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    holdCheckpoints(writer, checkpointing, release);
    writer.checkpointWalBytes = 0; // the next group starts a checkpoint
    try {
      spillWhileHeld(duck, writer, checkpointing, release);
    } finally {
      release.countDown(); // a failed assertion must not leave the checkpoint held at close
    }
  }

  private void spillWhileHeld(DuckDbStore duck, GroupCommitWriter writer, CountDownLatch checkpointing,
      CountDownLatch release) throws Exception {
    duck.append(Batch.ofInferences(List.of(full(T, "r-1"))));
    assertThat(checkpointing.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    // The checkpoint is running: these are acknowledged from the spill, not visible yet.
    Sample s = new Sample("gpu_temp", Map.of("gpu", "7"), T, 71);
    Batch kept = duck.append(new Batch(List.of(full(T + 1, "r-2")), List.of(), List.of(), List.of(), List.of(s),
        List.of()));
    assertThat(kept.inferences()).hasSize(1);
    assertThat(writer.spilledGroups()).isEqualTo(1);
    assertThat(store.count(RecordType.INFERENCE)).as("spilled, not moved yet").isEqualTo(1);
    assertThat(duck.append(Batch.ofInferences(List.of(full(T + 1, "r-2")))).inferences())
        .as("a re-send of a spilled record is still known").isEmpty();
    // A task (here retention) waits until the spill is moved: it may touch what the spill holds.
    Thread retention = new Thread(() -> store.deleteOlderThan(RecordType.SAMPLE, T - 1));
    retention.start();

    writer.checkpointWalBytes = GroupCommitWriter.CHECKPOINT_WAL_BYTES;
    release.countDown();
    retention.join(30_000);
    assertThat(retention.isAlive()).isFalse();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (store.count(RecordType.INFERENCE) < 2 && System.nanoTime() < deadline) Thread.sleep(10);
    assertThat(store.inferences(T, T + 2, 10)).containsExactly(full(T, "r-1"), full(T + 1, "r-2"));
    assertThat(store.samples("gpu_temp", T, T + 1, 10)).containsExactly(s);
    assertThat(writer.checkpoints()).isEqualTo(1);
    store.close();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + CheckpointSpill.file(dir.resolve("loupe.duckdb")));
        ResultSet rs = c.createStatement().executeQuery("SELECT (SELECT count(*) FROM inferences)"
            + " + (SELECT count(*) FROM samples) + (SELECT count(*) FROM series)")) {
      rs.next();
      assertThat(rs.getLong(1)).as("the spill is empty once moved").isZero();
    }
    store = open();
    assertThat(store.count(RecordType.INFERENCE)).isEqualTo(2);
    assertThat(store.count(RecordType.SAMPLE)).isEqualTo(1);
  }

  @Test
  void aSeriesLabelsAreDecodedOncePerReadAndSharedByItsSamples() {
    Map<String, String> gpu0 = Map.of("gpu", "0", "Hostname", "node-1");
    store.append(samples(new Sample("DCGM_FI_DEV_GPU_UTIL", gpu0, T, 10), new Sample("DCGM_FI_DEV_GPU_UTIL", gpu0, T + 1, 20),
        new Sample("DCGM_FI_DEV_GPU_UTIL", Map.of("gpu", "1", "Hostname", "node-1"), T + 2, 30)));
    for (List<Sample> read : List.of(store.samples("DCGM_FI_DEV_GPU_UTIL", T, T + 3, 10),
        store.samplesByNamePrefix(List.of("DCGM_"), T, T + 3, 10))) {
      assertThat(read).extracting(Sample::value).containsExactly(10.0, 20.0, 30.0);
      assertThat(read.get(1).labels()).isEqualTo(gpu0).isSameAs(read.get(0).labels());
      assertThat(read.get(2).labels()).containsEntry("gpu", "1");
    }
  }

  @Test
  void duckDbMemoryIsLimitedExplicitlyNotToMostOfTheMachine() throws Exception {
    store.close();
    try (Connection c = DuckDbStore.connect(dir.resolve("loupe.duckdb"));
        ResultSet rs = c.createStatement().executeQuery("SELECT current_setting('memory_limit')")) {
      rs.next();
      assertThat(rs.getString(1)).as("1 GB, as DuckDB shows it").isIn("1.0 GiB", "953.6 MiB", "1.0 GB", "1000.0 MB");
    }
    store = open();
  }

  @Test
  void duckDbWorkerThreadsCanBeLimitedBySystemProperty() throws Exception {
    store.close();
    System.setProperty("loupe.store.threads", "1");
    try (Connection c = DuckDbStore.connect(dir.resolve("loupe.duckdb"));
        ResultSet rs = c.createStatement().executeQuery("SELECT current_setting('threads')")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(1);
    } finally {
      System.clearProperty("loupe.store.threads");
    }
    store = open();
  }

  @Test
  void aWriterBusyBetweenGroupsDoesNotCheckpointASmallWal() throws Exception {
    DuckDbStore duck = (DuckDbStore) store;
    GroupCommitWriter writer = duck.writer();
    writer.idleMillis = 600_000; // never idle here: the queue only empties between groups
    Path wal = dir.resolve("loupe.duckdb.wal");
    for (int b = 0; b < 200 && walBytes(wal) < 2 * GroupCommitWriter.IDLE_CHECKPOINT_WAL_BYTES; b++) {
      List<Inference> batch = new ArrayList<>();
      for (int i = 0; i < 500; i++) batch.add(full(T + b * 1000 + i, b + "-" + i));
      duck.append(Batch.ofInferences(batch));
    }
    // Each checkpoint of a large store costs about a second of CPU: only a large WAL or real idleness earns one.
    assertThat(walBytes(wal)).as("the WAL grew past the idle threshold, uncheckpointed")
        .isGreaterThanOrEqualTo(2 * GroupCommitWriter.IDLE_CHECKPOINT_WAL_BYTES);
    assertThat(writer.checkpoints()).isZero();
    assertThat(writer.spilledGroups()).isZero();
  }

  @Test
  void theComingMinuteIsReadBeforeACheckpointSoASpilledGroupReadsNothingFromTheStore() throws Exception {
    DuckDbStore duck = (DuckDbStore) store;
    GroupCommitWriter writer = duck.writer();
    CountDownLatch checkpointing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    holdCheckpoints(writer, checkpointing, release);
    writer.checkpointWalBytes = 0;
    try {
      duck.append(Batch.ofInferences(List.of(full(T, "r-1"))));
      assertThat(checkpointing.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      long loads = writer.identityLoads();
      long spilled = writer.spilledGroups(); // another write may have spilled since the hold began
      // A read of the store would wait for the whole checkpoint (seconds): the next minute is held already.
      assertThat(duck.append(Batch.ofInferences(List.of(full(T + 60_000, "r-2")))).inferences()).hasSize(1);
      assertThat(writer.spilledGroups()).isEqualTo(spilled + 1);
      assertThat(writer.identityLoads()).isEqualTo(loads);
      assertThat(duck.append(Batch.ofInferences(List.of(full(T + 60_000, "r-2")))).inferences())
          .as("and its re-send is still dropped").isEmpty();
    } finally {
      writer.checkpointWalBytes = GroupCommitWriter.CHECKPOINT_WAL_BYTES;
      release.countDown();
    }
  }

  @Test
  void aMoveCutShortByACrashResumesWhereItStoppedWithoutCopyingARowTwice() throws Exception {
    store.append(Batch.ofInferences(List.of(full(T, "r-0"))));
    store.close();
    Path file = dir.resolve("loupe.duckdb");
    // What a crash leaves: three spilled rows, the first of which a move transaction already
    // copied and recorded before the process died.
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file); Statement s = c.createStatement()) {
      s.execute(CheckpointSpill.attach(file));
      long generation;
      try (ResultSet rs = s.executeQuery("SELECT generation FROM loupe_spill.spill_state")) {
        rs.next();
        generation = rs.getLong(1);
      }
      for (int i = 1; i <= 3; i++) {
        s.execute("INSERT INTO loupe_spill.inferences BY NAME SELECT * REPLACE ('r-" + i + "' AS request_id,"
            + " ts_ms + " + i + " AS ts_ms) FROM inferences");
      }
      s.execute("INSERT INTO inferences BY NAME SELECT * FROM loupe_spill.inferences WHERE rowid < 1");
      s.execute("INSERT INTO spill_moves VALUES (" + generation + ", 'inferences', 1)");
    }
    store = open();
    assertThat(store.inferences(T, T + 10, 10)).extracting(Inference::requestId)
        .containsExactly("r-0", "r-1", "r-2", "r-3");
    store.close();
    store = open();
    assertThat(store.count(RecordType.INFERENCE)).as("moved once, not again at the next start").isEqualTo(4);
  }

  @Test
  void writersCheckpointingContinuallyLoseAndDuplicateNothing() throws Exception {
    DuckDbStore duck = (DuckDbStore) store;
    GroupCommitWriter writer = duck.writer();
    writer.checkpointWalBytes = 0; // checkpoint after every group: spill, move, again
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      final int thread = t;
      Thread th = new Thread(() -> {
        try {
          for (int b = 0; b < 40; b++) {
            List<Inference> batch = new ArrayList<>();
            List<Sample> samples = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
              batch.add(full(T + b * 100 + i, thread + "-" + b + "-" + i));
              samples.add(new Sample("gpu_temp", Map.of("gpu", Integer.toString(thread * 50 + i)), T + b, i));
            }
            duck.append(new Batch(batch, List.of(), List.of(), List.of(), samples, List.of()));
            if (b % 10 == 0) store.deleteOlderThan(RecordType.SAMPLE, T - 1);
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      th.start();
      threads.add(th);
    }
    for (Thread th : threads) th.join();
    assertThat(failures).isEmpty();
    assertThat(writer.checkpoints()).isPositive();
    assertThat(writer.spilledGroups()).isPositive();
    store.close();
    store = open();
    assertThat(store.count(RecordType.INFERENCE)).isEqualTo(4 * 40 * 50);
    assertThat(store.count(RecordType.SAMPLE)).isEqualTo(4 * 40 * 50);
    store.close();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("loupe.duckdb"));
        ResultSet rs = c.createStatement().executeQuery("SELECT count(*), count(DISTINCT id) FROM series")) {
      rs.next();
      assertThat(rs.getLong(1)).as("each series once").isEqualTo(200).isEqualTo(rs.getLong(2));
    }
    store = open();
  }

  private static long walBytes(Path wal) throws java.io.IOException {
    return java.nio.file.Files.exists(wal) ? java.nio.file.Files.size(wal) : 0;
  }

  private static Batch samples(Sample... s) {
    return Batch.ofSamples(List.of(s));
  }

  @Test
  void closedStoreRefusesWork() {
    store.close();
    assertThatThrownBy(() -> store.append(Batch.ofInferences(List.of(sparse(T, A1)))))
        .hasMessageContaining("closed");
    store = open();
  }

  /** Each background checkpoint says it started, then waits for {@code release} before it runs. */
  private static void holdCheckpoints(GroupCommitWriter writer, CountDownLatch checkpointing, CountDownLatch release) {
    writer.beforeCheckpoint = () -> {
      checkpointing.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }
}
