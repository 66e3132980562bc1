package dev.loupe.server;

import dev.loupe.api.GaugeFamily;
import dev.loupe.model.Sample;
import dev.loupe.store.RecordType;
import dev.loupe.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How much telemetry Loupe keeps and how fast it comes in, measured off the ingest path by a
 * background job (at most once a minute) and cached: {@code loupe_store_bytes}, the bytes of the
 * files in the data directory (the DuckDB file and its WAL, the notification outbox), and
 * {@code loupe_store_records_per_day{type}}, the records written in the last 24 hours by record
 * type, from the counts the store's writer keeps ({@link Store#appendedRecords()}), never a table
 * scan. While Loupe has run less than a day, the count since the start is scaled to a day.
 *
 * <pre>{@code
 * StoreVolume volume = new StoreVolume(store, dataDir, clock);
 * store.append(Batch.ofSamples(volume.measure())); // every minute, so rules read days of it
 * }</pre>
 */
final class StoreVolume {
  static final String BYTES = "loupe_store_bytes";
  static final String RECORDS_PER_DAY = "loupe_store_records_per_day";
  static final List<String> NAMES = List.of(BYTES, RECORDS_PER_DAY);
  static final long DAY_MILLIS = 86_400_000L;

  /** The store's write counts at one time. */
  private record Count(long atMillis, Map<RecordType, Long> appended) {}

  private final Store store;
  private final Path dataDir;
  private final Clock clock;
  /** Oldest first, one per measure: the first is the newest at least a day old, or the start. */
  private final Deque<Count> counts = new ArrayDeque<>();
  private volatile long bytes = -1;
  private volatile Map<RecordType, Double> perDay = Map.of();

  StoreVolume(Store store, Path dataDir, Clock clock) {
    this.store = store;
    this.dataDir = dataDir;
    this.clock = clock;
    counts.add(new Count(clock.millis(), store.appendedRecords()));
  }

  /**
   * Measures now, caches what it found and returns it as samples: the bytes, and the records per
   * day once some time has passed since the first count.
   */
  synchronized List<Sample> measure() {
    long now = clock.millis();
    bytes = directoryBytes(dataDir);
    Count current = new Count(now, store.appendedRecords());
    counts.addLast(current);
    // The base: the newest count at least a day old, or the first one while there is none.
    while (counts.size() > 2) {
      java.util.Iterator<Count> it = counts.iterator();
      it.next();
      if (now - it.next().atMillis() < DAY_MILLIS) break;
      counts.removeFirst();
    }
    Count base = counts.peekFirst();
    long span = now - base.atMillis();
    List<Sample> out = new ArrayList<>();
    out.add(new Sample(BYTES, Map.of(), now, bytes));
    if (span <= 0) return out;
    Map<RecordType, Double> rates = new EnumMap<>(RecordType.class);
    for (Map.Entry<RecordType, Long> e : current.appended().entrySet()) {
      double written = e.getValue() - base.appended().getOrDefault(e.getKey(), 0L);
      double v = written * DAY_MILLIS / span;
      rates.put(e.getKey(), v);
      out.add(new Sample(RECORDS_PER_DAY, Map.of("type", e.getKey().configName()), now, v));
    }
    perDay = rates;
    return out;
  }

  /** The data directory's bytes at the last measure, or -1 before it. */
  long bytes() {
    return bytes;
  }

  /** Records written per day by type at the last measure. */
  Map<RecordType, Double> recordsPerDay() {
    return perDay;
  }

  /** The cached measures for {@code /metrics}, with the configured budgets beside them. */
  List<GaugeFamily> families(LoupeConfig.Telemetry budget) {
    List<GaugeFamily> out = new ArrayList<>();
    long b = bytes;
    if (b >= 0) {
      out.add(new GaugeFamily(BYTES, "Bytes of the files in Loupe's data directory (store, WAL, outbox).",
          List.of(new GaugeFamily.Point(Map.of(), b))));
    }
    List<GaugeFamily.Point> rates = new ArrayList<>();
    perDay.forEach((type, v) -> rates.add(new GaugeFamily.Point(Map.of("type", type.configName()), v)));
    if (!rates.isEmpty()) {
      out.add(new GaugeFamily(RECORDS_PER_DAY, "Records stored in the last 24 hours by type (scaled to a day"
          + " while Loupe has run less).", rates));
    }
    if (budget.maxStoredBytes() != null) {
      out.add(new GaugeFamily(LimitSignals.BYTES_BUDGET, "limits.telemetry.max_stored_bytes from the config.",
          List.of(new GaugeFamily.Point(Map.of(), budget.maxStoredBytes()))));
    }
    if (budget.maxRecordsPerDay() != null) {
      out.add(new GaugeFamily(LimitSignals.RECORDS_BUDGET, "limits.telemetry.max_records_per_day from the config.",
          List.of(new GaugeFamily.Point(Map.of(), budget.maxRecordsPerDay()))));
    }
    return out;
  }

  /** The names {@link #families} may give, for the registry. */
  static List<String> familyNames() {
    return List.of(BYTES, RECORDS_PER_DAY, LimitSignals.BYTES_BUDGET, LimitSignals.RECORDS_BUDGET);
  }

  private static long directoryBytes(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(StoreVolume::sizeOrZero).sum();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot measure the data directory " + dir, e);
    }
  }

  /** A file removed between listing and measuring (a WAL checkpointed away) counts nothing. */
  private static long sizeOrZero(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }
}
