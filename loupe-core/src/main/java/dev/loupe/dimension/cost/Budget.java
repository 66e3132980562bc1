package dev.loupe.dimension.cost;

import java.util.Objects;

/**
 * A spending limit in dollars over a period, per {@code scope}. {@code subject} names the one
 * tenant, user, key hash or deployment it covers; null covers each of them separately ("any user
 * over $50 in 24 h"). An organisation budget has no subject.
 */
public record Budget(String name, BudgetScope scope, String subject, double limit, BudgetPeriod period) {
  public Budget {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("name is required");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(period, "period");
    subject = subject == null || subject.isBlank() ? null : subject;
    if (scope == BudgetScope.ORGANISATION && subject != null) {
      throw new IllegalArgumentException("an organisation budget covers all spend and has no subject, got " + subject);
    }
    if (!(limit > 0) || Double.isInfinite(limit)) {
      throw new IllegalArgumentException("limit must be a positive amount of dollars, got " + limit);
    }
  }

  /** True when this budget counts the spend of {@code subject} (a tenant, key hash… of its scope). */
  public boolean covers(String subject) {
    return this.subject == null || this.subject.equals(subject);
  }
}
