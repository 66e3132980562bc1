package dev.loupe.dimension.security;

/**
 * The classifier's features, hashed: character 3-, 4- and 5-grams at every position of the folded
 * text, and word unigrams and bigrams (a word is a run of letters or digits). Every feature goes to
 * one of {@link #BUCKETS} buckets; 2^16 floats (256 KB) stay in a core's L2 cache, which matters
 * more for speed than the few collisions cost in accuracy. Training and scoring both read features
 * through {@link #extract}, so they can never disagree on what a feature is.
 */
final class NgramFeatures {
  static final int BITS = 16;
  static final int BUCKETS = 1 << BITS;
  private static final int FNV = 0x811C9DC5;
  private static final int PRIME = 0x01000193;

  /** Receives each feature: its bucket and the text position it starts at. */
  interface Sink {
    void feature(int bucket, int position);
  }

  private NgramFeatures() {}

  static void extract(String text, int from, int to, Sink sink) {
    for (int i = from; i < to - 2; i++) {
      int h = FNV;
      int limit = Math.min(5, to - i);
      for (int k = 0; k < limit; k++) {
        h = (h ^ text.charAt(i + k)) * PRIME;
        if (k >= 2) sink.feature(bucket(h + k * 0x9E3779B9), i);
      }
    }
    int prevWord = 0;
    int i = from;
    while (i < to) {
      char c = text.charAt(i);
      if (!isWordChar(c)) {
        if (c != ' ') prevWord = 0; // punctuation breaks a bigram
        i++;
        continue;
      }
      int start = i;
      int h = FNV;
      while (i < to && isWordChar(text.charAt(i))) {
        h = (h ^ text.charAt(i)) * PRIME;
        i++;
      }
      sink.feature(bucket(h ^ 0x51ED2701), start);
      if (prevWord != 0) sink.feature(bucket(prevWord * 31 + h ^ 0x2B7E1516), start);
      prevWord = h == 0 ? 1 : h;
    }
  }

  /** The strings behind the features of {@code [from, to)}, in the order {@link #extract} emits them. */
  static void extractStrings(String text, int from, int to, StringSink sink) {
    for (int i = from; i < to - 2; i++) {
      int h = FNV;
      int limit = Math.min(5, to - i);
      for (int k = 0; k < limit; k++) {
        h = (h ^ text.charAt(i + k)) * PRIME;
        if (k >= 2) sink.feature(bucket(h + k * 0x9E3779B9), text, i, i + k + 1, false);
      }
    }
    int prevWord = 0;
    int prevStart = -1;
    int i = from;
    while (i < to) {
      char c = text.charAt(i);
      if (!isWordChar(c)) {
        if (c != ' ') prevWord = 0;
        i++;
        continue;
      }
      int start = i;
      int h = FNV;
      while (i < to && isWordChar(text.charAt(i))) {
        h = (h ^ text.charAt(i)) * PRIME;
        i++;
      }
      sink.feature(bucket(h ^ 0x51ED2701), text, start, i, true);
      if (prevWord != 0) sink.feature(bucket(prevWord * 31 + h ^ 0x2B7E1516), text, prevStart, i, true);
      prevWord = h == 0 ? 1 : h;
      prevStart = start;
    }
  }

  /** Receives each feature with the text it was read from. */
  interface StringSink {
    void feature(int bucket, String text, int start, int end, boolean word);
  }

  private static int bucket(int h) {
    h *= 0x9E3779B1;
    h ^= h >>> 15;
    h *= 0x85EBCA77;
    return h >>> (32 - BITS);
  }

  static boolean isWordChar(char c) {
    return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c > 0x7f && Character.isLetterOrDigit(c);
  }
}
