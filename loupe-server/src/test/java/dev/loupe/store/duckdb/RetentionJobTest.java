package dev.loupe.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.dimension.model.InferenceStats;
import dev.loupe.model.Batch;
import dev.loupe.model.Deployment;
import dev.loupe.model.Inference;
import dev.loupe.model.SeriesKey;
import dev.loupe.store.RecordType;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionJobTest {
  @TempDir Path dir;

  @Test
  void deletesEachTypeByItsOwnRetention() {
    Instant now = Instant.parse("2026-11-28T10:00:00Z");
    long day = Duration.ofDays(1).toMillis();
    SeriesKey key = new SeriesKey("s", "d", "m", "v");
    try (DuckDbStore store = DuckDbStore.open(dir.resolve("r.duckdb"), Clock.systemUTC())) {
      long old = now.toEpochMilli() - 40 * day;
      long recent = now.toEpochMilli() - day;
      store.append(new Batch(
          List.of(inference(old, key), inference(recent, key)), List.of(),
          List.of(new Deployment(old, "s", "d", "m", null, "v")), List.of(), List.of(), List.of()));
      long oldMinute = Math.floorDiv(old, 60_000) * 60_000;
      store.upsertRollups(List.of(new InferenceStats().toRollup(key, oldMinute)));
      RetentionPolicy policy = new RetentionPolicy(Map.of(RecordType.INFERENCE, Duration.ofDays(30)));
      assertThat(policy.of(RecordType.ROLLUP)).isEqualTo(Duration.ofDays(400));
      new RetentionJob(store, policy, Clock.fixed(now, ZoneOffset.UTC)).run();
      assertThat(store.count(RecordType.INFERENCE)).isEqualTo(1);
      assertThat(store.count(RecordType.DEPLOYMENT)).as("kept 400 days").isEqualTo(1);
      assertThat(store.count(RecordType.ROLLUP)).as("kept 400 days").isEqualTo(1);
      new RetentionJob(store, new RetentionPolicy(Map.of(RecordType.ROLLUP, Duration.ofDays(10))),
          Clock.fixed(now, ZoneOffset.UTC)).run();
      assertThat(store.count(RecordType.ROLLUP)).isZero();
    }
  }

  private static Inference inference(long ts, SeriesKey key) {
    return new Inference(ts, key, null, null, null, null, null, null, null, null, 10.0, null, null, null, null,
        null, null, null, null, null);
  }
}
