package dev.loupe.dimension.cost;

import dev.loupe.model.CostSource;

/**
 * What one inference costs and why: {@code cost} in dollars (null unless {@code source} is
 * reported or catalog), and the catalog entry that priced it (null for other sources).
 */
public record CostQuote(Double cost, CostSource source, ModelPrice price) {
  static final CostQuote UNKNOWN = new CostQuote(null, CostSource.UNKNOWN, null);
  static final CostQuote PROVISIONED = new CostQuote(null, CostSource.PROVISIONED, null);
}
