package dev.loupe.dimension.cost;

/**
 * A model inferences named that no catalog entry prices (at their time), with the volume left
 * unpriced: {@code provider} may be null; {@code model} is {@link UnpricedModels#OTHERS} for the
 * volume of models beyond the tally's bound.
 */
public record UnpricedModel(
    String provider, String model, long inferences, long inputTokens, long outputTokens, long firstSeenMillis,
    long lastSeenMillis) {
  public long tokens() {
    return inputTokens + outputTokens;
  }
}
