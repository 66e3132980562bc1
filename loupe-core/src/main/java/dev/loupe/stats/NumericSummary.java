package dev.loupe.stats;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the drift tests need of one numeric feature over a window, mergeable and a few kilobytes
 * whatever the window holds: a KLL {@link QuantileSketch} (the distribution), the exact count,
 * mean and variance (to normalise the Wasserstein distance as Evidently does), and the exact
 * count of each value while there are at most {@link #MAX_EXACT_VALUES} distinct ones — a 1–5
 * rating or a 0/1 flag keeps exact counts, so its chi-square and PSI are exact and "more than 5
 * distinct values" is known, not guessed. NaN and infinite values are ignored. Not thread-safe.
 *
 * <pre>{@code
 * NumericSummary latency = NumericSummary.create();
 * latency.add(812.0);
 * latency.merge(otherMinute);
 * byte[] stored = latency.toBytes();
 * NumericSummary back = NumericSummary.fromBytes(stored);
 * }</pre>
 */
public final class NumericSummary {
  /**
   * KLL accuracy of {@link #create()}: rank error ~0.28 %, ~25 KB at a million values. At the
   * default k=200 of the hot windows the sketch's own noise moves the normalised Wasserstein
   * distance of two identical log-normal latency windows by up to 0.06, too close to the 0.1 line;
   * at k=1000 it stays under 0.01 (see RATIONALE.md).
   */
  public static final int DRIFT_K = 1000;

  /** Distinct values counted exactly; past this only the sketch describes the distribution. */
  public static final int MAX_EXACT_VALUES = 20;

  private static final byte FORMAT = 1;

  private final QuantileSketch sketch;
  private long count;
  private double mean;
  /** Sum of squared deviations from the mean (Welford), so merges keep full precision. */
  private double m2;
  /** Exact counts per value; null once more than {@link #MAX_EXACT_VALUES} values were seen. */
  private TreeMap<Double, Long> values = new TreeMap<>();

  private NumericSummary(QuantileSketch sketch) {
    this.sketch = sketch;
  }

  /** A summary over a KLL sketch of accuracy {@link #DRIFT_K}. */
  public static NumericSummary create() {
    return new NumericSummary(QuantileSketch.create(DRIFT_K));
  }

  /** A summary over a KLL sketch of accuracy {@code k}; see {@link QuantileSketch#create(int)}. */
  public static NumericSummary create(int k) {
    return new NumericSummary(QuantileSketch.create(k));
  }

  public void add(double value) {
    if (!Double.isFinite(value)) return;
    sketch.add(value);
    count++;
    double d = value - mean;
    mean += d / count;
    m2 += d * (value - mean);
    if (values != null) {
      values.merge(value, 1L, Long::sum);
      if (values.size() > MAX_EXACT_VALUES) values = null;
    }
  }

  public void merge(NumericSummary other) {
    if (other.count == 0) return;
    sketch.merge(other.sketch);
    long n = count + other.count;
    double d = other.mean - mean;
    // Chan et al.'s pairwise update: exact for any split of the data
    m2 = m2 + other.m2 + d * d * ((double) count * other.count / n);
    mean = mean + d * other.count / n;
    count = n;
    if (values != null && other.values != null) {
      other.values.forEach((v, c) -> values.merge(v, c, Long::sum));
      if (values.size() > MAX_EXACT_VALUES) values = null;
    } else {
      values = null;
    }
  }

  public long count() {
    return count;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  /** NaN when empty. */
  public double mean() {
    return count == 0 ? Double.NaN : mean;
  }

  /** Population standard deviation (numpy's default, ddof = 0), as Evidently normalises by; NaN when empty. */
  public double standardDeviation() {
    return count == 0 ? Double.NaN : Math.sqrt(Math.max(0, m2 / count));
  }

  /** The number of distinct values, or {@code MAX_EXACT_VALUES + 1} when there are more. */
  public int distinctValues() {
    return values == null ? MAX_EXACT_VALUES + 1 : values.size();
  }

  /** The value at normalized rank {@code q}; see {@link QuantileSketch#quantile(double)}. */
  public double quantile(double q) {
    return sketch.quantile(q);
  }

  QuantileSketch sketch() {
    return sketch;
  }

  /** Exact counts per value in ascending order, or null when there are too many values. */
  Map<Double, Long> exactValues() {
    return values;
  }

  public NumericSummary copy() {
    return fromBytes(toBytes());
  }

  public byte[] toBytes() {
    byte[] kll = sketch.toBytes();
    int pairs = values == null ? 0 : values.size();
    ByteBuffer b = ByteBuffer.allocate(1 + 8 + 8 + 8 + 4 + pairs * 16 + 4 + kll.length);
    b.put(FORMAT).putLong(count).putDouble(mean).putDouble(m2);
    b.putInt(values == null ? -1 : pairs);
    if (values != null) values.forEach((v, c) -> b.putDouble(v).putLong(c));
    b.putInt(kll.length).put(kll);
    return b.array();
  }

  /** Reads what {@link #toBytes()} wrote; an empty or null array gives an empty summary. */
  public static NumericSummary fromBytes(byte[] bytes) {
    if (bytes == null || bytes.length == 0) return create();
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      byte format = b.get();
      if (format != FORMAT) throw new IllegalArgumentException("unknown numeric summary format " + format);
      long count = b.getLong();
      double mean = b.getDouble();
      double m2 = b.getDouble();
      int pairs = b.getInt();
      TreeMap<Double, Long> values = null;
      if (pairs >= 0) {
        values = new TreeMap<>();
        for (int i = 0; i < pairs; i++) values.put(b.getDouble(), b.getLong());
      }
      byte[] kll = new byte[b.getInt()];
      b.get(kll);
      NumericSummary s = new NumericSummary(QuantileSketch.fromBytes(kll));
      if (s.sketch.count() != count) {
        throw new IllegalArgumentException("numeric summary counts " + count + " values but its sketch " + s.sketch.count());
      }
      s.count = count;
      s.mean = mean;
      s.m2 = m2;
      s.values = values;
      return s;
    } catch (BufferUnderflowException | NegativeArraySizeException e) {
      throw new IllegalArgumentException("numeric summary bytes are truncated (" + bytes.length + " bytes)", e);
    }
  }

  @Override
  public String toString() {
    return "NumericSummary{n=" + count + ", mean=" + mean() + ", sd=" + standardDeviation()
        + ", distinct=" + (values == null ? ">" + MAX_EXACT_VALUES : values.size())
        + ", p50=" + quantile(0.5) + "}";
  }
}
