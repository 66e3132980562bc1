package dev.loupe.ingest.prometheus.scrape;

import dev.loupe.model.SortedLabels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The series one target exposes, found by the bytes of their series text ({@code name{labels}}
 * as the target wrote it), so a series seen before is recognised by a byte comparison, without
 * decoding its labels or allocating. Each entry holds what the series became after target labels
 * and relabeling, and the scrape it was last seen in, which is how vanished series are found.
 */
final class ScrapeSeriesTable {
  /** One exposed series and what it resolved to; {@code name} is null when relabeling dropped it. */
  static final class Entry {
    final byte[] key;
    final int hash;
    final String name;
    final SortedLabels labels;
    long seenIn;
    long firstSeenIn;
    Entry next;

    Entry(byte[] key, int hash, String name, SortedLabels labels) {
      this.key = key;
      this.hash = hash;
      this.name = name;
      this.labels = labels;
    }

    boolean dropped() {
      return name == null;
    }
  }

  private Entry[] buckets = new Entry[64];
  private int size;
  private long scrape;
  private int added;

  static int hash(byte[] b, int from, int to) {
    int h = 1;
    for (int i = from; i < to; i++) h = 31 * h + b[i];
    return h ^ (h >>> 16);
  }

  /** Starts a scrape (or a target's removal); entries found from now on are marked with it. */
  void beginScrape() {
    scrape++;
    added = 0;
  }

  /** The entry of this exposed series, marked seen in the current scrape; null when new. */
  Entry find(byte[] b, int from, int to, int hash) {
    for (Entry e = buckets[hash & (buckets.length - 1)]; e != null; e = e.next) {
      if (e.hash == hash && Arrays.equals(e.key, 0, e.key.length, b, from, to)) {
        e.seenIn = scrape;
        return e;
      }
    }
    return null;
  }

  /** Adds a series first seen now; {@code key} is owned by the table from here on. */
  Entry add(byte[] key, int hash, String name, SortedLabels labels) {
    Entry e = new Entry(key, hash, name, labels);
    e.seenIn = scrape;
    e.firstSeenIn = scrape;
    int i = hash & (buckets.length - 1);
    e.next = buckets[i];
    buckets[i] = e;
    added++;
    if (++size > buckets.length * 3 / 4) grow();
    return e;
  }

  /** Series first seen in the current scrape. */
  int added() {
    return added;
  }

  /** Removes and returns the kept (not dropped) series not seen in the current scrape. */
  List<Entry> removeUnseen() {
    return remove(false);
  }

  /**
   * Removes every series and returns the kept ones that had been stored: the target failed or
   * went away. Series first met in a scrape that failed part-way were never stored.
   */
  List<Entry> removeAll() {
    List<Entry> gone = remove(true);
    gone.removeIf(e -> e.firstSeenIn == scrape);
    return gone;
  }

  private List<Entry> remove(boolean all) {
    List<Entry> gone = new ArrayList<>();
    for (int i = 0; i < buckets.length; i++) {
      Entry prev = null;
      for (Entry e = buckets[i]; e != null; e = e.next) {
        if (all || e.seenIn != scrape) {
          if (prev == null) buckets[i] = e.next;
          else prev.next = e.next;
          size--;
          if (!e.dropped()) gone.add(e);
        } else {
          prev = e;
        }
      }
    }
    return gone;
  }

  private void grow() {
    Entry[] old = buckets;
    buckets = new Entry[old.length * 2];
    for (Entry head : old) {
      for (Entry e = head; e != null; ) {
        Entry next = e.next;
        int i = e.hash & (buckets.length - 1);
        e.next = buckets[i];
        buckets[i] = e;
        e = next;
      }
    }
  }
}
