package dev.loupe.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantileSketchTest {
  @Test
  void quantilesOfAUniformDistributionWithinKllError() {
    QuantileSketch s = QuantileSketch.create();
    for (int i = 1; i <= 100_000; i++) s.add(i);
    assertThat(s.count()).isEqualTo(100_000);
    // rank error of k=200 is about 1.3 %: 95,000 ± 1,300
    assertThat(s.quantile(0.95)).isCloseTo(95_000, within(2_000.0));
    assertThat(s.quantile(0.5)).isCloseTo(50_000, within(2_000.0));
    assertThat(s.quantile(1.0)).isEqualTo(100_000);
  }

  @Test
  void mergeEqualsTheSketchOfTheUnion() {
    Random r = new Random(1);
    QuantileSketch a = QuantileSketch.create();
    QuantileSketch b = QuantileSketch.create();
    QuantileSketch all = QuantileSketch.create();
    for (int i = 0; i < 20_000; i++) {
      double v = Math.exp(r.nextGaussian());
      (i % 3 == 0 ? a : b).add(v);
      all.add(v);
    }
    a.merge(b);
    assertThat(a.count()).isEqualTo(20_000);
    // KLL compacts at random, so its guarantee is on rank, not on value: in the long tail of a
    // lognormal 1 % of rank is far more than 5 % of value. Compare the true ranks of both answers.
    double[] sorted = values(new Random(1), 20_000);
    java.util.Arrays.sort(sorted);
    for (double q : new double[] {0.5, 0.9, 0.95, 0.99}) {
      assertThat(rank(sorted, a.quantile(q))).as("merged, q=" + q).isCloseTo(q, within(0.03));
      assertThat(rank(sorted, all.quantile(q))).as("whole, q=" + q).isCloseTo(q, within(0.03));
    }
  }

  private static double[] values(Random r, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = Math.exp(r.nextGaussian());
    return v;
  }

  /** The fraction of {@code sorted} at or below {@code x}. */
  private static double rank(double[] sorted, double x) {
    int i = java.util.Arrays.binarySearch(sorted, x);
    int atOrBelow = i >= 0 ? i + 1 : -i - 1;
    return atOrBelow / (double) sorted.length;
  }

  @Test
  void bytesRoundTripAndEmptyIsNaN() {
    QuantileSketch s = QuantileSketch.create();
    assertThat(s.quantile(0.5)).isNaN();
    assertThat(QuantileSketch.fromBytes(null).isEmpty()).isTrue();
    s.add(Double.NaN);
    assertThat(s.isEmpty()).as("NaN is not a sample").isTrue();
    for (int i = 0; i < 5000; i++) s.add(i % 977);
    QuantileSketch back = QuantileSketch.fromBytes(s.toBytes());
    assertThat(back.count()).isEqualTo(s.count());
    assertThat(back.quantile(0.95)).isEqualTo(s.quantile(0.95));
    QuantileSketch copy = s.copy();
    copy.add(1e9);
    assertThat(s.quantile(1.0)).isLessThan(1e9);
  }
}
