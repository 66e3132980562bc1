package dev.loupe.ingest;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ingest counters of the last hour, by minute, endpoint and rejection reason: what the data
 * dimension's rejected-ratio signal reads (the counters on {@code /metrics} only ever grow). A
 * record counts in the minute of the clock when it was answered; a window is the current minute
 * and the {@code minutes - 1} before it. Thread-safe; counting costs two map look-ups.
 */
public final class RecentIngestCounts {
  static final long MINUTE = 60_000;
  static final Duration KEEP = Duration.ofHours(1);

  /** Received (accepted + rejected) and rejected records of one endpoint in a window, rejected by reason. */
  public record Window(String endpoint, long received, long rejected, Map<String, Long> rejectedByReason) {
    public double rejectedRatio() {
      return received == 0 ? 0 : rejected / (double) received;
    }
  }

  private static final class Minute {
    final Map<String, LongAdder> accepted = new ConcurrentHashMap<>();
    final Map<String, Map<String, LongAdder>> rejected = new ConcurrentHashMap<>();
  }

  private final Clock clock;
  private final ConcurrentSkipListMap<Long, Minute> minutes = new ConcurrentSkipListMap<>();

  public RecentIngestCounts(Clock clock) {
    this.clock = clock;
  }

  void accepted(String endpoint, long n) {
    minute().accepted.computeIfAbsent(endpoint, e -> new LongAdder()).add(n);
  }

  void rejected(String endpoint, String reason, long n) {
    minute().rejected.computeIfAbsent(endpoint, e -> new ConcurrentHashMap<>())
        .computeIfAbsent(reason, r -> new LongAdder()).add(n);
  }

  private Minute minute() {
    long m = Math.floorDiv(clock.millis(), MINUTE) * MINUTE;
    Minute minute = minutes.get(m);
    if (minute != null) return minute;
    minutes.headMap(m - KEEP.toMillis()).clear();
    return minutes.computeIfAbsent(m, k -> new Minute());
  }

  /** Each endpoint's counts over the minute of {@code asOfMillis} and the {@code minutes - 1} before, by endpoint. */
  public Map<String, Window> windows(long asOfMillis, int minutesBack) {
    long last = Math.floorDiv(asOfMillis, MINUTE) * MINUTE;
    Map<String, long[]> counts = new TreeMap<>();
    Map<String, Map<String, Long>> reasons = new TreeMap<>();
    for (Minute m : minutes.subMap(last - (minutesBack - 1) * MINUTE, true, last, true).values()) {
      m.accepted.forEach((endpoint, n) -> counts.computeIfAbsent(endpoint, e -> new long[2])[0] += n.sum());
      m.rejected.forEach((endpoint, byReason) -> byReason.forEach((reason, n) -> {
        counts.computeIfAbsent(endpoint, e -> new long[2])[1] += n.sum();
        reasons.computeIfAbsent(endpoint, e -> new TreeMap<>()).merge(reason, n.sum(), Long::sum);
      }));
    }
    Map<String, Window> out = new TreeMap<>();
    counts.forEach((endpoint, c) -> out.put(endpoint,
        new Window(endpoint, c[0] + c[1], c[1], reasons.getOrDefault(endpoint, Map.of()))));
    return out;
  }
}
