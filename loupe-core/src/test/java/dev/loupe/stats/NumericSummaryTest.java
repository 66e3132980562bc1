package dev.loupe.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NumericSummaryTest {
  @Test
  void mergedMomentsEqualThoseOfAllValues() {
    Random r = new Random(4);
    NumericSummary all = NumericSummary.create();
    NumericSummary[] parts = {NumericSummary.create(), NumericSummary.create(), NumericSummary.create()};
    for (int i = 0; i < 30_000; i++) {
      double v = 1e6 + r.nextGaussian() * 3; // a large offset tests the Welford/Chan arithmetic
      all.add(v);
      parts[i % 3 == 0 ? 0 : (i % 7 == 0 ? 1 : 2)].add(v);
    }
    NumericSummary merged = NumericSummary.create();
    for (NumericSummary p : parts) merged.merge(p);
    assertThat(merged.count()).isEqualTo(30_000);
    assertThat(merged.mean()).isCloseTo(all.mean(), within(1e-6));
    assertThat(merged.standardDeviation()).isCloseTo(all.standardDeviation(), within(1e-6));
    assertThat(merged.standardDeviation()).isCloseTo(3, within(0.1));
  }

  @Test
  void populationStandardDeviationAsNumpy() {
    NumericSummary s = NumericSummary.create();
    for (double v : new double[] {0, 1, 3}) s.add(v);
    assertThat(s.standardDeviation()).isCloseTo(Math.sqrt(42.0 / 27), within(1e-12)); // np.std([0,1,3])
    assertThat(NumericSummary.create().mean()).isNaN();
  }

  @Test
  void exactValuesUntilTwentyDistinct() {
    NumericSummary s = NumericSummary.create();
    for (int i = 0; i < 1000; i++) s.add(1 + i % 5);
    assertThat(s.distinctValues()).isEqualTo(5);
    assertThat(s.exactValues()).isEqualTo(Map.of(1.0, 200L, 2.0, 200L, 3.0, 200L, 4.0, 200L, 5.0, 200L));
    for (int i = 0; i < 15; i++) s.add(100 + i);
    assertThat(s.distinctValues()).isEqualTo(20);
    s.add(1000);
    assertThat(s.distinctValues()).isEqualTo(NumericSummary.MAX_EXACT_VALUES + 1);
    assertThat(s.exactValues()).isNull();
    NumericSummary few = NumericSummary.create();
    few.add(1);
    few.merge(s);
    assertThat(few.exactValues()).isNull();
  }

  @Test
  void ignoresNaNAndInfinity() {
    NumericSummary s = NumericSummary.create();
    s.add(Double.NaN);
    s.add(Double.POSITIVE_INFINITY);
    s.add(2);
    assertThat(s.count()).isEqualTo(1);
    assertThat(s.mean()).isEqualTo(2);
  }

  @Test
  void bytesRoundTripKeepsEverything() {
    Random r = new Random(9);
    NumericSummary s = NumericSummary.create();
    for (int i = 0; i < 100_000; i++) s.add(r.nextGaussian());
    NumericSummary back = NumericSummary.fromBytes(s.toBytes());
    assertThat(back.count()).isEqualTo(s.count());
    assertThat(back.mean()).isEqualTo(s.mean());
    assertThat(back.standardDeviation()).isEqualTo(s.standardDeviation());
    assertThat(back.quantile(0.9)).isEqualTo(s.quantile(0.9));
    assertThat(s.toBytes().length).as("a window of 100k values costs kilobytes").isLessThan(32_000);
    NumericSummary small = NumericSummary.create();
    small.add(3);
    small.add(3);
    small.add(4);
    assertThat(NumericSummary.fromBytes(small.toBytes()).exactValues()).isEqualTo(Map.of(3.0, 2L, 4.0, 1L));
    assertThat(NumericSummary.fromBytes(null).isEmpty()).isTrue();
    byte[] cut = Arrays.copyOf(s.toBytes(), 20);
    assertThatThrownBy(() -> NumericSummary.fromBytes(cut)).hasMessageContaining("truncated");
  }
}
