package dev.loupe.dimension.cost;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Objects;

/**
 * The time a budget's limit covers: a calendar day or month in a zone (spend starts again at
 * each boundary), or a rolling window ending now ("$50 in any 24 h").
 */
public sealed interface BudgetPeriod permits BudgetPeriod.Calendar, BudgetPeriod.Rolling {
  /** The period counted at {@code nowMillis}: a calendar period holding it, or the window ending at it. */
  Window at(long nowMillis);

  /** A span of time, {@code [startMillis, endMillis)} for a calendar period, {@code (startMillis, endMillis]} rolling. */
  record Window(long startMillis, long endMillis) {
    public long lengthMillis() {
      return endMillis - startMillis;
    }
  }

  /** Calendar units a budget resets on. */
  enum Unit {
    DAILY,
    MONTHLY;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static Calendar daily(ZoneId zone) {
    return new Calendar(Unit.DAILY, zone);
  }

  static Calendar monthly(ZoneId zone) {
    return new Calendar(Unit.MONTHLY, zone);
  }

  static Rolling rolling(Duration window) {
    return new Rolling(window);
  }

  /** A day or month in {@code zone} (UTC unless configured): spend counts from its start. */
  record Calendar(Unit unit, ZoneId zone) implements BudgetPeriod {
    public Calendar {
      Objects.requireNonNull(unit, "unit");
      zone = zone == null ? java.time.ZoneOffset.UTC : zone;
    }

    @Override
    public Window at(long nowMillis) {
      ZonedDateTime now = Instant.ofEpochMilli(nowMillis).atZone(zone);
      ZonedDateTime start = unit == Unit.DAILY
          ? now.toLocalDate().atStartOfDay(zone)
          : now.toLocalDate().withDayOfMonth(1).atStartOfDay(zone);
      ZonedDateTime end = unit == Unit.DAILY
          ? start.toLocalDate().plusDays(1).atStartOfDay(zone)
          : start.toLocalDate().plusMonths(1).atStartOfDay(zone);
      return new Window(start.toInstant().toEpochMilli(), end.toInstant().toEpochMilli());
    }
  }

  /** The {@code window} ending now. */
  record Rolling(Duration window) implements BudgetPeriod {
    public Rolling {
      Objects.requireNonNull(window, "window");
      if (window.compareTo(Duration.ofMinutes(1)) < 0) {
        throw new IllegalArgumentException("window must be at least 1m, got " + window);
      }
    }

    @Override
    public Window at(long nowMillis) {
      return new Window(nowMillis - window.toMillis(), nowMillis);
    }
  }
}
