package dev.loupe.dimension.security;

/**
 * What {@link InjectionThreshold} has learnt, to persist and restore: two KLL sketches of the
 * benign-looking scores (the epoch being filled and the one before), how many scores the current
 * one holds, and the threshold in force. A few kilobytes.
 */
public record InjectionThresholdState(byte[] previous, byte[] current, long currentCount, double threshold) {
  public InjectionThresholdState {
    previous = previous == null ? new byte[0] : previous.clone();
    current = current == null ? new byte[0] : current.clone();
    if (currentCount < 0) throw new IllegalArgumentException("current_count must not be negative, got " + currentCount);
    if (!(threshold > 0 && threshold <= 1)) throw new IllegalArgumentException("threshold must be in (0, 1], got " + threshold);
  }

  @Override
  public byte[] previous() {
    return previous.clone();
  }

  @Override
  public byte[] current() {
    return current.clone();
  }
}
