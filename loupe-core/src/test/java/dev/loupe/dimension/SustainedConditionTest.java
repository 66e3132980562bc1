package dev.loupe.dimension;

import static dev.loupe.dimension.SustainedThreshold.level;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loupe.model.Severity;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SustainedConditionTest {
  static final long M = 60_000;
  final SustainedThreshold hot =
      SustainedThreshold.above(level(78, Duration.ofMinutes(5)), level(83, Duration.ofMinutes(2)), 2);

  @Test
  void aLevelHoldsOnlyAfterItsDurationWithEveryObservationBeyondIt() {
    SustainedCondition c = new SustainedCondition(hot, Duration.ofMinutes(5));
    c.observe(1 * M, 80);
    c.observe(3 * M, 80);
    assertThat(c.breach(6 * M - 1)).isEmpty();
    assertThat(c.breach(6 * M)).hasValueSatisfying(b -> {
      assertThat(b.severity()).isEqualTo(Severity.WARNING);
      assertThat(b.sinceMillis()).isEqualTo(M);
    });
    c.observe(6 * M, 77);
    assertThat(c.breach(6 * M)).as("77 is within the 2-degree margin").isPresent();
    c.observe(7 * M, 75);
    assertThat(c.breach(7 * M)).isEmpty();
  }

  @Test
  void inTheMarginBeforeFiringBreaksTheRun() {
    SustainedCondition c = new SustainedCondition(hot, Duration.ofMinutes(5));
    c.observe(0, 80);
    c.observe(2 * M, 77);
    c.observe(3 * M, 80);
    assertThat(c.breach(6 * M)).isEmpty();
    assertThat(c.breach(8 * M)).hasValueSatisfying(b -> assertThat(b.sinceMillis()).isEqualTo(3 * M));
  }

  @Test
  void oldOrNaNObservationsAreIgnoredAndALongGapRestarts() {
    SustainedCondition c = new SustainedCondition(hot, Duration.ofMinutes(5));
    c.observe(10 * M, 85);
    c.observe(9 * M, 20);
    c.observe(11 * M, Double.NaN);
    assertThat(c.breach(12 * M)).hasValueSatisfying(b -> assertThat(b.severity()).isEqualTo(Severity.CRITICAL));
    c.observe(17 * M, 85);
    assertThat(c.breach(18 * M)).as("6 m gap").isEmpty();
  }

  @Test
  void thresholdsRefuseNonsense() {
    assertThatThrownBy(() -> SustainedThreshold.above(level(90, Duration.ZERO), level(80, Duration.ZERO), 0))
        .hasMessageContaining("milder");
    assertThatThrownBy(() -> level(Double.NaN, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThat(SustainedThreshold.disabled().enabled()).isFalse();
    SustainedCondition never = new SustainedCondition(SustainedThreshold.disabled(), Duration.ofMinutes(5));
    never.observe(1, 1e9);
    assertThat(never.breach(Long.MAX_VALUE / 2)).isEmpty();
  }

  @Test
  void countersCountResetsAsNoIncrease() {
    CounterSeries s = new CounterSeries();
    assertThat(s.advance(1000, 5)).isNaN();
    assertThat(s.advance(2000, 7)).isEqualTo(2);
    assertThat(s.lastIntervalMillis()).isEqualTo(1000);
    assertThat(s.advance(2000, 9)).as("same time").isNaN();
    assertThat(s.advance(3000, 1)).isZero();
    assertThat(s.advance(4000, 4)).isEqualTo(3);
  }

  @Test
  void reasonFormatsReadNaturally() {
    assertThat(ReasonFormat.duration(Duration.ofMinutes(15))).isEqualTo("15 m");
    assertThat(ReasonFormat.duration(Duration.ofHours(1))).isEqualTo("1 h");
    assertThat(ReasonFormat.duration(Duration.ofSeconds(90))).isEqualTo("90 s");
    assertThat(ReasonFormat.number(7, 1)).isEqualTo("7");
    assertThat(ReasonFormat.number(7.25, 2)).isEqualTo("7.25");
    assertThat(ReasonFormat.number(7.50, 2)).isEqualTo("7.5");
    assertThat(ReasonFormat.instant(java.time.Instant.parse("2026-11-18T09:46:40.999Z").toEpochMilli()))
        .isEqualTo("2026-11-18T09:46:40Z");
  }

  @Test
  void pairsMatchPointsOfOneMomentInEitherOrder() {
    SamplePairs p = new SamplePairs(1000);
    assertThat(p.left(15_000, 1)).isNaN();
    assertThat(p.left(30_000, 2)).isNaN();
    assertThat(p.right(15_400, 10)).as("series by series, as remote_write sends").isEqualTo(1);
    assertThat(p.right(30_000, 20)).isEqualTo(2);
    assertThat(p.right(45_000, 30)).isNaN();
    assertThat(p.left(45_900, 3)).isEqualTo(30);
    assertThat(p.left(47_000, 4)).as("1 s apart at most").isNaN();
  }
}
