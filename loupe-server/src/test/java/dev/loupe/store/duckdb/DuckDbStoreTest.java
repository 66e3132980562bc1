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
}
