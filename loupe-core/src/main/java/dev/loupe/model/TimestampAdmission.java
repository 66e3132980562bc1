package dev.loupe.model;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The time-dependent check of a record's timestamp: a record from the far future (a clock in
 * microseconds, a typo in the year) or from before the retention horizon would only pollute the
 * signals, so it is rejected on arrival with a reason.
 */
public final class TimestampAdmission {
  private final Clock clock;
  private final Duration maxFuture;
  private final Duration maxAge;

  public TimestampAdmission(Clock clock, Duration maxFuture, Duration maxAge) {
    this.clock = clock;
    this.maxFuture = maxFuture;
    this.maxAge = maxAge;
  }

  /** Admits any time: for tools and tests that decode records without a clock or a retention. */
  public static TimestampAdmission anyTime() {
    return ANY_TIME;
  }

  private static final TimestampAdmission ANY_TIME =
      new TimestampAdmission(Clock.systemUTC(), Duration.ofDays(1_000_000), Duration.ofDays(1_000_000));

  /** The time now, for a record that may leave its time out (feedback, labels): received now. */
  public long now() {
    return clock.millis();
  }

  /** Throws {@link InvalidRecordException} on {@code field} when the time is not admissible. */
  public void check(String field, long epochMillis) {
    long now = clock.millis();
    if (epochMillis > now + maxFuture.toMillis()) {
      throw new InvalidRecordException(
          field,
          Instant.ofEpochMilli(epochMillis)
              + " is more than "
              + maxFuture.toMinutes()
              + " minutes in the future");
    }
    if (epochMillis < now - maxAge.toMillis()) {
      throw new InvalidRecordException(
          field,
          Instant.ofEpochMilli(epochMillis)
              + " is older than the retention of "
              + maxAge.toDays()
              + " days");
    }
  }
}
