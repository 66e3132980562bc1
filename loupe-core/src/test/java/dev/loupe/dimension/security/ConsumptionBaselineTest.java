package dev.loupe.dimension.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConsumptionBaselineTest {
  static final long MONDAY = 1_796_428_800_000L; // 2026-12-07T00:00:00Z, a Monday
  static final long HOUR = 3_600_000L;
  final ConsumptionSubject key = new ConsumptionSubject(ConsumptionSubject.Kind.API_KEY, "sha256:ab12cd34ef56ab78");

  /** Two weeks of business-hours traffic (08-18 UTC), ±20 % noise. */
  List<String> feedTwoWeeks(ConsumptionBaseline b) {
    Random random = new Random(3);
    List<String> kinds = new ArrayList<>();
    for (int h = 0; h < 14 * 24; h++) {
      long at = MONDAY + h * HOUR;
      int hod = h % 24;
      if (hod < 8 || hod > 18) continue;
      long tokens = (long) (60_000 * (0.8 + 0.4 * random.nextDouble()));
      b.observe(new UsageHour(at, tokens / 300, tokens, 0, 1.0)).forEach(f -> kinds.add(f.kind()));
    }
    return kinds;
  }

  @Test
  void ordinaryTrafficRaisesNothingAndA20xJumpIsASpike() {
    ConsumptionBaseline b = ConsumptionBaseline.create(key, ConsumptionSettings.DEFAULTS);
    assertThat(feedTwoWeeks(b)).isEmpty();
    long at = MONDAY + 14 * 24 * HOUR + 10 * HOUR;
    List<SecurityFinding> found = b.observe(new UsageHour(at, 4_000, 1_200_000, 0, 20.0));
    assertThat(found).extracting(SecurityFinding::kind).containsExactly("consumption_spike");
    assertThat(found.get(0).reason()).contains("API key sha256:ab12cd34ef56ab78").contains("1,200,000 tokens");
    assertThat(Double.parseDouble(found.get(0).evidence().get("token_ratio"))).isGreaterThan(15);
    // Learnt clipped: the next ordinary hour is still ordinary, and a second burst is still a spike.
    assertThat(b.observe(new UsageHour(at + HOUR, 200, 60_000, 0, 1))).isEmpty();
    assertThat(b.observe(new UsageHour(at + 2 * HOUR, 4_000, 1_200_000, 0, 20))).extracting(SecurityFinding::kind)
        .containsExactly("consumption_spike");
  }

  @Test
  void unusualHourAfterAWeekOfHistory() {
    ConsumptionBaseline b = ConsumptionBaseline.create(key, ConsumptionSettings.DEFAULTS);
    feedTwoWeeks(b);
    long threeAm = MONDAY + 14 * 24 * HOUR + 3 * HOUR;
    assertThat(b.observe(new UsageHour(threeAm, 150, 40_000, 0, 1))).extracting(SecurityFinding::kind)
        .containsExactly("unusual_hour");
    assertThat(b.observe(new UsageHour(threeAm + 24 * HOUR, 150, 40_000, 0, 1))).isEmpty(); // now a known hour
  }

  @Test
  void newKeyHeavyUseOnceAndThrottling() {
    ConsumptionBaseline b = ConsumptionBaseline.create(key, ConsumptionSettings.DEFAULTS);
    assertThat(b.observe(new UsageHour(MONDAY, 3_000, 2_500_000, 0, 40))).extracting(SecurityFinding::kind)
        .containsExactly("new_key_heavy_use");
    assertThat(b.observe(new UsageHour(MONDAY + HOUR, 3_000, 2_500_000, 900, 40))).extracting(SecurityFinding::kind)
        .containsExactly("repeated_throttling");
  }

  @Test
  void stateRoundTrips() {
    ConsumptionBaseline b = ConsumptionBaseline.create(key, ConsumptionSettings.DEFAULTS);
    feedTwoWeeks(b);
    ConsumptionBaseline back = ConsumptionBaseline.restore(key, ConsumptionSettings.DEFAULTS, b.state());
    long at = MONDAY + 14 * 24 * HOUR + 10 * HOUR;
    assertThat(back.expectedTokens(at)).isEqualTo(b.expectedTokens(at)).isBetween(45_000.0, 75_000.0);
    assertThat(back.observe(new UsageHour(at, 4_000, 1_200_000, 0, 20))).hasSize(1);
  }

  @Test
  void costConcentration() {
    Map<String, Double> spend = Map.of("k1", 80.0, "k2", 10.0, "k3", 10.0);
    // k1 took a third of the day before, 80 % now.
    List<SecurityFinding> found = CostConcentration.check(ConsumptionSubject.Kind.API_KEY, spend,
        Map.of("k1", 0.34, "k2", 0.33, "k3", 0.33), "the last 24 h", ConsumptionSettings.DEFAULTS);
    assertThat(found).extracting(SecurityFinding::kind).containsExactly("cost_concentration");
    assertThat(found.get(0).reason()).contains("k1").contains("80 %");
    // A key that always dominated is no news.
    assertThat(CostConcentration.check(ConsumptionSubject.Kind.API_KEY, spend, Map.of("k1", 0.78),
        "the last 24 h", ConsumptionSettings.DEFAULTS)).isEmpty();
    // Without a day before (a Loupe in its first day), a usual share cannot be told from a new one.
    assertThat(CostConcentration.check(ConsumptionSubject.Kind.API_KEY, spend, Map.of(),
        "the last 24 h", ConsumptionSettings.DEFAULTS)).isEmpty();
    // A subject absent the day before is new: reported.
    assertThat(CostConcentration.check(ConsumptionSubject.Kind.API_KEY, spend, Map.of("k2", 0.5, "k3", 0.5),
        "the last 24 h", ConsumptionSettings.DEFAULTS)).extracting(SecurityFinding::kind)
        .containsExactly("cost_concentration");
  }
}
