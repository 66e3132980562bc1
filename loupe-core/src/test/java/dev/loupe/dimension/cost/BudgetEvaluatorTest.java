package dev.loupe.dimension.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BudgetEvaluatorTest {
  static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
  static final BurnRateThresholds SLO = BurnRateThresholds.DEFAULT;

  static long at(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  static SpendPoint spend(Instant t, double cost) {
    return new SpendPoint(t.toEpochMilli(), cost);
  }

  static long ago(Duration d) {
    return NOW.minus(d).toEpochMilli();
  }

  static Budget monthly(double limit) {
    return new Budget("org-monthly", BudgetScope.ORGANISATION, null, limit, BudgetPeriod.monthly(ZoneOffset.UTC));
  }

  @Test
  void monthlySpentEvenRateBurnAndProjection() {
    List<SpendPoint> points = new ArrayList<>();
    points.add(spend(Instant.parse("2026-10-31T23:30:00Z"), 500)); // last month: not this budget's
    for (Instant t = Instant.parse("2026-11-01T00:30:00Z"); t.isBefore(NOW); t = t.plus(Duration.ofHours(1))) {
      points.add(spend(t, 1));
    }
    points.add(spend(NOW.plusSeconds(60), 999)); // after now: ignored
    BudgetStatus s = BudgetEvaluator.evaluate(monthly(1000), "all", points, NOW.toEpochMilli(), SLO);
    assertThat(s.periodStartMillis()).isEqualTo(at("2026-11-01T00:00:00Z"));
    assertThat(s.periodEndMillis()).isEqualTo(at("2026-12-01T00:00:00Z"));
    assertThat(s.spent()).isEqualTo(27 * 24 + 10); // 658
    assertThat(s.evenRatePerHour()).isCloseTo(1000 / 720.0, within(1e-12)); // November has 720 h
    assertThat(s.fastRatePerHour()).isEqualTo(1.0);
    assertThat(s.slowRatePerHour()).isEqualTo(1.0);
    assertThat(s.fastBurn()).isCloseTo(0.72, within(1e-12));
    assertThat(s.fastBurning()).isFalse();
    assertThat(s.slowBurning()).isFalse();
    // 342 left at $1/h is 342 h: past the end of the month, so it does not run out this month.
    assertThat(s.exhaustedAtMillis()).isNull();
    assertThat(s.projectedSpend()).isCloseTo(658 + 62, within(1e-9)); // 62 h to Dec 1st
    assertThat(s.remaining()).isEqualTo(342);
    assertThat(s.exceeded()).isFalse();
  }

  @Test
  void aKeyWhoseUsageJumpsTwentyfoldBurnsFastThenSlow() {
    Budget perKey = new Budget("key-monthly", BudgetScope.API_KEY, null, 1000, BudgetPeriod.monthly(ZoneOffset.UTC));
    List<SpendPoint> points = new ArrayList<>();
    for (int h = 5; h >= 1; h--) points.add(new SpendPoint(ago(Duration.ofMinutes(h * 60L + 30)), 1)); // $1/h
    for (int k = 0; k < 20; k++) points.add(new SpendPoint(ago(Duration.ofMinutes(59 - 3L * k)), 1)); // $20 in the last hour
    BudgetStatus s = BudgetEvaluator.evaluate(perKey, "k-42", points, NOW.toEpochMilli(), SLO);
    assertThat(s.spent()).isEqualTo(25);
    assertThat(s.fastRatePerHour()).isEqualTo(20);
    assertThat(s.slowRatePerHour()).isCloseTo(25 / 6.0, within(1e-12));
    assertThat(s.fastBurn()).isCloseTo(14.4, within(1e-9)); // 20 $/h against 1000 $ / 720 h
    assertThat(s.slowBurn()).isCloseTo(3.0, within(1e-9));
    assertThat(s.fastBurning()).isTrue();
    assertThat(s.slowBurning()).isFalse();
    // At 20 $/h the remaining 975 $ last 48.75 h.
    assertThat(s.exhaustedAtMillis()).isEqualTo(NOW.plus(Duration.ofMinutes(48 * 60 + 45)).toEpochMilli());
    assertThat(s.projectedSpend()).isCloseTo(25 + 20 * 62, within(1e-9));

    // Six hours later, still at $20/h: the slow window agrees.
    Instant later = NOW.plus(Duration.ofHours(6));
    for (int k = 0; k < 120; k++) points.add(new SpendPoint(NOW.plusSeconds(180L * k + 60).toEpochMilli(), 1));
    BudgetStatus s6 = BudgetEvaluator.evaluate(perKey, "k-42", points, later.toEpochMilli(), SLO);
    assertThat(s6.slowRatePerHour()).isEqualTo(20);
    assertThat(s6.slowBurning()).isTrue();
  }

  @Test
  void theFastRuleFiresAtFourteenTimesNotBelow() {
    Budget b = monthly(720); // even rate: exactly $1/h in November
    BudgetStatus below = BudgetEvaluator.evaluate(b, "all",
        List.of(new SpendPoint(ago(Duration.ofMinutes(10)), 13.99)), NOW.toEpochMilli(), SLO);
    BudgetStatus at = BudgetEvaluator.evaluate(b, "all",
        List.of(new SpendPoint(ago(Duration.ofMinutes(10)), 14)), NOW.toEpochMilli(), SLO);
    assertThat(below.fastBurning()).isFalse();
    assertThat(at.fastBurning()).isTrue();
    // A point exactly one hour old is outside the 1 h window (it is (now - 1h, now]).
    BudgetStatus edge = BudgetEvaluator.evaluate(b, "all",
        List.of(new SpendPoint(ago(Duration.ofHours(1)), 14)), NOW.toEpochMilli(), SLO);
    assertThat(edge.fastRatePerHour()).isZero();
    assertThat(edge.slowRatePerHour()).isCloseTo(14 / 6.0, within(1e-12));
  }

  @Test
  void rateWindowsReachBackAcrossThePeriodStart() {
    Instant justAfterMidnight = Instant.parse("2026-12-01T00:10:00Z");
    List<SpendPoint> points = List.of(spend(Instant.parse("2026-11-30T23:50:00Z"), 30),
        spend(Instant.parse("2026-12-01T00:05:00Z"), 5));
    BudgetStatus s = BudgetEvaluator.evaluate(monthly(1000), "all", points, justAfterMidnight.toEpochMilli(), SLO);
    assertThat(s.spent()).isEqualTo(5);
    assertThat(s.fastRatePerHour()).isEqualTo(35);
    assertThat(s.evenRatePerHour()).isCloseTo(1000 / 744.0, within(1e-12)); // December has 744 h
  }

  @Test
  void calendarPeriodsFollowTheConfiguredZone() {
    ZoneId paris = ZoneId.of("Europe/Paris");
    Budget daily = new Budget("tenant-daily", BudgetScope.TENANT, "acme", 48, BudgetPeriod.daily(paris));
    long now = at("2026-11-28T23:30:00Z"); // 00:30 on the 29th in Paris
    List<SpendPoint> points = List.of(new SpendPoint(at("2026-11-28T22:45:00Z"), 7), // the 28th in Paris
        new SpendPoint(at("2026-11-28T23:15:00Z"), 2));
    BudgetStatus s = BudgetEvaluator.evaluate(daily, "acme", points, now, SLO);
    assertThat(s.periodStartMillis()).isEqualTo(at("2026-11-28T23:00:00Z"));
    assertThat(s.spent()).isEqualTo(2);
    // The day summer time ends in Paris has 25 hours; its even rate says so.
    BudgetStatus longDay = BudgetEvaluator.evaluate(daily, "acme", List.of(), at("2026-10-25T12:00:00Z"), SLO);
    assertThat(longDay.periodEndMillis() - longDay.periodStartMillis()).isEqualTo(Duration.ofHours(25).toMillis());
    assertThat(longDay.evenRatePerHour()).isCloseTo(48 / 25.0, within(1e-12));
  }

  @Test
  void anyUserOverFiftyDollarsInTwentyFourHours() {
    Budget anyUser = new Budget("per-user-24h", BudgetScope.USER, null, 50, BudgetPeriod.rolling(Duration.ofHours(24)));
    Map<String, List<SpendPoint>> byUser = new LinkedHashMap<>();
    byUser.put("u-quiet", List.of(new SpendPoint(ago(Duration.ofHours(3)), 10)));
    byUser.put("u-old", List.of(new SpendPoint(ago(Duration.ofHours(25)), 100)));
    byUser.put("u-heavy", List.of(new SpendPoint(ago(Duration.ofHours(20)), 30),
        new SpendPoint(ago(Duration.ofHours(2)), 25), new SpendPoint(ago(Duration.ofHours(1)), 5)));
    List<BudgetStatus> statuses = BudgetEvaluator.evaluateEach(anyUser, byUser, NOW.toEpochMilli(), SLO);
    assertThat(statuses).extracting(BudgetStatus::subject).containsExactly("u-heavy", "u-quiet", "u-old");
    BudgetStatus heavy = statuses.get(0);
    assertThat(heavy.spent()).isEqualTo(60);
    assertThat(heavy.exceeded()).isTrue();
    assertThat(heavy.exhaustedAtMillis()).isEqualTo(ago(Duration.ofHours(2))); // 30 + 25 passed 50 then
    assertThat(statuses.get(2).spent()).isZero();
    assertThat(statuses.get(2).exhaustedAtMillis()).isNull();
  }

  @Test
  void aRollingForecastCountsSpendLeavingTheWindow() {
    Budget b = new Budget("per-user-24h", BudgetScope.USER, "u-1", 50, BudgetPeriod.rolling(Duration.ofHours(24)));
    // $30 half an hour ago, nothing else: 30 $/h over 1 h; 20 $ left is 40 minutes away.
    BudgetStatus burst = BudgetEvaluator.evaluate(b, "u-1",
        List.of(new SpendPoint(ago(Duration.ofMinutes(30)), 30)), NOW.toEpochMilli(), SLO);
    assertThat(burst.exhaustedAtMillis()).isEqualTo(NOW.plus(Duration.ofMinutes(40)).toEpochMilli());
    // $45 that leaves the window in 10 minutes, and $3 in the last 10: at 3 $/h the window holds
    // 48 $ now but only 3 $ once the old spend leaves, so the limit is 15 h 40 min away, not 40 min.
    BudgetStatus leaving = BudgetEvaluator.evaluate(b, "u-1",
        List.of(new SpendPoint(ago(Duration.ofHours(24).minusMinutes(10)), 45),
            new SpendPoint(ago(Duration.ofMinutes(10)), 3)), NOW.toEpochMilli(), SLO);
    assertThat(leaving.spent()).isEqualTo(48);
    assertThat(leaving.currentRatePerHour()).isEqualTo(3);
    assertThat(leaving.exhaustedAtMillis()).isEqualTo(NOW.plus(Duration.ofMinutes(15 * 60 + 40)).toEpochMilli());
    // $1 each hour: the window holds $24 at steady state and never reaches $50.
    List<SpendPoint> steady = new ArrayList<>();
    for (int h = 0; h < 24; h++) steady.add(new SpendPoint(ago(Duration.ofMinutes(h * 60L + 30)), 1));
    BudgetStatus s = BudgetEvaluator.evaluate(b, "u-1", steady, NOW.toEpochMilli(), SLO);
    assertThat(s.spent()).isEqualTo(24);
    assertThat(s.exhaustedAtMillis()).isNull();
    assertThat(s.projectedSpend()).isEqualTo(24);
    assertThat(s.evenRatePerHour()).isCloseTo(50 / 24.0, within(1e-12));
  }

  @Test
  void aNamedSubjectWithNoSpendIsStillReported() {
    Budget b = new Budget("acme", BudgetScope.TENANT, "acme", 100, BudgetPeriod.daily(null));
    List<BudgetStatus> s = BudgetEvaluator.evaluateEach(b,
        Map.of("globex", List.of(new SpendPoint(ago(Duration.ofMinutes(5)), 500))), NOW.toEpochMilli(), SLO);
    assertThat(s).hasSize(1);
    assertThat(s.get(0).subject()).isEqualTo("acme");
    assertThat(s.get(0).spent()).isZero();
    assertThat(s.get(0).exhaustedAtMillis()).isNull();
    assertThat(s.get(0).projectedSpend()).isZero();
    // An organisation budget adds up every subject's spend.
    List<BudgetStatus> org = BudgetEvaluator.evaluateEach(monthly(1000),
        Map.of("a", List.of(new SpendPoint(ago(Duration.ofMinutes(5)), 3)),
            "b", List.of(new SpendPoint(ago(Duration.ofMinutes(6)), 4))), NOW.toEpochMilli(), SLO);
    assertThat(org).singleElement().satisfies(o -> assertThat(o.spent()).isEqualTo(7));
  }

  @Test
  void badBudgetsAreRefused() {
    assertThatThrownBy(() -> new Budget("x", BudgetScope.ORGANISATION, "acme", 1, BudgetPeriod.daily(null)))
        .hasMessageContaining("no subject");
    assertThatThrownBy(() -> new Budget("x", BudgetScope.TENANT, null, 0, BudgetPeriod.daily(null)))
        .hasMessageContaining("limit must be a positive");
    assertThatThrownBy(() -> BudgetPeriod.rolling(Duration.ofSeconds(30))).hasMessageContaining("at least 1m");
    assertThatThrownBy(() -> BudgetScope.parse("team")).hasMessageContaining("organisation, tenant, user");
    assertThat(BudgetScope.parse("organization")).isEqualTo(BudgetScope.ORGANISATION);
    assertThat(BudgetScope.parse("api-key")).isEqualTo(BudgetScope.API_KEY);
  }
}
