package dev.loupe.dimension.security;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Finds every occurrence of many keywords in one pass over a text (Aho–Corasick, compiled to a
 * table: one array read per character). Characters that occur in no keyword share one column.
 * Keywords written in ASCII get a table of their own, a few hundred kilobytes that stay in cache;
 * keywords with other characters (Cyrillic, CJK…) are looked for in a second pass, only in a text
 * that has such characters. Immutable, thread-safe.
 */
final class KeywordAutomaton {
  /** Receives each occurrence: the keyword's index and where it starts. */
  interface Sink {
    void found(int keyword, int start);
  }

  private final Table ascii;
  private final Table other;

  KeywordAutomaton(List<String> keywords) {
    List<String> plain = new ArrayList<>();
    List<Integer> plainIds = new ArrayList<>();
    List<String> rest = new ArrayList<>();
    List<Integer> restIds = new ArrayList<>();
    for (int k = 0; k < keywords.size(); k++) {
      String w = keywords.get(k);
      if (w.isEmpty()) throw new IllegalArgumentException("keyword " + k + " is empty");
      boolean isAscii = w.chars().allMatch(c -> c < 0x80);
      (isAscii ? plain : rest).add(w);
      (isAscii ? plainIds : restIds).add(k);
    }
    ascii = new Table(plain, plainIds);
    other = rest.isEmpty() ? null : new Table(rest, restIds);
  }

  int states() {
    return ascii.states() + (other == null ? 0 : other.states());
  }

  void scan(String text, Sink sink) {
    boolean nonAscii = ascii.scan(text, sink);
    if (nonAscii && other != null) other.scan(text, sink);
  }

  private static final class Table {
    private final int[] ids;
    private final int[] lengths;
    private final byte[] asciiColumn = new byte[128];
    /** Non-ASCII characters that occur in keywords, sorted; their columns follow the ASCII ones. */
    private final char[] otherChars;
    private final int firstOtherColumn;
    private final int columns;
    private final char[] next;
    /** Keywords ending at each state: {@code outputs[outputStart[s] .. outputStart[s + 1])}. */
    private final int[] outputStart;
    private final int[] outputs;

    Table(List<String> keywords, List<Integer> keywordIds) {
      ids = keywordIds.stream().mapToInt(Integer::intValue).toArray();
      lengths = keywords.stream().mapToInt(String::length).toArray();
      TreeSet<Character> asciiChars = new TreeSet<>();
      TreeSet<Character> others = new TreeSet<>();
      for (String w : keywords) {
        for (char c : w.toCharArray()) (c < 0x80 ? asciiChars : others).add(c);
      }
      int column = 1; // column 0: every character no keyword has
      for (char c : asciiChars) asciiColumn[c] = (byte) column++;
      firstOtherColumn = column;
      otherChars = new char[others.size()];
      int o = 0;
      for (char c : others) otherChars[o++] = c;
      columns = column + otherChars.length;

      // The trie, with -1 for "no edge"; then failure links turn it into a complete table.
      List<int[]> edges = new ArrayList<>();
      List<List<Integer>> ends = new ArrayList<>();
      edges.add(newRow());
      ends.add(new ArrayList<>(1));
      for (int k = 0; k < keywords.size(); k++) {
        int s = 0;
        for (char c : keywords.get(k).toCharArray()) {
          int col = column(c);
          if (edges.get(s)[col] < 0) {
            edges.get(s)[col] = edges.size();
            edges.add(newRow());
            ends.add(new ArrayList<>(1));
          }
          s = edges.get(s)[col];
        }
        ends.get(s).add(k);
      }
      int states = edges.size();
      if (states >= Character.MAX_VALUE) throw new IllegalArgumentException("too many keyword states: " + states);
      int[] fail = new int[states];
      ArrayDeque<Integer> queue = new ArrayDeque<>();
      int[] root = edges.get(0);
      for (int col = 0; col < columns; col++) {
        if (root[col] < 0) {
          root[col] = 0;
        } else {
          queue.add(root[col]);
        }
      }
      while (!queue.isEmpty()) {
        int s = queue.poll();
        ends.get(s).addAll(ends.get(fail[s]));
        int[] row = edges.get(s);
        for (int col = 0; col < columns; col++) {
          int t = row[col];
          if (t < 0) {
            row[col] = edges.get(fail[s])[col];
          } else {
            fail[t] = s == 0 ? 0 : edges.get(fail[s])[col];
            queue.add(t);
          }
        }
      }
      next = new char[states * columns];
      outputStart = new int[states + 1];
      int total = 0;
      for (int s = 0; s < states; s++) total += ends.get(s).size();
      outputs = new int[total];
      int at = 0;
      for (int s = 0; s < states; s++) {
        int[] row = edges.get(s);
        for (int col = 0; col < columns; col++) next[s * columns + col] = (char) row[col];
        outputStart[s] = at;
        for (int k : ends.get(s)) outputs[at++] = k;
      }
      outputStart[states] = at;
    }

    private int[] newRow() {
      int[] row = new int[columns];
      Arrays.fill(row, -1);
      return row;
    }

    private int column(char c) {
      if (c < 0x80) return asciiColumn[c];
      int k = Arrays.binarySearch(otherChars, c);
      return k < 0 ? 0 : firstOtherColumn + k;
    }

    int states() {
      return outputStart.length - 1;
    }

    /** Reports every occurrence; returns whether the text has a character beyond ASCII. */
    boolean scan(String text, Sink sink) {
      int s = 0;
      int n = text.length();
      boolean nonAscii = false;
      for (int i = 0; i < n; i++) {
        char c = text.charAt(i);
        int col;
        if (c < 0x80) {
          col = asciiColumn[c];
        } else {
          nonAscii = true;
          col = otherChars.length == 0 ? 0 : column(c);
        }
        s = next[s * columns + col];
        int from = outputStart[s];
        int to = outputStart[s + 1];
        for (int k = from; k < to; k++) {
          int keyword = outputs[k];
          sink.found(ids[keyword], i + 1 - lengths[keyword]);
        }
      }
      return nonAscii;
    }
  }
}
