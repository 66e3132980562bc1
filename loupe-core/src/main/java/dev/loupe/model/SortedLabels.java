package dev.loupe.model;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable label set sorted by name, held in two arrays: a sample's labels. Cheaper than a
 * {@code TreeMap} to build, to hash (the hash is computed once) and to keep, which matters at one
 * per scraped series; behaves as any {@code Map} for readers.
 */
public final class SortedLabels extends AbstractMap<String, String> {
  public static final SortedLabels EMPTY = new SortedLabels(new String[0], new String[0]);

  private final String[] names;
  private final String[] values;
  private int hash;
  private Set<Entry<String, String>> entries;

  private SortedLabels(String[] names, String[] values) {
    this.names = names;
    this.values = values;
  }

  /** The labels of {@code map} (nulls rejected), or {@code map} itself when it already is one. */
  public static SortedLabels copyOf(Map<String, String> map) {
    if (map instanceof SortedLabels s) return s;
    if (map == null || map.isEmpty()) return EMPTY;
    String[] n = new String[map.size()];
    int i = 0;
    for (String k : map.keySet()) n[i++] = java.util.Objects.requireNonNull(k, "label name");
    Arrays.sort(n);
    String[] v = new String[n.length];
    for (i = 0; i < n.length; i++) {
      if (i > 0 && n[i].equals(n[i - 1])) throw new IllegalArgumentException("label " + n[i] + " twice");
      v[i] = map.get(n[i]);
      if (v[i] == null) throw new NullPointerException("value of label " + n[i]);
    }
    return new SortedLabels(n, v);
  }

  @Override
  public int size() {
    return names.length;
  }

  @Override
  public String get(Object key) {
    if (!(key instanceof String k)) return null;
    int i = Arrays.binarySearch(names, k);
    return i >= 0 ? values[i] : null;
  }

  @Override
  public boolean containsKey(Object key) {
    return key instanceof String k && Arrays.binarySearch(names, k) >= 0;
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    Set<Entry<String, String>> e = entries;
    if (e == null) {
      entries = e = new AbstractSet<>() {
        @Override
        public Iterator<Entry<String, String>> iterator() {
          return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
              return i < names.length;
            }

            @Override
            public Entry<String, String> next() {
              if (i >= names.length) throw new NoSuchElementException();
              Entry<String, String> entry = new SimpleImmutableEntry<>(names[i], values[i]);
              i++;
              return entry;
            }
          };
        }

        @Override
        public int size() {
          return names.length;
        }
      };
    }
    return e;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) return true;
    if (o instanceof SortedLabels s) {
      return hashCode() == s.hashCode() && Arrays.equals(names, s.names) && Arrays.equals(values, s.values);
    }
    return super.equals(o);
  }

  /** The {@code Map} hash (sum of entry hashes), computed once. */
  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0 && names.length > 0) {
      for (int i = 0; i < names.length; i++) h += names[i].hashCode() ^ values[i].hashCode();
      hash = h;
    }
    return h;
  }
}
