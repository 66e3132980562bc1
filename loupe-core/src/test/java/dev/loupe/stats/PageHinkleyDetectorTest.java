package dev.loupe.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PageHinkleyDetectorTest {
  static final long T0 = 1_793_491_200_000L; // 2026-11-01T00:00Z
  static final long MINUTE = 60_000;
  static final long DAY = 86_400_000L;

  /** Feeds minutes from {@code from} to {@code to} of a signal; returns the alarms with their minute. */
  interface Signal {
    double at(int minute, Random r);
  }

  static List<ChangePoint> run(PageHinkleyDetector d, int minutes, Signal s, long seed) {
    Random r = new Random(seed);
    List<ChangePoint> alarms = new ArrayList<>();
    for (int m = 0; m < minutes; m++) d.update(T0 + m * MINUTE, s.at(m, r)).ifPresent(alarms::add);
    return alarms;
  }

  @Test
  void riverDefaultsOnRiversOwnExampleStream() {
    // River's doc example: 1,000 draws from {0, 1}, then 1,000 from {4..7}; River reports the
    // change a few values after index 1,000, which is where this detector must see it, going up
    PageHinkleyDetector d = new PageHinkleyDetector(PageHinkleyParameters.river());
    Random r = new Random(12345);
    List<Integer> at = new ArrayList<>();
    List<ChangePoint> changes = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      double v = i < 1000 ? r.nextInt(2) : 4 + r.nextInt(4);
      Optional<ChangePoint> c = d.update(i, v);
      if (c.isPresent()) {
        at.add(i);
        changes.add(c.get());
      }
    }
    assertThat(at).hasSize(1);
    assertThat(at.get(0)).isBetween(1000, 1020);
    ChangePoint c = changes.get(0);
    assertThat(c.direction()).isEqualTo(ChangePoint.Direction.INCREASE);
    // with δ = 0.005 the raw sum wanders like a random walk, so its start says little: River gives none
    assertThat(c.estimatedStartMillis()).isLessThanOrEqualTo(1001L);
  }

  @Test
  void riverDefaultsSeeADecreaseToo() {
    PageHinkleyDetector d = new PageHinkleyDetector(PageHinkleyParameters.river());
    Random r = new Random(7);
    Integer first = null;
    ChangePoint change = null;
    for (int i = 0; i < 2000 && first == null; i++) {
      double v = i < 1000 ? 10 + r.nextInt(2) : r.nextInt(2);
      Optional<ChangePoint> c = d.update(i, v);
      if (c.isPresent()) {
        first = i;
        change = c.get();
      }
    }
    assertThat(first).isBetween(1000, 1020);
    assertThat(change.direction()).isEqualTo(ChangePoint.Direction.DECREASE);
  }

  @Test
  void stationarySeasonalSignalRaisesNoAlarmOverAMonth() {
    // a latency-like signal with a strong daily cycle (±20 %) and minute noise: River's raw defaults
    // cry wolf on it constantly, the standardised detector stays quiet
    Signal s = (m, r) -> 800 * (1 + 0.2 * Math.sin(2 * Math.PI * (m % 1440) / 1440.0)) * (1 + 0.08 * r.nextGaussian());
    assertThat(run(new PageHinkleyDetector(PageHinkleyParameters.standardised()), 30 * 1440, s, 1)).isEmpty();
    assertThat(run(new PageHinkleyDetector(PageHinkleyParameters.river()), 30 * 1440, s, 1)).hasSizeGreaterThan(100);
  }

  @Test
  void stepsUpAndDownAreFoundWithTheirStart() {
    for (int sign : new int[] {+1, -1}) {
      int changeAt = 5 * 1440 + 611;
      Signal s = (m, r) -> 0.8 + (m >= changeAt ? sign * 0.05 : 0) + 0.02 * r.nextGaussian();
      List<ChangePoint> alarms = run(new PageHinkleyDetector(PageHinkleyParameters.standardised()), 7 * 1440, s, 3);
      assertThat(alarms).as("sign %d", sign).isNotEmpty();
      ChangePoint c = alarms.get(0);
      assertThat(c.direction()).isEqualTo(sign > 0 ? ChangePoint.Direction.INCREASE : ChangePoint.Direction.DECREASE);
      long start = T0 + changeAt * MINUTE;
      assertThat(c.detectedAtMillis() - start).as("delay").isBetween(0L, 30 * MINUTE);
      assertThat(c.estimatedStartMillis()).isBetween(start - 5 * MINUTE, start + 5 * MINUTE);
      assertThat(c.levelBefore()).isCloseTo(0.8, within(0.005));
      assertThat(c.levelAfter()).isCloseTo(0.8 + sign * 0.05, within(0.01));
      assertThat(c.relativeChange()).isCloseTo(sign * 0.0625, within(0.015));
    }
  }

  @Test
  void slowDeclineIsFoundByTheSlowSums() {
    // −10 % over 14 days from day 4: too slow for the fast pair, seen by the slow one
    long changeAt = 4 * 1440;
    Signal s = (m, r) -> 0.8 * (1 - (m < changeAt ? 0 : 0.1 * Math.min(1, (m - changeAt) / (14.0 * 1440)))) + 0.02 * r.nextGaussian();
    List<ChangePoint> alarms = run(new PageHinkleyDetector(PageHinkleyParameters.standardised()), 12 * 1440, s, 5);
    assertThat(alarms).isNotEmpty();
    ChangePoint c = alarms.get(0);
    assertThat(c.direction()).isEqualTo(ChangePoint.Direction.DECREASE);
    assertThat(c.detectedAtMillis()).isBetween(T0 + changeAt * MINUTE, T0 + changeAt * MINUTE + 3 * DAY);
    assertThat(c.estimatedStartMillis()).isGreaterThanOrEqualTo(T0 + changeAt * MINUTE - DAY);
  }

  @Test
  void noAlarmDuringTheWarmUpAndReCentresAfterAnAbruptShift() {
    PageHinkleyParameters p = PageHinkleyParameters.standardised();
    PageHinkleyDetector d = new PageHinkleyDetector(p);
    Random r = new Random(2);
    int warmUp = (int) (p.warmUpMillis() / MINUTE);
    // four days, outliers included, and not a word; the minute that completes them ends the warm-up
    for (int m = 0; m < warmUp; m++) {
      assertThat(d.update(T0 + m * MINUTE, (m % 100 == 0 ? 50 : 1) + r.nextGaussian())).isEmpty();
      assertThat(d.isWarm()).isFalse();
    }
    d.update(T0 + warmUp * MINUTE, 1 + r.nextGaussian());
    assertThat(d.isWarm()).isTrue();
    int m = warmUp + 1;
    List<ChangePoint> alarms = new ArrayList<>();
    for (; m < warmUp + 600; m++) d.update(T0 + m * MINUTE, 100 + r.nextGaussian()).ifPresent(alarms::add);
    // one alarm, minutes after the shift; no new warm-up: it re-centres on 100 and stays quiet there
    assertThat(alarms).hasSize(1);
    assertThat(alarms.get(0).direction()).isEqualTo(ChangePoint.Direction.INCREASE);
    assertThat(alarms.get(0).detectedAtMillis()).isLessThan(T0 + (warmUp + 10) * MINUTE);
    assertThat(d.isWarm()).isTrue();
    // and the way back is seen as soon as an hour has passed since the re-centring
    Optional<ChangePoint> back = Optional.empty();
    int backAt = m;
    for (; m < backAt + 60 && back.isEmpty(); m++) back = d.update(T0 + m * MINUTE, 1 + r.nextGaussian());
    assertThat(back).isPresent();
    assertThat(back.get().direction()).isEqualTo(ChangePoint.Direction.DECREASE);
    assertThat(back.get().levelBefore()).isCloseTo(100, within(1.0));
    assertThat(back.get().levelAfter()).isCloseTo(1, within(1.0));
  }

  @Test
  void aFirstSlowAlarmKeepsTheReferenceAndASecondOneTheSameWayReCentres() {
    // a small persistent step (+0.4 σ) is too small for the fast pair: the slow pair alarms, keeps
    // the level it measured against (a false alarm would cost nothing), alarms again, then re-centres
    int changeAt = 5 * 1440;
    Signal s = (m, r) -> 0.8 + (m >= changeAt ? 0.008 : 0) + 0.02 * r.nextGaussian();
    List<ChangePoint> alarms = run(new PageHinkleyDetector(PageHinkleyParameters.standardised()), 9 * 1440, s, 11);
    assertThat(alarms).hasSize(2);
    assertThat(alarms).allSatisfy(c -> assertThat(c.direction()).isEqualTo(ChangePoint.Direction.INCREASE));
    assertThat(alarms.get(0).detectedAtMillis()).isBetween(T0 + changeAt * MINUTE, T0 + (changeAt + 720) * MINUTE);
    // both measured against the warm-up's level: the first alarm did not move the reference
    assertThat(alarms.get(0).levelBefore()).isCloseTo(0.8, within(0.002));
    assertThat(alarms.get(1).levelBefore()).isCloseTo(0.8, within(0.002));
    assertThat(alarms.get(1).levelAfter()).isCloseTo(0.808, within(0.003));
  }

  @Test
  void aFalseSlowAlarmJustBeforeADeclineDoesNotDelayIt() {
    // the case that used to fail: an alarm a few hours before a slow decline started a new
    // warm-up that overlapped the decline. A 7-hour bump (+0.5 σ) ends 5 hours before it.
    int bumpAt = 5 * 1440;
    int declineAt = bumpAt + 12 * 60;
    Signal decline = (m, r) -> 0.8 * (1 - (m < declineAt ? 0 : 0.1 * Math.min(1, (m - declineAt) / (14.0 * 1440)))) + 0.02 * r.nextGaussian();
    Signal bumped = (m, r) -> decline.at(m, r) + (m >= bumpAt && m < bumpAt + 7 * 60 ? 0.01 : 0);
    List<ChangePoint> clean = run(new PageHinkleyDetector(PageHinkleyParameters.standardised()), 12 * 1440, decline, 5);
    List<ChangePoint> afterBump = run(new PageHinkleyDetector(PageHinkleyParameters.standardised()), 12 * 1440, bumped, 5);
    assertThat(afterBump.get(0).direction()).isEqualTo(ChangePoint.Direction.INCREASE);
    assertThat(afterBump.get(0).detectedAtMillis()).isLessThan(T0 + declineAt * MINUTE);
    ChangePoint found = afterBump.stream().filter(c -> c.direction() == ChangePoint.Direction.DECREASE).findFirst().orElseThrow();
    long cleanAt = clean.get(0).detectedAtMillis();
    assertThat(clean.get(0).direction()).isEqualTo(ChangePoint.Direction.DECREASE);
    assertThat(found.detectedAtMillis()).isBetween(cleanAt - 6 * 60 * MINUTE, cleanAt + 6 * 60 * MINUTE);
    assertThat(found.detectedAtMillis()).isLessThan(T0 + declineAt * MINUTE + 3 * DAY);
  }

  @Test
  void aLevelThatMovedWithALargerDailySwingIsRelearnedNotAlarmedOnEveryDay() {
    // latency in milliseconds, ±20 % over the day: a 50 % step also makes the swing 50 % wider, which
    // the old cycle misfits by ±3 σ twice a day until the new cycle is learned (a warm-up's length)
    int changeAt = 5 * 1440;
    Signal s = (m, r) -> (m >= changeAt ? 1200 : 800) * (1 + 0.2 * Math.sin(2 * Math.PI * (m % 1440) / 1440.0)) * (1 + 0.02 * r.nextGaussian());
    List<ChangePoint> alarms = run(new PageHinkleyDetector(PageHinkleyParameters.standardised()), 20 * 1440, s, 4);
    assertThat(alarms.get(0).direction()).isEqualTo(ChangePoint.Direction.INCREASE);
    assertThat(alarms.get(0).detectedAtMillis()).isBetween(T0 + changeAt * MINUTE, T0 + (changeAt + 10) * MINUTE);
    long late = alarms.stream().filter(c -> c.detectedAtMillis() > T0 + changeAt * MINUTE + 5 * DAY).count();
    assertThat(late).as("alarms once the new cycle is learned: %s", alarms).isZero();
  }

  @Test
  void stateRoundTripGoesOnExactlyAsTheOriginal() {
    PageHinkleyParameters p = PageHinkleyParameters.standardised();
    Random r = new Random(9);
    int changeAt = 5 * 1440;
    double[] values = new double[12 * 1440];
    for (int m = 0; m < values.length; m++) values[m] = 0.8 - (m >= changeAt ? 0.03 : 0) + 0.02 * r.nextGaussian();
    // saved mid-warm-up, warm before the change, and just after its alarm (re-centring, relearning)
    PageHinkleyDetector a = new PageHinkleyDetector(p);
    List<ChangePoint> all = new ArrayList<>();
    List<Integer> savedAt = new ArrayList<>();
    List<PageHinkleyState> saved = new ArrayList<>();
    for (int m = 0; m < values.length; m++) {
      if (m == 2 * 1440 || m == changeAt - 10 || (!all.isEmpty() && savedAt.size() == 2)) {
        savedAt.add(m);
        saved.add(a.state());
      }
      a.update(T0 + m * MINUTE, values[m]).ifPresent(all::add);
    }
    assertThat(all).isNotEmpty();
    assertThat(savedAt).hasSize(3);
    assertThat(saved.get(2).relearning()).isTrue();
    for (int i = 0; i < saved.size(); i++) {
      PageHinkleyDetector b = PageHinkleyDetector.restore(p, saved.get(i));
      List<ChangePoint> fromB = new ArrayList<>();
      for (int m = savedAt.get(i); m < values.length; m++) b.update(T0 + m * MINUTE, values[m]).ifPresent(fromB::add);
      long from = T0 + savedAt.get(i) * MINUTE;
      assertThat(fromB).as("restored at minute %d", savedAt.get(i)).isEqualTo(all.stream().filter(c -> c.detectedAtMillis() >= from).toList());
      assertThat(b.state().level()).isEqualTo(a.state().level());
    }
    // the state is the same mid-warm-up too, and a state of other parameters is refused
    PageHinkleyDetector cold = new PageHinkleyDetector(p);
    cold.update(T0, 1);
    assertThat(PageHinkleyDetector.restore(p, cold.state()).state().warmUpCount()).isEqualTo(1);
    assertThatThrownBy(() -> PageHinkleyDetector.restore(PageHinkleyParameters.river(), saved.get(1))).hasMessageContaining("level coefficients");
  }

  @Test
  void ignoresNonFiniteValuesAndChecksParameters() {
    PageHinkleyDetector d = new PageHinkleyDetector(PageHinkleyParameters.river());
    for (int i = 0; i < 100; i++) assertThat(d.update(i, Double.NaN)).isEmpty();
    assertThat(d.state().count()).isZero();
    assertThatThrownBy(() -> PageHinkleyParameters.standardised().withWarmUp(3_600_000, true)).hasMessageContaining("daily cycle");
    assertThatThrownBy(() -> PageHinkleyParameters.standardised().withThreshold(0)).hasMessageContaining("threshold");
    assertThatThrownBy(() -> PageHinkleyParameters.standardised().withDatingDelta(0.01)).hasMessageContaining("datingDelta");
  }

  @Test
  void dailyCycleFitRecoversASmoothDailyShape() {
    int columns = DailyCycle.columns(true);
    double[] sums = new double[DailyCycle.sumsLength(columns)];
    // only office hours (8–18 h) are seen: the ridge keeps the fit finite, and it still fits those hours
    for (int m = 0; m < 2 * 1440; m++) {
      long t = T0 + m * MINUTE;
      double hour = (m % 1440) / 60.0;
      double y = 10 + 2 * Math.cos(2 * Math.PI * hour / 24) - Math.sin(4 * Math.PI * hour / 24);
      DailyCycle.accumulate(sums, columns, t, y);
    }
    double[] beta = DailyCycle.solve(sums, columns);
    assertThat(beta[0]).isCloseTo(10, within(1e-4));
    assertThat(beta[1]).isCloseTo(2, within(1e-4));
    assertThat(beta[4]).isCloseTo(-1, within(1e-4));
    assertThat(DailyCycle.level(beta, T0 + 6 * 3_600_000L)).isCloseTo(10 + 0 - 0, within(1e-3));
  }
}
