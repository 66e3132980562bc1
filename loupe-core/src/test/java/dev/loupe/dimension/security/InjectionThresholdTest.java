package dev.loupe.dimension.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class InjectionThresholdTest {
  final InjectionThreshold.Settings settings = InjectionThreshold.Settings.DEFAULTS;

  @Test
  void startsAtTheInitialThresholdUntilEnoughScores() {
    InjectionThreshold t = InjectionThreshold.create(settings);
    for (int i = 0; i < 499; i++) t.observe(0.7);
    t.refresh();
    assertThat(t.current()).isEqualTo(0.5);
  }

  @Test
  void aQuietDomainKeepsTheFloorAndANoisyOneRisesBelowTheCeiling() {
    Random random = new Random(1);
    InjectionThreshold quiet = InjectionThreshold.create(settings);
    InjectionThreshold noisy = InjectionThreshold.create(settings);
    for (int i = 0; i < 5_000; i++) {
      quiet.observe(random.nextDouble() * 0.2);
      noisy.observe(0.3 + random.nextDouble() * 0.4); // a security-training bot: 0.3..0.7
    }
    quiet.refresh();
    noisy.refresh();
    assertThat(quiet.current()).isEqualTo(0.4);
    assertThat(noisy.current()).isBetween(0.73, 0.77);
  }

  @Test
  void strongScoresAreNeverLearnt() {
    InjectionThreshold t = InjectionThreshold.create(settings);
    for (int i = 0; i < 5_000; i++) t.observe(i % 2 == 0 ? 0.1 : 0.99);
    t.refresh();
    assertThat(t.current()).isEqualTo(0.4);
  }

  @Test
  void stateRoundTripsAndOldEpochsAreForgotten() {
    InjectionThreshold.Settings small = new InjectionThreshold.Settings(0.5, 0.4, 0.9, 0.99, 0.05, 100, 1_000);
    InjectionThreshold t = InjectionThreshold.create(small);
    for (int i = 0; i < 1_500; i++) t.observe(0.8);
    t.refresh();
    assertThat(t.current()).isCloseTo(0.85, org.assertj.core.data.Offset.offset(1e-9));
    InjectionThreshold back = InjectionThreshold.restore(small, t.state());
    assertThat(back.current()).isCloseTo(0.85, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(t.state().current().length + t.state().previous().length).isLessThan(8_000);
    for (int i = 0; i < 2_000; i++) back.observe(0.1);
    back.refresh();
    assertThat(back.current()).isEqualTo(0.4);
  }

  @Test
  void badSettingsNameTheField() {
    assertThatThrownBy(() -> new InjectionThreshold.Settings(0.5, 0.6, 0.9, 0.99, 0.05, 100, 1000))
        .hasMessageContaining("floor");
    assertThatThrownBy(() -> new InjectionThresholdState(new byte[0], new byte[0], 0, 1.5))
        .hasMessageContaining("threshold");
  }
}
