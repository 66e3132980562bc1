package dev.loupe.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loupe.model.Batch;
import dev.loupe.model.Inference;
import dev.loupe.store.RecordType;
import dev.loupe.store.Store;
import dev.loupe.store.StoreContract;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
    assertThat(store.schemaVersion()).isEqualTo(version).isEqualTo(Migrations.ALL.size());
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
    duck.append(Batch.ofInferences(List.of(sparse(T, A1))));
    assertThat(store.count(RecordType.INFERENCE)).isEqualTo(1);
  }

  @Test
  void closedStoreRefusesWork() {
    store.close();
    assertThatThrownBy(() -> store.append(Batch.ofInferences(List.of(sparse(T, A1)))))
        .hasMessageContaining("closed");
    store = open();
  }
}
