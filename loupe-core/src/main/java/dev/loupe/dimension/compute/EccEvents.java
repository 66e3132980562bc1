package dev.loupe.dimension.compute;

import dev.loupe.dimension.CounterSeries;
import java.time.Duration;

/**
 * Double-bit ECC errors of one GPU. The volatile counter is judged; the aggregate one only when
 * the volatile one is not exported, so that one error is not counted twice. An episode begins at
 * the first increase and lasts until {@code reportedFor} after the last one; increases within it
 * add up. Not thread-safe: the owning track synchronizes.
 */
final class EccEvents {
  private static final long NONE = Long.MIN_VALUE;

  private final long reportedForMillis;
  private final CounterSeries volatileCount = new CounterSeries();
  private final CounterSeries aggregateCount = new CounterSeries();
  private boolean blankSeen;
  private long firstIncreaseMillis = NONE;
  private long lastIncreaseMillis = NONE;
  private double increase;

  EccEvents(Duration reportedFor) {
    this.reportedForMillis = reportedFor.toMillis();
  }

  void observe(DcgmField field, long t, double value) {
    double inc;
    if (field == DcgmField.ECC_DBE_VOLATILE) {
      inc = volatileCount.advance(t, value);
    } else {
      inc = aggregateCount.advance(t, value);
      if (volatileCount.hasValue()) return;
    }
    if (inc > 0) {
      if (lastIncreaseMillis == NONE || t - lastIncreaseMillis >= reportedForMillis) {
        firstIncreaseMillis = t;
        increase = 0;
      }
      increase += inc;
      lastIncreaseMillis = Math.max(lastIncreaseMillis, t);
    }
  }

  void observeBlank() {
    blankSeen = true;
  }

  /** Some ECC counter carried a value. */
  boolean exported() {
    return volatileCount.hasValue() || aggregateCount.hasValue();
  }

  /** ECC counters came, but only as DCGM blanks: ECC is off or unsupported on this GPU. */
  boolean onlyBlank() {
    return blankSeen && !exported();
  }

  boolean reported(long nowMillis) {
    return lastIncreaseMillis != NONE && nowMillis - lastIncreaseMillis < reportedForMillis;
  }

  long firstIncreaseMillis() {
    return firstIncreaseMillis;
  }

  long lastIncreaseMillis() {
    return lastIncreaseMillis;
  }

  double increase() {
    return increase;
  }

  /** The counter value shown: the volatile total, else the aggregate one; null when neither. */
  Double total() {
    if (volatileCount.hasValue()) return volatileCount.value();
    return aggregateCount.hasValue() ? aggregateCount.value() : null;
  }

  boolean totalIsVolatile() {
    return volatileCount.hasValue();
  }
}
