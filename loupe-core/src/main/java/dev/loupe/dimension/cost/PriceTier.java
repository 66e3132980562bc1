package dev.loupe.dimension.cost;

import java.util.Objects;

/**
 * Prices for prompts above a size: when an inference's input tokens (cached ones included) are
 * more than {@code aboveInputTokens}, all its tokens are priced at {@code prices}, as providers
 * bill long-context requests.
 */
public record PriceTier(long aboveInputTokens, TokenPrices prices) {
  public PriceTier {
    if (aboveInputTokens <= 0) {
      throw new IllegalArgumentException("above_input_tokens must be positive, got " + aboveInputTokens);
    }
    Objects.requireNonNull(prices, "prices");
  }
}
