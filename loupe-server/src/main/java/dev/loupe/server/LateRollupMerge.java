package dev.loupe.server;

import dev.loupe.model.InferenceRollup;
import dev.loupe.dimension.model.InferenceStats;
import dev.loupe.model.SeriesKey;
import dev.loupe.store.Store;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Folds late inferences (dated before the hot hour) into the stored rollups of their minutes: the
 * rest of such a minute is no longer in memory, so the stored rollup is read, merged with the late
 * sums (counts add, sketches merge) and written back.
 */
final class LateRollupMerge {
  private static final long MINUTE = 60_000;

  private LateRollupMerge() {}

  /** The merged rollups to upsert, one per (series, minute) of {@code late}. */
  static List<InferenceRollup> mergedWithStored(Store store, List<InferenceRollup> late) {
    TreeMap<Long, List<InferenceRollup>> byMinute = new TreeMap<>();
    for (InferenceRollup r : late) byMinute.computeIfAbsent(r.minuteMillis(), m -> new ArrayList<>()).add(r);
    List<InferenceRollup> out = new ArrayList<>(late.size());
    // One read per day of late minutes, not one per minute: a back-fill brings thousands.
    while (!byMinute.isEmpty()) {
      long first = byMinute.firstKey();
      java.util.SortedMap<Long, List<InferenceRollup>> chunk = byMinute.headMap(first + CHUNK);
      Map<Long, Map<SeriesKey, InferenceRollup>> stored = new HashMap<>();
      for (InferenceRollup r : store.rollups(first, chunk.lastKey() + MINUTE)) {
        if (chunk.containsKey(r.minuteMillis())) stored.computeIfAbsent(r.minuteMillis(), m -> new HashMap<>()).put(r.key(), r);
      }
      chunk.forEach((minute, deltas) -> {
        for (InferenceRollup delta : deltas) {
          InferenceRollup before = stored.getOrDefault(minute, Map.of()).get(delta.key());
          if (before == null) {
            out.add(delta);
            continue;
          }
          InferenceStats merged = InferenceStats.of(before);
          merged.merge(InferenceStats.of(delta));
          out.add(merged.toRollup(delta.key(), minute));
        }
      });
      chunk.clear();
    }
    return out;
  }

  /** The span of late minutes read from the store at once. */
  private static final long CHUNK = 24 * 60 * MINUTE;
}
