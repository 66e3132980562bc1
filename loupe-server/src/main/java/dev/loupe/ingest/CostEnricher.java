package dev.loupe.ingest;

import dev.loupe.dimension.cost.InferencePricer;
import dev.loupe.model.Batch;
import dev.loupe.model.Inference;
import dev.loupe.model.SeriesKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * The cost step of the ingest pipeline: prices every inference of a batch once, before it is
 * stored (a reported cost wins; an unknown one stays null, never $0), and counts the spend of the
 * inferences the store kept per series since the start, for {@code /metrics}' counters. {@link
 * #OFF} prices nothing (a sender's reported cost is still stored as such). Safe for several ingest
 * threads.
 */
public final class CostEnricher {
  /** Prices nothing and counts nothing. */
  public static final CostEnricher OFF = new CostEnricher(null);

  private final InferencePricer pricer;
  private final ConcurrentHashMap<SeriesKey, DoubleAdder> spend = new ConcurrentHashMap<>();
  private final LongAccumulator lastPriced = new LongAccumulator(Math::max, 0);

  public CostEnricher(InferencePricer pricer) {
    this.pricer = pricer;
  }

  /** Whether inferences are priced at all. */
  public boolean enabled() {
    return pricer != null;
  }

  /** The pricer (its catalog and its tally of unpriced models); null when off. */
  public InferencePricer pricer() {
    return pricer;
  }

  /** The batch with each inference's cost and cost source set; the batch itself when nothing changed. */
  Batch price(Batch batch) {
    if (pricer == null || batch.inferences().isEmpty()) return batch;
    List<Inference> priced = new ArrayList<>(batch.inferences().size());
    for (Inference i : batch.inferences()) priced.add(pricer.price(i));
    return batch.withInferences(priced);
  }

  /** Counts the spend of inferences now stored (a re-sent one is not among them). */
  void stored(List<Inference> kept) {
    if (pricer == null) return;
    // A batch is mostly runs of one series: summed locally, one shared counter update per run.
    SeriesKey run = null;
    double sum = 0;
    long newest = 0;
    for (Inference i : kept) {
      if (i.cost() == null) continue;
      if (run != null && !run.equals(i.key())) {
        spend.computeIfAbsent(run, k -> new DoubleAdder()).add(sum);
        sum = 0;
      }
      run = i.key();
      sum += i.cost();
      newest = Math.max(newest, i.timestampMillis());
    }
    if (run != null) spend.computeIfAbsent(run, k -> new DoubleAdder()).add(sum);
    if (newest > 0) lastPriced.accumulate(newest);
  }

  /** Dollars of the inferences stored since the start, per series. */
  public Map<SeriesKey, Double> spendSinceStart() {
    Map<SeriesKey, Double> out = new TreeMap<>(java.util.Comparator.comparing(SeriesKey::toString));
    spend.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** The time of the newest stored inference with a known cost, 0 before any. */
  public long lastPricedMillis() {
    return lastPriced.get();
  }

  /** Notes an inference with a known cost stored before the start (read back from the store). */
  public void pricedBefore(long timestampMillis) {
    lastPriced.accumulate(timestampMillis);
  }
}
