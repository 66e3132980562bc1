package dev.loupe.stats;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Exact counts per category of one categorical feature over a window (finish reason, outcome,
 * language, operation, refusal), mergeable across windows. The features Loupe compares have a
 * handful to a few hundred categories, so counts are kept exactly; past {@link #MAX_CATEGORIES}
 * distinct categories, new ones are counted together under {@link #OTHER} so a runaway label
 * cannot grow the state. Not thread-safe: the owner synchronizes.
 *
 * <pre>{@code
 * CategoryCounts finish = new CategoryCounts();
 * finish.add("stop");
 * finish.add("length");
 * Map<String, Long> stored = finish.asMap();          // persist as JSON
 * CategoryCounts back = CategoryCounts.of(stored);
 * }</pre>
 */
public final class CategoryCounts {
  /** Distinct categories kept before new ones are folded into {@link #OTHER}. */
  public static final int MAX_CATEGORIES = 1000;
  /** The category that counts values seen after {@link #MAX_CATEGORIES} others. */
  public static final String OTHER = "__other__";

  private final TreeMap<String, Long> counts = new TreeMap<>();
  private long total;

  public CategoryCounts() {}

  /** Counts read back from {@link #asMap()}; negative counts are refused, zero counts dropped. */
  public static CategoryCounts of(Map<String, Long> counts) {
    CategoryCounts c = new CategoryCounts();
    counts.forEach((category, n) -> {
      Objects.requireNonNull(n, "count of " + category);
      if (n < 0) throw new IllegalArgumentException("count of category " + category + " is negative: " + n);
      c.add(category, n);
    });
    return c;
  }

  public void add(String category) {
    add(category, 1);
  }

  /** Adds {@code count} observations of {@code category}; a null category is counted as "". */
  public void add(String category, long count) {
    if (count <= 0) return;
    String key = category == null ? "" : category;
    if (!counts.containsKey(key) && counts.size() >= MAX_CATEGORIES) key = OTHER;
    counts.merge(key, count, Long::sum);
    total += count;
  }

  public void merge(CategoryCounts other) {
    other.counts.forEach(this::add);
  }

  public long count() {
    return total;
  }

  public boolean isEmpty() {
    return total == 0;
  }

  public long count(String category) {
    return counts.getOrDefault(category, 0L);
  }

  /** The counts by category, sorted by name; read-only. */
  public SortedMap<String, Long> asMap() {
    return Collections.unmodifiableSortedMap(counts);
  }

  public CategoryCounts copy() {
    CategoryCounts c = new CategoryCounts();
    c.merge(this);
    return c;
  }
}
