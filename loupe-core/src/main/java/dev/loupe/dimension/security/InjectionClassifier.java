package dev.loupe.dimension.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Logistic regression over hashed character and word n-grams ({@link NgramFeatures}). A window's
 * logit is {@code bias + sum(weights) / sqrt(features)}; a text is split into sentence-sized
 * segments and scored by its most suspicious window of one to three consecutive segments, so an
 * injected sentence inside a long document is not diluted by the rest. Trained by {@link #train}
 * (AdaGrad, L2, fixed seed) from {@link InjectionTrainingData}; immutable once built.
 */
final class InjectionClassifier {
  /** A segment ends at a sentence end or, failing one, at the first space after this many chars. */
  static final int SEGMENT_CHARS = 200;
  static final int MAX_WINDOW_SEGMENTS = 3;
  /** Passes over the training set; the training error stops falling after about this many. */
  static final int EPOCHS = 8;

  private final float[] weights;
  private final float bias;
  /** For explanations: the training n-gram behind each bucket that pushes towards "injection". */
  private final String[] vocabulary;

  /** The best window of a text: its probability and folded span. */
  record Window(double probability, int start, int end) {}

  private InjectionClassifier(float[] weights, float bias, String[] vocabulary) {
    this.weights = weights;
    this.bias = bias;
    this.vocabulary = vocabulary;
  }

  /** Training examples: folded text and label (true = injection). */
  record Example(String text, boolean injection) {}

  static InjectionClassifier train(List<Example> examples, long seed) {
    int n = examples.size();
    int[][] features = new int[n][];
    boolean[] labels = new boolean[n];
    float[] scale = new float[n];
    String[] vocabulary = new String[NgramFeatures.BUCKETS];
    int[] positiveCounts = new int[NgramFeatures.BUCKETS];
    int positives = 0;
    for (int e = 0; e < n; e++) {
      Example ex = examples.get(e);
      labels[e] = ex.injection();
      String text = ex.text();
      IntList list = new IntList(text.length() * 4);
      NgramFeatures.extract(text, 0, text.length(), (bucket, pos) -> list.add(bucket));
      features[e] = list.toArray();
      scale[e] = (float) (1.0 / Math.sqrt(Math.max(1, features[e].length)));
      if (ex.injection()) {
        positives++;
        NgramFeatures.extractStrings(text, 0, text.length(), (bucket, t, s, end, word) -> {
          positiveCounts[bucket]++;
          if (vocabulary[bucket] == null) vocabulary[bucket] = t.substring(s, end);
        });
      }
    }
    // Balanced classes: each side weighs as much in the loss whatever the generator's mix.
    double positiveWeight = n / (2.0 * Math.max(1, positives));
    double negativeWeight = n / (2.0 * Math.max(1, n - positives));
    // Weight and squared-gradient sum side by side: one cache line per update instead of two.
    float[] wg = new float[2 * NgramFeatures.BUCKETS];
    for (int k = 1; k < wg.length; k += 2) wg[k] = 1e-2f;
    double b = 0;
    double bg2 = 1e-2;
    double rate = 0.4;
    double l2 = 1e-5;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    Random random = new Random(seed);
    for (int epoch = 0; epoch < EPOCHS; epoch++) {
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      for (int idx : order) {
        int[] f = features[idx];
        float s = scale[idx];
        double sum = 0;
        for (int bucket : f) sum += wg[2 * bucket];
        double p = sigmoid(b + sum * s);
        boolean y = labels[idx];
        double g = (p - (y ? 1 : 0)) * (y ? positiveWeight : negativeWeight);
        for (int bucket : f) {
          int k = 2 * bucket;
          float grad = (float) (g * s + l2 * wg[k]);
          float acc = wg[k + 1] + grad * grad;
          wg[k + 1] = acc;
          wg[k] -= (float) (rate * grad / Math.sqrt(acc));
        }
        bg2 += g * g;
        b -= rate * g / Math.sqrt(bg2);
      }
    }
    float[] w = new float[NgramFeatures.BUCKETS];
    for (int k = 0; k < w.length; k++) w[k] = wg[2 * k];
    for (int bucket = 0; bucket < vocabulary.length; bucket++) {
      if (vocabulary[bucket] != null && (w[bucket] <= 0.05f || positiveCounts[bucket] < 3)) vocabulary[bucket] = null;
    }
    return new InjectionClassifier(w, (float) b, vocabulary);
  }

  /** The most suspicious window of {@code text} (folded). */
  Window score(String text) {
    int n = text.length();
    if (n == 0) return new Window(sigmoid(bias), 0, 0);
    // Segment boundaries first, then one pass of features summed per segment.
    int[] ends = segmentEnds(text);
    int segments = ends.length;
    double[] sums = new double[segments];
    int[] counts = new int[segments];
    NgramFeatures.sumPerSegment(text, ends, weights, sums, counts);
    double best = Double.NEGATIVE_INFINITY;
    int bestStart = 0;
    int bestEnd = n;
    for (int s = 0; s < segments; s++) {
      double sum = 0;
      int count = 0;
      for (int len = 1; len <= MAX_WINDOW_SEGMENTS && s + len <= segments; len++) {
        sum += sums[s + len - 1];
        count += counts[s + len - 1];
        if (count == 0) continue;
        double z = bias + sum / Math.sqrt(count);
        if (z > best) {
          best = z;
          bestStart = s == 0 ? 0 : ends[s - 1];
          bestEnd = ends[s + len - 1];
        }
      }
    }
    if (best == Double.NEGATIVE_INFINITY) best = bias;
    return new Window(sigmoid(best), bestStart, bestEnd);
  }

  /** Exclusive segment ends: after sentence punctuation or a line break, or at a space past the cap. */
  static int[] segmentEnds(String text) {
    int n = text.length();
    IntList ends = new IntList(8);
    int segStart = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      boolean end = c == '\n' || c == '。' || c == '！' || c == '？'
          || (c == '.' || c == '!' || c == '?') && (i + 1 >= n || text.charAt(i + 1) == ' ' || text.charAt(i + 1) == '\n')
          || i - segStart >= SEGMENT_CHARS && c == ' '
          || i - segStart >= SEGMENT_CHARS + 60;
      if (end && i + 1 - segStart >= 2) {
        ends.add(i + 1);
        segStart = i + 1;
      }
    }
    if (segStart < n || ends.size() == 0) ends.add(n);
    return ends.toArray();
  }

  /** The n-grams of {@code [start, end)} that pushed most towards "injection" and that training knows. */
  List<String> topNgrams(String text, int start, int end, int limit) {
    List<Object[]> found = new ArrayList<>();
    NgramFeatures.extractStrings(text, start, end, (bucket, t, s, e, word) -> {
      String known = vocabulary[bucket];
      // Words and word pairs read best; character n-grams only for scripts without spaces.
      boolean readable = word || known != null && known.length() >= 2 && known.charAt(0) > 0x2E80;
      if (readable && known != null && t.regionMatches(s, known, 0, known.length()) && known.length() == e - s) {
        found.add(new Object[] {known, weights[bucket] * (word ? 1.5f : 1f)});
      }
    });
    found.sort(Comparator.comparing((Object[] o) -> -(Float) o[1]));
    List<String> top = new ArrayList<>(limit);
    for (Object[] o : found) {
      String g = ((String) o[0]).strip();
      if (g.isEmpty()) continue;
      boolean covered = false;
      for (String t : top) {
        if (t.contains(g) || g.contains(t)) {
          covered = true;
          break;
        }
      }
      if (!covered) top.add(g);
      if (top.size() == limit) break;
    }
    return top;
  }

  static double sigmoid(double z) {
    return 1.0 / (1.0 + Math.exp(-z));
  }

  /** A growable int array, to collect features without boxing. */
  static final class IntList {
    private int[] data;
    private int size;

    IntList(int capacity) {
      data = new int[Math.max(4, capacity)];
    }

    void add(int v) {
      if (size == data.length) data = Arrays.copyOf(data, size * 2);
      data[size++] = v;
    }

    int size() {
      return size;
    }

    int[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }
}
