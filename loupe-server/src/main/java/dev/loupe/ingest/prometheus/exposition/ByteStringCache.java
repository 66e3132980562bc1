package dev.loupe.ingest.prometheus.exposition;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Interns byte ranges as strings. A scrape repeats the same metric names, label names and most
 * label values on every line and on every scrape, so a lookup keyed on the raw bytes replaces a
 * UTF-8 decode and an allocation. The table is bounded: when it is half full it is emptied, which
 * keeps a high-cardinality target from growing it without limit.
 */
final class ByteStringCache {
  /** One interned string, with slots the parsers use to memoise what they derived from it. */
  static final class Entry {
    final byte[] bytes;
    final int hash;
    final String string;
    /** A 64-bit hash of the bytes, for grouping keys where a 32-bit collision would matter. */
    final long hash64;

    /** Which parse or family the memo below belongs to; a mismatch means "not computed yet". */
    int memoKey = Integer.MIN_VALUE;
    String memoFamily;
    MetricType memoType;
    int memoSuffix;

    Entry(byte[] bytes, int hash, String string) {
      this.bytes = bytes;
      this.hash = hash;
      this.string = string;
      this.hash64 = hash64(bytes, 0, bytes.length);
    }
  }

  private final int maxLength;
  private Entry[] table;
  private int size;

  /**
   * @param capacity table slots, a power of two
   * @param maxLength longer byte ranges are decoded every time and never stored
   */
  ByteStringCache(int capacity, int maxLength) {
    if (Integer.bitCount(capacity) != 1) throw new IllegalArgumentException("capacity must be a power of two");
    this.table = new Entry[capacity];
    this.maxLength = maxLength;
  }

  /**
   * The entry for {@code bytes[start, end)}, whose {@link #step}-hash is {@code hash}; {@code null}
   * when the bytes are not valid UTF-8. {@code ascii} says no byte has its high bit set.
   */
  Entry intern(byte[] bytes, int start, int end, int hash, boolean ascii) {
    int length = end - start;
    if (length > maxLength) return create(bytes, start, end, hash, ascii);
    Entry[] t = table;
    int mask = t.length - 1;
    int i = spread(hash) & mask;
    Entry e;
    while ((e = t[i]) != null) {
      if (e.hash == hash && e.bytes.length == length && Arrays.equals(e.bytes, 0, length, bytes, start, end)) {
        return e;
      }
      i = (i + 1) & mask;
    }
    Entry created = create(bytes, start, end, hash, ascii);
    if (created == null) return null;
    if (size >= t.length >> 1) {
      Arrays.fill(t, null);
      size = 0;
      i = spread(hash) & mask;
    }
    t[i] = created;
    size++;
    return created;
  }

  /** The running hash the scanners compute byte by byte: {@code h = step(h, b)}. */
  static int step(int hash, byte b) {
    return 31 * hash + b;
  }

  /** The hash of a whole range, as {@link #step} would compute it. */
  static int hash(byte[] bytes, int start, int end) {
    int h = 0;
    for (int i = start; i < end; i++) h = 31 * h + bytes[i];
    return h;
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }

  private static Entry create(byte[] bytes, int start, int end, int hash, boolean ascii) {
    String s;
    if (ascii) {
      s = new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
    } else {
      if (!Utf8.isValid(bytes, start, end)) return null;
      s = new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }
    return new Entry(Arrays.copyOfRange(bytes, start, end), hash, s);
  }

  /** FNV-1a over the bytes, then a final avalanche so that sums of these hashes stay well spread. */
  static long hash64(byte[] bytes, int start, int end) {
    long h = 0xcbf29ce484222325L;
    for (int i = start; i < end; i++) {
      h ^= bytes[i] & 0xff;
      h *= 0x100000001b3L;
    }
    return mix64(h);
  }

  static long mix64(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
