package dev.loupe.dimension.cost;

import dev.loupe.model.CostSource;
import dev.loupe.model.Inference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Prices inferences at ingest, once each. A cost the sender reported wins; an inference of a
 * provisioned deployment has no cost of its own (its hours are its spend); otherwise the catalog
 * entry in force at the inference's time prices its tokens. When none does, the cost is unknown
 * (null), never $0, and the model is counted in {@link #unpriced()}. Which entries match a
 * (provider, model) pair is worked out once and cached, so pricing costs a map lookup and a few
 * multiplications. Safe for several ingest threads.
 *
 * <pre>{@code
 * InferencePricer pricer = new InferencePricer(catalog);
 * List<Inference> priced = pricer.price(batch.inferences());
 * pricer.unpriced().finding().ifPresent(findings::add);
 * }</pre>
 */
public final class InferencePricer {
  /** Distinct (provider, model) names whose matches are cached; beyond, they are worked out each time. */
  static final int MAX_CACHED = 10_000;

  private final PriceCatalog catalog;
  private final ConcurrentHashMap<String, InForce<ModelPrice>> matches = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, InForce<HourlyPrice>> provisioned = new ConcurrentHashMap<>();
  private final UnpricedModels unpriced = new UnpricedModels();
  private final LongAdder withoutTokens = new LongAdder();

  public InferencePricer(PriceCatalog catalog) {
    this.catalog = catalog;
  }

  public PriceCatalog catalog() {
    return catalog;
  }

  /** The models no price covered so far, with their volume (a finding lists them). */
  public UnpricedModels unpriced() {
    return unpriced;
  }

  /** Inferences of a priced model that carried no input or output token count (their cost is unknown). */
  public long withoutTokens() {
    return withoutTokens.sum();
  }

  /** {@code inferences} with their cost and cost source set. */
  public List<Inference> price(List<Inference> inferences) {
    List<Inference> out = new ArrayList<>(inferences.size());
    for (Inference i : inferences) out.add(price(i));
    return out;
  }

  /** The inference with its cost and cost source set (itself when the sender reported a cost). */
  public Inference price(Inference i) {
    return price(i, null);
  }

  /** The same, with the provider the sender named ({@code gen_ai.provider.name}; null when unknown). */
  public Inference price(Inference i, String provider) {
    if (i.cost() != null) return i;
    CostQuote q = quote(provider, i.key().model(), i.key().deployment(), i.timestampMillis(), TokenUsage.of(i));
    return i.withCost(q.cost(), q.source());
  }

  /**
   * What {@code usage} (null when the inference reported no token counts) of {@code model} on
   * {@code deployment} at {@code timestampMillis} costs, by the catalog. Counts an unpriced model.
   */
  public CostQuote quote(String provider, String model, String deployment, long timestampMillis, TokenUsage usage) {
    if (catalog.hasProvisioned() && deployment != null && provisionedOf(deployment).at(timestampMillis) != null) {
      return CostQuote.PROVISIONED;
    }
    ModelPrice price = matchesOf(provider, model).at(timestampMillis);
    if (price == null) {
      unpriced.add(provider, model, timestampMillis, usage == null ? 0 : usage.input(), usage == null ? 0 : usage.output());
      return CostQuote.UNKNOWN;
    }
    if (usage == null) {
      withoutTokens.increment();
      return CostQuote.UNKNOWN;
    }
    return new CostQuote(price.cost(usage), CostSource.CATALOG, price);
  }

  private InForce<HourlyPrice> provisionedOf(String deployment) {
    InForce<HourlyPrice> m = provisioned.get(deployment);
    if (m == null) {
      m = catalog.provisionedMatches(deployment);
      if (provisioned.size() < MAX_CACHED) provisioned.putIfAbsent(deployment, m);
    }
    return m;
  }

  private InForce<ModelPrice> matchesOf(String provider, String model) {
    String key = provider == null ? model : provider + '\u0000' + model;
    InForce<ModelPrice> m = matches.get(key);
    if (m == null) {
      m = catalog.matches(provider, model);
      if (matches.size() < MAX_CACHED) matches.putIfAbsent(key, m);
    }
    return m;
  }
}
