package dev.loupe.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.loupe.dimension.cost.Budget;
import dev.loupe.dimension.cost.BudgetPeriod;
import dev.loupe.dimension.cost.BudgetScope;
import dev.loupe.dimension.cost.BurnRateThresholds;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One entry of the {@code budgets:} list of {@code loupe.yml}: a limit in US dollars per
 * {@code scope} ({@code organisation}, {@code tenant}, {@code user}, {@code api_key},
 * {@code deployment}) over a {@code period}: {@code daily} or {@code monthly} in {@code zone}
 * (default UTC), or {@code rolling} over {@code window} ("any user over $50 in 24 h" is
 * {@code scope: user, period: rolling, window: 24h, limit: 50}). {@code subject} names one tenant,
 * user, key hash or deployment; without it each one has the limit. {@code burn_rate} changes
 * when spend burns too fast (default: 1 h at 14× the even rate, or 6 h at 6×).
 */
public record BudgetSpec(
    String name,
    String scope,
    String subject,
    Double limit,
    String period,
    Duration window,
    String zone,
    @JsonProperty("burn_rate") BurnRate burnRate) {
  public BudgetSpec {
    if (name == null || name.isBlank()) throw new ConfigValueException("name", "name is required");
    if (scope == null) throw new ConfigValueException("scope", "scope is required (organisation, tenant, user, api_key or deployment)");
    try {
      BudgetScope.parse(scope);
    } catch (IllegalArgumentException e) {
      throw new ConfigValueException("scope", e.getMessage());
    }
    if (limit == null) throw new ConfigValueException("limit", "limit (US dollars) is required");
    if (period == null) throw new ConfigValueException("period", "period is required (daily, monthly or rolling)");
    String p = period.trim().toLowerCase(Locale.ROOT);
    if (!p.equals("daily") && !p.equals("monthly") && !p.equals("rolling")) {
      throw new ConfigValueException("period", "period must be daily, monthly or rolling, got " + period);
    }
    if (p.equals("rolling") && window == null) {
      throw new ConfigValueException("period", "a rolling period needs window (e.g. window: 24h)");
    }
    if (!p.equals("rolling") && window != null) {
      throw new ConfigValueException("window", "window is for period: rolling; a " + p + " budget resets at each "
          + (p.equals("daily") ? "day" : "month"));
    }
    if (zone != null && p.equals("rolling")) {
      throw new ConfigValueException("zone", "zone is for daily and monthly periods; a rolling window has no calendar");
    }
    zoneOf(zone);
    try {
      toBudget(name, scope, subject, limit, p, window, zone);
    } catch (ConfigValueException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      throw new ConfigValueException(m.startsWith("window") ? "window" : m.startsWith("limit") ? "limit" : "subject", m);
    }
  }

  /** The budget in force. */
  public Budget toBudget() {
    return toBudget(name, scope, subject, limit, period.trim().toLowerCase(Locale.ROOT), window, zone);
  }

  /** When this budget's spend burns too fast. */
  public BurnRateThresholds thresholds() {
    return burnRate == null ? BurnRateThresholds.DEFAULT : burnRate.thresholds();
  }

  /** The budgets of a {@code budgets:} list; a name used twice is refused. */
  public static List<Budget> budgets(List<BudgetSpec> specs) {
    if (specs == null) return List.of();
    Set<String> names = new HashSet<>();
    for (BudgetSpec s : specs) {
      if (!names.add(s.name())) throw new IllegalArgumentException("budget name '" + s.name() + "' is used twice");
    }
    return specs.stream().map(BudgetSpec::toBudget).toList();
  }

  private static Budget toBudget(String name, String scope, String subject, double limit, String period,
      Duration window, String zone) {
    BudgetPeriod p = switch (period) {
      case "daily" -> BudgetPeriod.daily(zoneOf(zone));
      case "monthly" -> BudgetPeriod.monthly(zoneOf(zone));
      default -> BudgetPeriod.rolling(window);
    };
    return new Budget(name, BudgetScope.parse(scope), subject, limit, p);
  }

  private static ZoneId zoneOf(String zone) {
    if (zone == null || zone.isBlank()) return null;
    try {
      return ZoneId.of(zone.trim());
    } catch (DateTimeException e) {
      throw new ConfigValueException("zone", "zone must be a time zone like UTC or Europe/Paris, got '" + zone + "'");
    }
  }

  /** Burn-rate windows and multiples; each left out keeps its default (1h at 14, 6h at 6). */
  public record BurnRate(
      @JsonProperty("fast_window") Duration fastWindow,
      @JsonProperty("fast_multiple") Double fastMultiple,
      @JsonProperty("slow_window") Duration slowWindow,
      @JsonProperty("slow_multiple") Double slowMultiple) {
    public BurnRate {
      BurnRateThresholds d = BurnRateThresholds.DEFAULT;
      fastWindow = fastWindow == null ? d.fastWindow() : fastWindow;
      fastMultiple = fastMultiple == null ? d.fastMultiple() : fastMultiple;
      slowWindow = slowWindow == null ? d.slowWindow() : slowWindow;
      slowMultiple = slowMultiple == null ? d.slowMultiple() : slowMultiple;
      if (fastWindow.compareTo(slowWindow) >= 0) {
        throw new ConfigValueException("fast_window", "fast_window must be shorter than slow_window, got "
            + DurationText.format(fastWindow) + " and " + DurationText.format(slowWindow));
      }
      try {
        thresholds(fastWindow, fastMultiple, slowWindow, slowMultiple);
      } catch (IllegalArgumentException e) {
        throw new ConfigValueException(e.getMessage().contains("window") ? "fast_window" : "fast_multiple",
            e.getMessage());
      }
    }

    BurnRateThresholds thresholds() {
      return thresholds(fastWindow, fastMultiple, slowWindow, slowMultiple);
    }

    private static BurnRateThresholds thresholds(Duration fw, double fm, Duration sw, double sm) {
      return new BurnRateThresholds(fw, fm, sw, sm);
    }
  }
}
