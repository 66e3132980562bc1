package dev.loupe.dimension.cost;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The entries that price one name, in levels of equal specificity, most specific first; within a
 * level by source (the config before files before the shipped defaults), then the newest start
 * first, then catalog order. The entry in force at a time is the first started one of the most
 * specific level that has one started: an override wins over the defaults whatever their dates.
 */
final class InForce<T> {
  private static final InForce<?> NONE = new InForce<>(new Object[0][], new long[0][]);

  private final Object[][] levels;
  private final long[][] starts;

  private InForce(Object[][] levels, long[][] starts) {
    this.levels = levels;
    this.starts = starts;
  }

  @SuppressWarnings("unchecked")
  static <T> InForce<T> none() {
    return (InForce<T>) NONE;
  }

  /** One entry that matched: its specificity ({@code rank}, then {@code score}), source layer, start and position. */
  record Hit<T>(T entry, int rank, int score, int layer, long startMillis, int position) {}

  static <T> InForce<T> of(List<Hit<T>> hits) {
    if (hits.isEmpty()) return none();
    List<Hit<T>> sorted = new ArrayList<>(hits);
    sorted.sort(Comparator.<Hit<T>>comparingInt(h -> -h.rank())
        .thenComparingInt(h -> -h.score())
        .thenComparingInt(Hit::layer)
        .thenComparing(Comparator.<Hit<T>>comparingLong(Hit::startMillis).reversed())
        .thenComparingInt(Hit::position));
    List<List<Hit<T>>> grouped = new ArrayList<>();
    for (Hit<T> h : sorted) {
      List<Hit<T>> last = grouped.isEmpty() ? null : grouped.get(grouped.size() - 1);
      if (last != null && last.get(0).rank() == h.rank() && last.get(0).score() == h.score()) {
        last.add(h);
      } else {
        List<Hit<T>> level = new ArrayList<>();
        level.add(h);
        grouped.add(level);
      }
    }
    Object[][] levels = new Object[grouped.size()][];
    long[][] starts = new long[grouped.size()][];
    for (int i = 0; i < grouped.size(); i++) {
      List<Hit<T>> level = grouped.get(i);
      levels[i] = new Object[level.size()];
      starts[i] = new long[level.size()];
      for (int j = 0; j < level.size(); j++) {
        levels[i][j] = level.get(j).entry();
        starts[i][j] = level.get(j).startMillis();
      }
    }
    return new InForce<>(levels, starts);
  }

  boolean isEmpty() {
    return levels.length == 0;
  }

  /** The entry in force at {@code timestampMillis}, or null when none has started by then. */
  @SuppressWarnings("unchecked")
  T at(long timestampMillis) {
    for (int i = 0; i < levels.length; i++) {
      long[] s = starts[i];
      for (int j = 0; j < s.length; j++) {
        if (s[j] <= timestampMillis) return (T) levels[i][j];
      }
    }
    return null;
  }

  /** Every matching entry, most specific first. */
  @SuppressWarnings("unchecked")
  List<T> all() {
    List<T> out = new ArrayList<>();
    for (Object[] level : levels) {
      for (Object e : level) out.add((T) e);
    }
    return out;
  }
}
