package dev.loupe.dimension.security;

/**
 * What a {@link CompletionLengthBaseline} has learnt, to persist and restore: the recent
 * completion lengths as {@code log(1 + length)} in a ring ({@code filled} of them valid, the next
 * written at {@code next}), how many lengths it has seen in all, and the median and spread (log
 * units) in force, so a restored baseline judges exactly as the one saved. About 4 KB at the
 * default window of 1,000.
 */
public record CompletionLengthState(float[] logLengths, int filled, int next, long seen, double median, double scale) {
  public CompletionLengthState {
    logLengths = logLengths.clone();
    if (!Double.isFinite(median) || !(scale > 0) || !Double.isFinite(scale)) {
      throw new IllegalArgumentException("median must be finite and scale positive, got " + median + " and " + scale);
    }
    if (filled < 0 || filled > logLengths.length) {
      throw new IllegalArgumentException("filled must be in 0.." + logLengths.length + ", got " + filled);
    }
    if (next < 0 || next >= Math.max(1, logLengths.length)) {
      throw new IllegalArgumentException("next must be in 0.." + (logLengths.length - 1) + ", got " + next);
    }
    if (seen < filled) throw new IllegalArgumentException("seen (" + seen + ") must be at least filled (" + filled + ")");
  }

  @Override
  public float[] logLengths() {
    return logLengths.clone();
  }
}
