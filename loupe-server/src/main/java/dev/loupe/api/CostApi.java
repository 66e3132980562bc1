package dev.loupe.api;

import dev.loupe.dimension.cost.BudgetStatus;
import dev.loupe.dimension.cost.GpuSpend;
import dev.loupe.dimension.cost.PriceCatalog;
import dev.loupe.dimension.cost.UnpricedModel;
import java.util.List;

/** What the cost endpoints read beyond the store: budgets, GPU spend, unpriced models and the prices in force. */
public interface CostApi {
  /** Whether inferences are priced at ingest ({@code prices.enabled}). */
  boolean pricing();

  /** The catalog in force: the config's entries, then its files, then the shipped defaults. */
  PriceCatalog catalog();

  /** Every budget's state for each subject it covers, at {@code nowMillis}. */
  List<BudgetStatus> budgets(long nowMillis);

  /** Each GPU's hours, spend and idle waste over {@code [fromMillis, toMillis)}. */
  List<GpuSpend.Gpu> gpus(long fromMillis, long toMillis);

  /** The models whose inferences of {@code [fromMillis, toMillis)} no price covers, the most tokens first. */
  List<UnpricedModel> unpriced(long fromMillis, long toMillis);
}
