package dev.loupe.store.duckdb;

import java.util.Arrays;

/** A set of longs in one open-addressed array: 8 to 16 bytes an entry instead of a boxed set's ~50. */
final class LongSet {
  /** Stands for the value 0, which marks an empty slot. */
  private static final long ZERO = 0x9E3779B97F4A7C15L;

  private long[] slots = new long[16];
  private int size;

  int size() {
    return size;
  }

  boolean contains(long v) {
    long k = v == 0 ? ZERO : v;
    int mask = slots.length - 1;
    for (int i = spread(k) & mask; ; i = (i + 1) & mask) {
      if (slots[i] == 0) return false;
      if (slots[i] == k) return true;
    }
  }

  /** True when {@code v} was not in the set. */
  boolean add(long v) {
    if (size * 2 >= slots.length) grow();
    long k = v == 0 ? ZERO : v;
    return insert(slots, k);
  }

  void addAll(LongSet other) {
    for (long k : other.slots) {
      if (k == 0) continue;
      if (size * 2 >= slots.length) grow();
      insert(slots, k);
    }
  }

  private boolean insert(long[] into, long k) {
    int mask = into.length - 1;
    for (int i = spread(k) & mask; ; i = (i + 1) & mask) {
      if (into[i] == k) return false;
      if (into[i] == 0) {
        into[i] = k;
        if (into == slots) size++;
        return true;
      }
    }
  }

  private void grow() {
    long[] old = slots;
    slots = new long[old.length * 2];
    int n = size;
    for (long k : old) if (k != 0) insert(slots, k);
    size = n;
  }

  private static int spread(long k) {
    long h = k * 0xC2B2AE3D27D4EB4FL;
    return (int) (h ^ (h >>> 32));
  }

  @Override
  public String toString() {
    return "LongSet" + Arrays.toString(Arrays.stream(slots).filter(k -> k != 0).toArray());
  }
}
