package dev.loupe.ingest.prometheus.exposition;

import java.util.Arrays;

/** A set of longs without boxing: open addressing, linear probing, 0 marks a free slot. */
final class LongSet {
  private static final int INITIAL = 64;
  /** Stands in for the key 0, which marks free slots. */
  private static final long ZERO_KEY = 0x5bd1e9955bd1e995L;

  private long[] keys = new long[INITIAL];
  private int size;

  /** Adds the key; false when it was already there. */
  boolean add(long key) {
    if (key == 0) key = ZERO_KEY;
    long[] k = keys;
    int mask = k.length - 1;
    int i = (int) (key ^ (key >>> 32)) & mask;
    long existing;
    while ((existing = k[i]) != 0) {
      if (existing == key) return false;
      i = (i + 1) & mask;
    }
    k[i] = key;
    if (++size > k.length >> 1) grow();
    return true;
  }

  void clear() {
    if (size == 0) return;
    // A large table left by one big family would make every later clear slow: start small again.
    if (keys.length > 1024) {
      keys = new long[INITIAL];
    } else {
      Arrays.fill(keys, 0);
    }
    size = 0;
  }

  private void grow() {
    long[] old = keys;
    keys = new long[old.length * 2];
    size = 0;
    for (long key : old) {
      if (key != 0) add(key);
    }
  }
}
