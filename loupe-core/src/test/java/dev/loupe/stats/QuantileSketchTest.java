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
  void mergedSketchKeepsTheRankGuaranteeOfTheUnion() {
    // KLL compacts with random coin flips, so two sketches of the same data differ; what merge
    // must keep is the rank guarantee (k=200: about 1.65 % normalized rank error at 99 %).
    Random r = new Random(1);
    QuantileSketch a = QuantileSketch.create();
    QuantileSketch b = QuantileSketch.create();
    double[] all = new double[20_000];
    for (int i = 0; i < all.length; i++) {
      double v = Math.exp(r.nextGaussian());
      (i % 3 == 0 ? a : b).add(v);
      all[i] = v;
    }
    a.merge(b);
    java.util.Arrays.sort(all);
    assertThat(a.count()).isEqualTo(20_000);
    for (double q : new double[] {0.5, 0.9, 0.95, 0.99}) {
      double estimate = a.quantile(q);
      int below = 0;
      while (below < all.length && all[below] <= estimate) below++;
      assertThat((double) below / all.length).as("rank of the P%s estimate", q * 100).isCloseTo(q, within(0.025));
    }
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
