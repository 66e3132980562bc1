package dev.loupe.dimension.cost;

import dev.loupe.model.Inference;

/**
 * The tokens one inference used, as priced: {@code input} counts every input token, cache reads
 * and writes included, and {@code output} every output token, reasoning included (the GenAI
 * conventions' sums). Counts a sender left out are 0.
 */
public record TokenUsage(long input, long output, long cacheRead, long cacheWrite, long reasoning) {
  public TokenUsage {
    if (input < 0 || output < 0 || cacheRead < 0 || cacheWrite < 0 || reasoning < 0) {
      throw new IllegalArgumentException("token counts must not be negative");
    }
  }

  /** Plain input and output tokens only. */
  public static TokenUsage of(long input, long output) {
    return new TokenUsage(input, output, 0, 0, 0);
  }

  /**
   * The usage an inference reports, or null when it has neither input nor output tokens (a
   * total alone cannot be priced: input and output have different prices).
   */
  public static TokenUsage of(Inference i) {
    if (i.inputTokens() == null && i.outputTokens() == null) return null;
    return new TokenUsage(
        orZero(i.inputTokens()), orZero(i.outputTokens()), orZero(i.cachedTokens()),
        orZero(i.cacheWriteTokens()), orZero(i.reasoningTokens()));
  }

  /** Input tokens read neither from nor into a cache. */
  public long uncachedInput() {
    return Math.max(0, input - cacheRead - cacheWrite);
  }

  /** Output tokens that are not reasoning. */
  public long plainOutput() {
    return Math.max(0, output - reasoning);
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }
}
