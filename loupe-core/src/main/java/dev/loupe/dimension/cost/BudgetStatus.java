package dev.loupe.dimension.cost;

/**
 * Where one budget stands for one subject at {@code nowMillis}. Rates are dollars per hour;
 * {@code fastBurn}/{@code slowBurn} are the rates over the fast and slow windows as multiples of
 * {@code evenRatePerHour} (the rate that spends exactly the limit over the period).
 * {@code exhaustedAtMillis} is when the limit was reached (when {@code exceeded}), else when it
 * will be at the current rate, or null when it will not be within the period (calendar) or at
 * all (rolling, the window's spend staying under the limit). {@code projectedSpend} is the spend
 * at the period's end (calendar) or the window's spend once the current rate has filled it
 * (rolling), at the current rate. The current rate is the higher of the fast and slow windows'
 * rates: a quiet last hour does not hide a busy afternoon, and a sudden jump shows at once.
 */
public record BudgetStatus(
    Budget budget,
    String subject,
    long nowMillis,
    long periodStartMillis,
    long periodEndMillis,
    double spent,
    double evenRatePerHour,
    double fastRatePerHour,
    double slowRatePerHour,
    double fastBurn,
    double slowBurn,
    boolean fastBurning,
    boolean slowBurning,
    Long exhaustedAtMillis,
    double projectedSpend) {

  public double limit() {
    return budget.limit();
  }

  public double remaining() {
    return Math.max(0, budget.limit() - spent);
  }

  /** Spent as a fraction of the limit (above 1 once exceeded). */
  public double fractionUsed() {
    return spent / budget.limit();
  }

  public boolean exceeded() {
    return spent >= budget.limit();
  }

  /** The rate the forecast uses: the higher of the two windows'. */
  public double currentRatePerHour() {
    return Math.max(fastRatePerHour, slowRatePerHour);
  }
}
