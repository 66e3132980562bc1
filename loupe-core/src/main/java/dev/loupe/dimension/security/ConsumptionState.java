package dev.loupe.dimension.security;

/**
 * What a {@link ConsumptionBaseline} has learnt about one subject, to persist and restore (about
 * 1.5 KB): per weekday/weekend hour-of-day slot, the EWMA of log usage and how many hours fed it;
 * the all-hours EWMA; the last 48 residuals from which the median absolute deviation is read;
 * the hours of day the subject was ever active (a 24-bit mask); when it was first seen, its last
 * hour, its active hours, and whether its heavy first use was already reported.
 */
public record ConsumptionState(
    double[] tokenLevel, double[] requestLevel, int[] slotCount, double tokenOverall, double requestOverall,
    float[] tokenResiduals, float[] requestResiduals, int residuals, int hourMask,
    long firstSeenMillis, long lastHourMillis, long activeHours, boolean newKeyReported) {
  public ConsumptionState {
    tokenLevel = tokenLevel.clone();
    requestLevel = requestLevel.clone();
    slotCount = slotCount.clone();
    tokenResiduals = tokenResiduals.clone();
    requestResiduals = requestResiduals.clone();
    if (tokenLevel.length != ConsumptionBaseline.SLOTS || requestLevel.length != ConsumptionBaseline.SLOTS
        || slotCount.length != ConsumptionBaseline.SLOTS) {
      throw new IllegalArgumentException("levels and counts must have " + ConsumptionBaseline.SLOTS + " slots");
    }
    if (tokenResiduals.length != ConsumptionBaseline.RESIDUALS || requestResiduals.length != ConsumptionBaseline.RESIDUALS) {
      throw new IllegalArgumentException("residual rings must hold " + ConsumptionBaseline.RESIDUALS + " values");
    }
  }

  @Override
  public double[] tokenLevel() {
    return tokenLevel.clone();
  }

  @Override
  public double[] requestLevel() {
    return requestLevel.clone();
  }

  @Override
  public int[] slotCount() {
    return slotCount.clone();
  }

  @Override
  public float[] tokenResiduals() {
    return tokenResiduals.clone();
  }

  @Override
  public float[] requestResiduals() {
    return requestResiduals.clone();
  }
}
