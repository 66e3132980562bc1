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

  /**
   * What {@link #extract} over the whole text would give, summed per segment without a callback:
   * the weight of every feature added to {@code sums[k]} and counted in {@code counts[k]}, {@code
   * k} the segment its position falls in ({@code ends} are exclusive segment ends). Scoring runs
   * this on every text, so it is the classifier's hot loop.
   */
  static void sumPerSegment(String text, int[] ends, float[] weights, double[] sums, int[] counts) {
    int n = text.length();
    int k = 0;
    int segmentEnd = ends[0];
    double sum = 0;
    int count = 0;
    for (int i = 0; i < n - 2; i++) {
      if (i >= segmentEnd) {
        sums[k] += sum;
        counts[k] += count;
        sum = 0;
        count = 0;
        while (i >= segmentEnd) segmentEnd = ends[++k];
      }
      int h = (FNV ^ text.charAt(i)) * PRIME;
      h = (h ^ text.charAt(i + 1)) * PRIME;
      h = (h ^ text.charAt(i + 2)) * PRIME;
      sum += weights[bucket(h + 2 * 0x9E3779B9)];
      count++;
      if (i + 3 < n) {
        h = (h ^ text.charAt(i + 3)) * PRIME;
        sum += weights[bucket(h + 3 * 0x9E3779B9)];
        count++;
        if (i + 4 < n) {
          h = (h ^ text.charAt(i + 4)) * PRIME;
          sum += weights[bucket(h + 4 * 0x9E3779B9)];
          count++;
        }
      }
    }
    sums[k] += sum;
    counts[k] += count;
    k = 0;
    segmentEnd = ends[0];
    int prevWord = 0;
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (!isWordChar(c)) {
        if (c != ' ') prevWord = 0; // punctuation breaks a bigram
        i++;
        continue;
      }
      while (i >= segmentEnd) segmentEnd = ends[++k];
      int h = FNV;
      while (i < n && isWordChar(text.charAt(i))) {
        h = (h ^ text.charAt(i)) * PRIME;
        i++;
      }
      sums[k] += weights[bucket(h ^ 0x51ED2701)];
      counts[k]++;
      if (prevWord != 0) {
        sums[k] += weights[bucket(prevWord * 31 + h ^ 0x2B7E1516)];
        counts[k]++;
      }
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
