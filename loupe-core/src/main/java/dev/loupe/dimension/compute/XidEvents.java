package dev.loupe.dimension.compute;

import dev.loupe.dimension.CounterSeries;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * XID errors of one GPU, from up to three sources of different worth:
 *
 * <ol>
 *   <li>{@code DCGM_EXP_XID_ERRORS_TOTAL{xid}}: a counter per code; every increase is that many
 *       XIDs.
 *   <li>{@code DCGM_EXP_XID_ERRORS_COUNT{xid}}: XIDs per code in the exporter's sliding window (5
 *       m by default); a rise is that many new XIDs, a fall is the window moving on.
 *   <li>{@code DCGM_FI_DEV_XID_ERRORS}: the code of the last XID only. A change to a non-zero code
 *       is a new XID; the same code again cannot be seen.
 * </ol>
 *
 * Once a better source has been seen for a GPU the worse ones no longer make events, so one XID is
 * not counted twice. A code seen at the first sample counts as new: when it happened is unknown,
 * and a hardware error is better reported once too often than missed. Each code is reported from
 * its first sighting until {@code reportedFor} after its last. Not thread-safe: the owning track
 * synchronizes.
 */
final class XidEvents {
  /** One code's current episode. */
  record Episode(int code, long firstMillis, long lastMillis, double occurrences) {}

  private final long reportedForMillis;
  private int bestSource = Integer.MAX_VALUE;
  private Integer lastCode;
  private final Map<Integer, Double> windowCounts = new HashMap<>();
  private final Map<Integer, CounterSeries> totals = new HashMap<>();
  private final Map<Integer, Episode> episodes = new TreeMap<>();

  XidEvents(Duration reportedFor) {
    this.reportedForMillis = reportedFor.toMillis();
  }

  void observeLastCode(long t, double value) {
    int code = (int) value;
    boolean changed = lastCode == null || lastCode != code;
    lastCode = code;
    if (accept(3) && changed && code != 0) {
      event(code, t, 0);
    }
  }

  void observeWindowCount(int code, long t, double value) {
    double previous = windowCounts.getOrDefault(code, 0.0);
    windowCounts.put(code, value);
    if (accept(2) && value > previous) {
      event(code, t, value - previous);
    }
  }

  void observeTotal(int code, long t, double value) {
    CounterSeries series = totals.computeIfAbsent(code, c -> new CounterSeries());
    boolean first = !series.hasValue();
    double increase = series.advance(t, value);
    if (!accept(1)) return;
    if (first && value > 0) {
      event(code, t, value);
    } else if (increase > 0) {
      event(code, t, increase);
    }
  }

  /** Records that a source was seen; true when it is the best one seen so far. */
  private boolean accept(int source) {
    bestSource = Math.min(bestSource, source);
    return source == bestSource;
  }

  private void event(int code, long t, double occurrences) {
    Episode e = episodes.get(code);
    if (e == null || t - e.lastMillis() >= reportedForMillis) {
      episodes.put(code, new Episode(code, t, t, occurrences));
    } else {
      episodes.put(code, new Episode(code, e.firstMillis(), Math.max(t, e.lastMillis()), e.occurrences() + occurrences));
    }
  }

  /** The episodes still reported at {@code nowMillis}, by code; expired ones are dropped. */
  List<Episode> reported(long nowMillis) {
    episodes.values().removeIf(e -> nowMillis - e.lastMillis() >= reportedForMillis);
    return List.copyOf(episodes.values());
  }

  /** The last XID code the gauge showed, null when it was never exported. */
  Integer lastCode() {
    return lastCode;
  }
}
