package dev.loupe.dimension.cost;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Budget arithmetic over spend points at a given time: spent so far in the period, the even
 * rate, the burn rates over the fast and slow windows and the forecast of when the limit is
 * reached. Pure: the caller passes the time and the points (at least those of the period and of
 * the slow window before now; points after now are ignored). Rate windows end now whatever the
 * period: spend burning at 23:59 is still burning at 00:01 of the next month.
 *
 * <pre>{@code
 * Budget b = new Budget("per-user", BudgetScope.USER, null, 50, BudgetPeriod.rolling(Duration.ofHours(24)));
 * BudgetStatus s = BudgetEvaluator.evaluate(b, "u-7", points, now, BurnRateThresholds.DEFAULT);
 * if (s.fastBurning()) ...
 * }</pre>
 */
public final class BudgetEvaluator {
  private static final double HOUR_MILLIS = 3_600_000.0;

  private BudgetEvaluator() {}

  /** The budget's state for one subject. */
  public static BudgetStatus evaluate(
      Budget budget, String subject, List<SpendPoint> points, long nowMillis, BurnRateThresholds thresholds) {
    BudgetPeriod.Window period = budget.period().at(nowMillis);
    boolean rolling = budget.period() instanceof BudgetPeriod.Rolling;
    List<SpendPoint> sorted = new ArrayList<>(points.size());
    for (SpendPoint p : points) {
      if (p.timestampMillis() <= nowMillis) sorted.add(p);
    }
    sorted.sort(Comparator.comparingLong(SpendPoint::timestampMillis));

    double spent = 0;
    for (SpendPoint p : sorted) {
      if (inPeriod(p.timestampMillis(), period, rolling)) spent += p.cost();
    }
    double even = budget.limit() / (period.lengthMillis() / HOUR_MILLIS);
    long fastMillis = thresholds.fastWindow().toMillis();
    long slowMillis = thresholds.slowWindow().toMillis();
    double fastRate = sumAfter(sorted, nowMillis - fastMillis) / (fastMillis / HOUR_MILLIS);
    double slowRate = sumAfter(sorted, nowMillis - slowMillis) / (slowMillis / HOUR_MILLIS);
    double fastBurn = fastRate / even;
    double slowBurn = slowRate / even;
    double rate = Math.max(fastRate, slowRate);

    Long exhaustedAt;
    double projected;
    if (spent >= budget.limit()) {
      exhaustedAt = crossing(sorted, period, rolling, budget.limit());
      projected = rolling ? Math.max(spent, rate * period.lengthMillis() / HOUR_MILLIS)
          : spent + rate * (period.endMillis() - nowMillis) / HOUR_MILLIS;
    } else if (rolling) {
      exhaustedAt = rollingForecast(sorted, period, nowMillis, rate, budget.limit());
      projected = rate * period.lengthMillis() / HOUR_MILLIS;
    } else {
      projected = spent + rate * (period.endMillis() - nowMillis) / HOUR_MILLIS;
      exhaustedAt = null;
      if (rate > 0) {
        long at = nowMillis + (long) Math.ceil((budget.limit() - spent) / rate * HOUR_MILLIS);
        if (at < period.endMillis()) exhaustedAt = at;
      }
    }
    return new BudgetStatus(budget, subject, nowMillis, period.startMillis(), period.endMillis(), spent, even,
        fastRate, slowRate, fastBurn, slowBurn, fastBurn >= thresholds.fastMultiple(),
        slowBurn >= thresholds.slowMultiple(), exhaustedAt, projected);
  }

  /**
   * The budget's state for each subject it covers ({@code bySubject}: spend points per tenant,
   * user, key hash or deployment), the most used first. An organisation budget reads the points
   * of every subject together, under the subject "all".
   */
  public static List<BudgetStatus> evaluateEach(
      Budget budget, Map<String, List<SpendPoint>> bySubject, long nowMillis, BurnRateThresholds thresholds) {
    List<BudgetStatus> out = new ArrayList<>();
    if (budget.scope() == BudgetScope.ORGANISATION) {
      List<SpendPoint> all = new ArrayList<>();
      bySubject.values().forEach(all::addAll);
      out.add(evaluate(budget, "all", all, nowMillis, thresholds));
      return out;
    }
    for (Map.Entry<String, List<SpendPoint>> e : bySubject.entrySet()) {
      if (budget.covers(e.getKey())) out.add(evaluate(budget, e.getKey(), e.getValue(), nowMillis, thresholds));
    }
    if (budget.subject() != null && out.isEmpty()) {
      out.add(evaluate(budget, budget.subject(), List.of(), nowMillis, thresholds));
    }
    out.sort(Comparator.comparingDouble(BudgetStatus::fractionUsed).reversed()
        .thenComparing(BudgetStatus::subject));
    return out;
  }

  private static boolean inPeriod(long t, BudgetPeriod.Window w, boolean rolling) {
    return rolling ? t > w.startMillis() && t <= w.endMillis() : t >= w.startMillis() && t < w.endMillis();
  }

  private static double sumAfter(List<SpendPoint> sorted, long fromExclusive) {
    double sum = 0;
    for (int i = sorted.size() - 1; i >= 0 && sorted.get(i).timestampMillis() > fromExclusive; i--) {
      sum += sorted.get(i).cost();
    }
    return sum;
  }

  /** When the spend counted in the period, added up in time order, reached the limit. */
  private static Long crossing(List<SpendPoint> sorted, BudgetPeriod.Window w, boolean rolling, double limit) {
    double sum = 0;
    for (SpendPoint p : sorted) {
      if (!inPeriod(p.timestampMillis(), w, rolling)) continue;
      sum += p.cost();
      if (sum >= limit) return p.timestampMillis();
    }
    return null;
  }

  /**
   * When a rolling window's spend reaches the limit if spend goes on at {@code ratePerHour}: the
   * window gains the new spend and loses its oldest points as they fall out of it, so the spend
   * at {@code now + d} is {@code rate·d} plus the points younger than {@code now + d - window}.
   * Piecewise linear between two points leaving, so each piece is solved exactly; null when the
   * window's spend never reaches the limit.
   */
  private static Long rollingForecast(
      List<SpendPoint> sorted, BudgetPeriod.Window w, long nowMillis, double ratePerHour, double limit) {
    if (!(ratePerHour > 0)) return null;
    double ratePerMilli = ratePerHour / HOUR_MILLIS;
    List<SpendPoint> inWindow = new ArrayList<>();
    double kept = 0;
    for (SpendPoint p : sorted) {
      if (inPeriod(p.timestampMillis(), w, true)) {
        inWindow.add(p);
        kept += p.cost();
      }
    }
    long windowMillis = w.lengthMillis();
    long pieceStart = 0; // d, milliseconds after now
    for (int i = 0; i <= inWindow.size(); i++) {
      // Until point i leaves (at d = its time + window - now), the window keeps points i.. .
      long pieceEnd = i < inWindow.size() ? inWindow.get(i).timestampMillis() + windowMillis - nowMillis : windowMillis;
      double d = (limit - kept) / ratePerMilli;
      if (d <= pieceEnd) return nowMillis + Math.max(pieceStart, (long) Math.ceil(d));
      if (i < inWindow.size()) kept -= inWindow.get(i).cost();
      pieceStart = pieceEnd;
    }
    return null;
  }
}
