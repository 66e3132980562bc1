package dev.loupe.dimension;

/**
 * Matches the points of two series taken at the same moment, such as framebuffer used and free of
 * one scrape. Each side keeps its last few points, so a batch ordered series by series (all points
 * of one, then all of the other, as remote_write sends them) still pairs up. Not thread-safe: the
 * owner synchronizes.
 */
public final class SamplePairs {
  private static final int KEPT = 8;

  private final long toleranceMillis;
  private final Side left = new Side();
  private final Side right = new Side();

  /** {@code tolerance}: how far apart two timestamps may be and still be one moment. */
  public SamplePairs(long toleranceMillis) {
    this.toleranceMillis = toleranceMillis;
  }

  /** Keeps a left point; returns the right value of the same moment, or NaN. */
  public double left(long timestampMillis, double value) {
    left.put(timestampMillis, value);
    return right.near(timestampMillis, toleranceMillis);
  }

  /** Keeps a right point; returns the left value of the same moment, or NaN. */
  public double right(long timestampMillis, double value) {
    right.put(timestampMillis, value);
    return left.near(timestampMillis, toleranceMillis);
  }

  private static final class Side {
    private final long[] times = new long[KEPT];
    private final double[] values = new double[KEPT];
    private int size;
    private int next;

    void put(long t, double v) {
      times[next] = t;
      values[next] = v;
      next = (next + 1) % KEPT;
      size = Math.min(size + 1, KEPT);
    }

    double near(long t, long tolerance) {
      double best = Double.NaN;
      long bestDistance = Long.MAX_VALUE;
      for (int i = 0; i < size; i++) {
        long d = Math.abs(times[i] - t);
        if (d <= tolerance && d < bestDistance) {
          bestDistance = d;
          best = values[i];
        }
      }
      return best;
    }
  }
}
