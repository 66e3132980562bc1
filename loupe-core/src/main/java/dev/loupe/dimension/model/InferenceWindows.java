package dev.loupe.dimension.model;

import dev.loupe.model.InferenceRollup;
import dev.loupe.model.Inference;
import dev.loupe.model.SeriesKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The hot signals of the model dimension: per series, a ring of one-minute {@link
 * InferenceStats} buckets covering the last hour, from which any window of whole minutes (1 m, 5
 * m, 1 h) is merged on demand. Closed minutes are handed out once (and again after a late event
 * changed them) as {@link InferenceRollup}s for the store, and read back with {@link #load} after
 * a restart. Inferences dated before the hour are not kept here: they are summed per (series,
 * minute) and handed out by {@link #takeLateMinutes} to be merged into the stored rollups. Safe
 * for concurrent use; a batch takes each series' lock once.
 */
public final class InferenceWindows {
  public static final Duration ONE_MINUTE = Duration.ofMinutes(1);
  public static final Duration FIVE_MINUTES = Duration.ofMinutes(5);
  public static final Duration ONE_HOUR = Duration.ofHours(1);

  static final long MINUTE = 60_000;
  /** The current minute and the sixty before it. */
  static final int BUCKETS = 61;

  private final Clock clock;
  private final ConcurrentHashMap<SeriesKey, SeriesRing> series = new ConcurrentHashMap<>();
  private final List<InferenceRollup> evictedDirty = new ArrayList<>();
  private final AtomicLong lastReceivedMillis = new AtomicLong();
  /** Inferences older than the ring, summed per series and minute; guarded by itself. */
  private final Map<SeriesKey, Map<Long, InferenceStats>> late = new HashMap<>();

  public InferenceWindows(Clock clock) {
    this.clock = clock;
  }

  /**
   * Adds inferences; those more than a minute ahead are not kept, those before the last hour are
   * kept aside for {@link #takeLateMinutes}.
   */
  public void record(Collection<Inference> inferences) {
    long now = clock.millis();
    long oldestKept = minuteOf(now) - (BUCKETS - 1) * MINUTE;
    List<Inference> older = new ArrayList<>();
    for (Inference i : inferences) {
      if (i.timestampMillis() < oldestKept) older.add(i);
    }
    if (!older.isEmpty()) {
      synchronized (late) {
        for (Inference i : older) {
          late.computeIfAbsent(i.key(), k -> new HashMap<>())
              .computeIfAbsent(minuteOf(i.timestampMillis()), m -> new InferenceStats()).add(i);
        }
      }
    }
    add(inferences, now, Inference::key, Inference::timestampMillis, Bucket::add);
  }

  /**
   * The inferences recorded since the last call that were dated before the hour the windows hold,
   * summed per (series, minute): to be merged into the stored rollup of that minute, not to
   * replace it, since the rest of that minute is no longer in memory.
   */
  public List<InferenceRollup> takeLateMinutes() {
    List<InferenceRollup> out = new ArrayList<>();
    synchronized (late) {
      late.forEach((key, minutes) -> minutes.forEach((minute, stats) -> out.add(stats.toRollup(key, minute))));
      late.clear();
    }
    return out;
  }

  /**
   * Adds figures that metrics reported (Azure Monitor, OpenTelemetry GenAI histograms). Within a
   * minute, what calls carry wins over what metrics report, group by group (see {@link
   * InferenceStats#preferring}), so the same calls are never counted twice.
   */
  public void recordReported(Collection<ReportedFigure> figures) {
    add(figures, clock.millis(), ReportedFigure::key, ReportedFigure::timestampMillis, Bucket::add);
  }

  /** Adds items to their minute buckets, taking each series' lock once per batch. */
  private <T> void add(Collection<T> items, long now, Function<T, SeriesKey> keyOf, ToLongFunction<T> timeOf,
      BiConsumer<Bucket, T> addTo) {
    if (items.isEmpty()) {
      return;
    }
    lastReceivedMillis.accumulateAndGet(now, Math::max);
    long current = minuteOf(now);
    Map<SeriesKey, List<T>> byKey = new HashMap<>();
    for (T item : items) {
      long minute = minuteOf(timeOf.applyAsLong(item));
      if (minute > current - BUCKETS * MINUTE && minute <= current + MINUTE) {
        byKey.computeIfAbsent(keyOf.apply(item), k -> new ArrayList<>()).add(item);
      }
    }
    byKey.forEach(
        (key, list) -> {
          SeriesRing ring = series.computeIfAbsent(key, SeriesRing::new);
          synchronized (ring) {
            for (T item : list) {
              addTo.accept(ring.bucketFor(minuteOf(timeOf.applyAsLong(item)), this::keepEvicted), item);
            }
          }
        });
  }

  /** Restores a closed minute from the store; merges with anything already recorded for it. */
  public void load(InferenceRollup rollup) {
    long current = minuteOf(clock.millis());
    if (rollup.minuteMillis() <= current - BUCKETS * MINUTE || rollup.minuteMillis() > current) {
      return;
    }
    InferenceStats stats = InferenceStats.of(rollup); // a damaged sketch throws before anything changed
    SeriesRing ring = series.computeIfAbsent(rollup.key(), SeriesRing::new);
    synchronized (ring) {
      Bucket b = ring.bucketFor(rollup.minuteMillis(), this::keepEvicted);
      b.stats.merge(stats);
      b.noteTimes(rollup.minuteMillis(), rollup.minuteMillis() + MINUTE - 1);
      b.dirty = false;
    }
  }

  /** Stats of one series over the window ending now; empty when nothing was seen or reported in it. */
  public Optional<WindowStats> stats(SeriesKey key, Duration window) {
    SeriesRing ring = series.get(key);
    if (ring == null) {
      return Optional.empty();
    }
    long now = clock.millis();
    long from = minuteOf(now - window.toMillis());
    synchronized (ring) {
      return ring.merge(from, minuteOf(now), now - from, window.toMillis());
    }
  }

  /** Stats of every series with anything seen or reported in the window, in key order. */
  public List<WindowStats> stats(Duration window) {
    List<WindowStats> out = new ArrayList<>();
    for (SeriesKey key : series.keySet()) {
      stats(key, window).ifPresent(out::add);
    }
    out.sort((a, b) -> a.key().compareTo(b.key()));
    return out;
  }

  /**
   * The minutes that ended at or before {@code closedBeforeMillis} and changed since they were
   * last handed out; each is marked clean. Series idle for the whole hour are dropped here.
   */
  public List<InferenceRollup> takeChangedClosedMinutes(long closedBeforeMillis) {
    List<InferenceRollup> out = new ArrayList<>();
    synchronized (evictedDirty) {
      out.addAll(evictedDirty);
      evictedDirty.clear();
    }
    long oldest = minuteOf(clock.millis()) - (BUCKETS - 1) * MINUTE;
    for (SeriesRing ring : series.values()) {
      synchronized (ring) {
        for (Bucket b : ring.buckets) {
          if (b != null && b.dirty && b.minute + MINUTE <= closedBeforeMillis) {
            out.add(b.effective().toRollup(ring.key, b.minute));
            b.dirty = false;
          }
        }
        if (ring.newestMinute() < oldest) {
          series.remove(ring.key, ring);
        }
      }
    }
    return out;
  }

  /** When the last inference arrived (server clock), 0 if none since start. */
  public long lastReceivedMillis() {
    return lastReceivedMillis.get();
  }

  private void keepEvicted(InferenceRollup rollup) {
    synchronized (evictedDirty) {
      evictedDirty.add(rollup);
    }
  }

  static long minuteOf(long millis) {
    return Math.floorDiv(millis, MINUTE) * MINUTE;
  }

  /** One minute of one series. */
  private static final class Bucket {
    final long minute;
    final InferenceStats stats = new InferenceStats();
    /** What metrics reported for this minute; null until one did. */
    InferenceStats reported;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    boolean dirty;

    Bucket(long minute) {
      this.minute = minute;
    }

    void add(Inference i) {
      stats.add(i);
      noteTimes(i.timestampMillis(), i.timestampMillis());
      dirty = true;
    }

    void add(ReportedFigure f) {
      if (reported == null) reported = new InferenceStats();
      reported.add(f);
      noteTimes(f.timestampMillis(), f.timestampMillis());
      dirty = true;
    }

    InferenceStats effective() {
      return reported == null ? stats : InferenceStats.preferring(stats, reported);
    }

    void noteTimes(long from, long to) {
      first = Math.min(first, from);
      last = Math.max(last, to);
    }
  }

  /** The ring of minute buckets of one series; guarded by its own monitor. */
  private static final class SeriesRing {
    final SeriesKey key;
    final Bucket[] buckets = new Bucket[BUCKETS];

    SeriesRing(SeriesKey key) {
      this.key = key;
    }

    Bucket bucketFor(long minute, java.util.function.Consumer<InferenceRollup> onEvictDirty) {
      int slot = (int) Math.floorMod(minute / MINUTE, (long) BUCKETS);
      Bucket b = buckets[slot];
      if (b == null || b.minute < minute) {
        if (b != null && b.dirty) {
          onEvictDirty.accept(b.effective().toRollup(key, b.minute));
        }
        b = new Bucket(minute);
        buckets[slot] = b;
      } else if (b.minute > minute) {
        // The slot already holds a newer minute: this one is older than the hour we keep.
        return new Bucket(minute);
      }
      return b;
    }

    long newestMinute() {
      long newest = Long.MIN_VALUE;
      for (Bucket b : buckets) {
        if (b != null) newest = Math.max(newest, b.minute);
      }
      return newest;
    }

    Optional<WindowStats> merge(long fromMinute, long toMinute, long covered, long window) {
      InferenceStats merged = new InferenceStats();
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      boolean any = false;
      for (Bucket b : buckets) {
        if (b != null && b.minute >= fromMinute && b.minute <= toMinute) {
          InferenceStats minute = b.effective();
          if (minute.isEmpty()) continue;
          merged.merge(minute);
          first = Math.min(first, b.first);
          last = Math.max(last, b.last);
          any = true;
        }
      }
      if (!any) {
        return Optional.empty();
      }
      return Optional.of(WindowStats.of(key, window, covered, merged, first, last));
    }
  }
}
