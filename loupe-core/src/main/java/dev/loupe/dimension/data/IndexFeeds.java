package dev.loupe.dimension.data;

import dev.loupe.model.Checks;
import dev.loupe.model.Inference;
import dev.loupe.model.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which deployments answer from which index, learnt from traces: a trace whose retrieval span
 * names an index (in one of {@code indexAttributes}, {@code db.collection.name} by default) and
 * whose model call is an inference of a deployment ties the two. The span and the inference may
 * arrive in different batches (an OTLP span, a JSON inference with its trace id): the last
 * {@value #MAX_TRACES} traces of each are remembered to pair them. A tie is forgotten after
 * {@link #FORGET_AFTER_MILLIS} without a trace showing it. Thread-safe.
 */
public final class IndexFeeds {
  public static final long FORGET_AFTER_MILLIS = 24 * 3_600_000L;
  static final int MAX_TRACES = 10_000;
  static final int MAX_TIES = 1_000;

  /** One deployment answering from one index, last seen at {@code lastSeenMillis}. */
  public record Tie(String deployment, String index, long lastSeenMillis) {}

  private final List<String> indexAttributes;
  private final Map<String, Dated> indexOfTrace = lru();
  private final Map<String, Dated> deploymentOfTrace = lru();
  /** (deployment, index) → last seen. */
  private final Map<List<String>, Long> ties = new HashMap<>();

  private record Dated(String name, long millis) {}

  public IndexFeeds(List<String> indexAttributes) {
    this.indexAttributes = List.copyOf(indexAttributes);
  }

  /** Notes what the traces of a durable batch show. */
  public synchronized void observe(List<Span> spans, List<Inference> inferences) {
    for (Span s : spans) {
      String index = index(s.attributes());
      if (index == null) continue;
      long at = s.startNanos() / 1_000_000;
      indexOfTrace.put(s.traceId(), new Dated(index, at));
      Dated d = deploymentOfTrace.get(s.traceId());
      if (d != null) tie(d.name(), index, Math.max(at, d.millis()));
    }
    for (Inference i : inferences) {
      String deployment = i.key().deployment();
      if (i.traceId() == null || Checks.UNKNOWN.equals(deployment)) continue;
      deploymentOfTrace.put(i.traceId(), new Dated(deployment, i.timestampMillis()));
      Dated x = indexOfTrace.get(i.traceId());
      if (x != null) tie(deployment, x.name(), Math.max(i.timestampMillis(), x.millis()));
    }
  }

  /** The ties seen in the day before {@code asOfMillis} (and not after it), by deployment and index. */
  public synchronized List<Tie> ties(long asOfMillis) {
    List<Tie> out = new ArrayList<>();
    long newest = newest();
    // Relative to the newest tie, not to asOfMillis: a backtest of last week must not forget today.
    ties.entrySet().removeIf(e -> e.getValue() < newest - FORGET_AFTER_MILLIS);
    ties.forEach((k, seen) -> {
      if (seen <= asOfMillis && seen > asOfMillis - FORGET_AFTER_MILLIS) out.add(new Tie(k.get(0), k.get(1), seen));
    });
    out.sort(java.util.Comparator.comparing(Tie::deployment).thenComparing(Tie::index));
    return out;
  }

  private long newest() {
    long n = Long.MIN_VALUE;
    for (long v : ties.values()) n = Math.max(n, v);
    return n;
  }

  private void tie(String deployment, String index, long at) {
    ties.merge(List.of(deployment, index), at, Math::max);
    if (ties.size() > MAX_TIES) {
      // The tie seen longest ago goes: a deployment that keeps answering from an index stays.
      List<String> oldest = null;
      long when = Long.MAX_VALUE;
      for (var e : ties.entrySet()) {
        if (e.getValue() < when) {
          when = e.getValue();
          oldest = e.getKey();
        }
      }
      ties.remove(oldest);
    }
  }

  private String index(Map<String, Object> attributes) {
    for (String a : indexAttributes) {
      Object v = attributes.get(a);
      if (v instanceof String s && !s.isBlank()) return s;
    }
    return null;
  }

  private static <V> Map<String, V> lru() {
    return new LinkedHashMap<>(256, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > MAX_TRACES;
      }
    };
  }
}
