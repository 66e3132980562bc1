package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.model.Batch;
import dev.loupe.model.Inference;
import dev.loupe.model.Sample;
import dev.loupe.model.SeriesKey;
import dev.loupe.store.RecordType;
import dev.loupe.store.duckdb.DuckDbStore;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loupe's own volume: the data directory's bytes and the records written per day by type, from
 * the writer's counts; stored as samples for the data rules and on {@code /metrics} with the
 * configured budgets.
 */
class StoreVolumeTest {
  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0);

  static Inference inference(long ts, int i) {
    return new Inference(ts, new SeriesKey("api", "chat-prod", "gpt-4o", "v1"), null, "r-" + i, null, null, null,
        null, null, null, 100.0, null, null, null, null, null, null, null, null, null);
  }

  @Test
  void recordsPerDayAreTheWritersCountsOverTheLastDayScaledToADayBeforeOne() {
    Path data = dir.resolve("data");
    try (DuckDbStore store = DuckDbStore.open(prepared(data).resolve("loupe.duckdb"), clock)) {
      StoreVolume volume = new StoreVolume(store, data, clock);
      List<Inference> hundred = new ArrayList<>();
      for (int i = 0; i < 100; i++) hundred.add(inference(T0.toEpochMilli() + i, i));
      store.append(Batch.ofInferences(hundred));
      store.append(Batch.ofInferences(hundred)); // the same again: duplicates, not written
      clock.advance(Duration.ofHours(1));
      List<Sample> first = volume.measure();
      // 100 in the first hour: 2,400 a day at that rate.
      assertThat(volume.recordsPerDay()).containsEntry(RecordType.INFERENCE, 2400.0).containsEntry(RecordType.LOG, 0.0);
      assertThat(first).filteredOn(s -> s.name().equals(StoreVolume.BYTES)).singleElement()
          .satisfies(s -> assertThat(s.value()).isEqualTo(volume.bytes()).isPositive());
      assertThat(first).filteredOn(s -> s.name().equals(StoreVolume.RECORDS_PER_DAY))
          .extracting(s -> s.labels().get("type")).contains("inference", "sample", "span", "rollup");

      // 23 hours later with 300 more: the day since the start holds 400.
      List<Inference> more = new ArrayList<>();
      for (int i = 0; i < 300; i++) more.add(inference(T0.toEpochMilli() + 10_000 + i, 1000 + i));
      store.append(Batch.ofInferences(more));
      clock.advance(Duration.ofHours(23));
      volume.measure();
      assertThat(volume.recordsPerDay().get(RecordType.INFERENCE)).isEqualTo(400.0);
      // Another day on, without writes, measured every hour: the day that ended has none.
      for (int h = 0; h < 25; h++) {
        clock.advance(Duration.ofHours(1));
        volume.measure();
      }
      assertThat(volume.recordsPerDay().get(RecordType.INFERENCE)).isZero();
      assertThat(volume.bytes()).isEqualTo(filesUnder(data));
    }
  }

  @Test
  void theServerStoresItsVolumeAsSamplesAndShowsItWithTheBudgetsOnMetrics() {
    String yaml = "limits:\n  telemetry: {max_stored_bytes: 50GB, max_records_per_day: 1.4M}\n";
    try (TestServer loupe = TestServer.start(dir, clock, yaml)) {
      StringBuilder lines = new StringBuilder();
      for (int i = 0; i < 60; i++) {
        lines.append("{\"timestamp\":").append(T0.toEpochMilli() + i * 1000L)
            .append(",\"service\":\"api\",\"deployment\":\"chat-prod\",\"model\":\"gpt-4o\",\"latency_ms\":400}\n");
      }
      assertThat(loupe.post("api/v1/inferences", lines.toString()).status()).isEqualTo(200);
      clock.advance(Duration.ofMinutes(1));
      List<Sample> measured = loupe.server().measureStoreVolume();
      double inferencesPerDay = measured.stream()
          .filter(s -> s.name().equals(StoreVolume.RECORDS_PER_DAY) && "inference".equals(s.labels().get("type")))
          .findFirst().orElseThrow().value();
      assertThat(inferencesPerDay).as("60 in the first minute").isEqualTo(60.0 * 1440);

      String metrics = loupe.get("metrics").body();
      assertThat(metrics).contains("loupe_store_bytes_budget 5.0E10").contains("loupe_store_records_per_day_budget 1400000.0")
          .contains("loupe_store_records_per_day{type=\"inference\"} 86400.0");
      assertThat(metrics.lines().filter(l -> l.startsWith("loupe_store_bytes ")).findFirst().orElseThrow())
          .satisfies(l -> assertThat(Double.parseDouble(l.split(" ")[1])).isPositive());

      // Stored, so query_range (and rules over a day) read it.
      JsonNode answer = loupe.get("api/v1/signals/query_range?query=" + URLEncoder.encode(
          "loupe_store_records_per_day{type=\"inference\"}", StandardCharsets.UTF_8) + "&start="
          + T0.getEpochSecond() + "&end=" + (T0.getEpochSecond() + 120) + "&step=60").json();
      assertThat(answer.at("/data/result/0/values/0/1").asDouble()).isCloseTo(86400.0, within(1e-9));
    }
  }

  private static Path prepared(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static long filesUnder(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
