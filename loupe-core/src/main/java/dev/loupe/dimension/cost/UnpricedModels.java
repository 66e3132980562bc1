package dev.loupe.dimension.cost;

import dev.loupe.model.Dimension;
import dev.loupe.model.Finding;
import dev.loupe.model.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * A tally of the models no price covers, with their token volume, so that an unpriced model is a
 * finding rather than a silent $0. Safe to add to from several ingest threads; bounded: models
 * beyond {@link #MAX_MODELS} are counted together under {@link #OTHERS}.
 */
public final class UnpricedModels {
  static final int MAX_MODELS = 1000;
  /** The name the volume of models beyond the bound is counted under. */
  public static final String OTHERS = "(other models)";

  private final ConcurrentHashMap<String, Tally> tallies = new ConcurrentHashMap<>();

  /** Counts one unpriced inference of {@code model} ({@code provider} may be null). */
  public void add(String provider, String model, long timestampMillis, long inputTokens, long outputTokens) {
    String key = provider == null ? model : provider + "/" + model;
    Tally t = tallies.get(key);
    if (t == null) {
      boolean full = tallies.size() >= MAX_MODELS;
      t = tallies.computeIfAbsent(full ? OTHERS : key, k -> full ? new Tally(null, OTHERS) : new Tally(provider, model));
    }
    t.inferences.increment();
    t.input.add(inputTokens);
    t.output.add(outputTokens);
    t.first.accumulate(timestampMillis);
    t.last.accumulate(timestampMillis);
  }

  /** Every unpriced model, the most tokens first. */
  public List<UnpricedModel> snapshot() {
    List<UnpricedModel> out = new ArrayList<>();
    for (Tally t : tallies.values()) {
      out.add(new UnpricedModel(t.provider, t.model, t.inferences.sum(), t.input.sum(), t.output.sum(),
          t.first.get(), t.last.get()));
    }
    out.sort(Comparator.comparingLong(UnpricedModel::tokens).reversed()
        .thenComparing(Comparator.comparingLong(UnpricedModel::inferences).reversed())
        .thenComparing(UnpricedModel::model));
    return out;
  }

  /**
   * The cost dimension's finding that some models have no price, naming them with their volume
   * (the most tokens first), or empty when every model seen is priced.
   */
  public Optional<Finding> finding() {
    List<UnpricedModel> models = snapshot();
    if (models.isEmpty()) return Optional.empty();
    StringBuilder reason = new StringBuilder();
    reason.append(models.size()).append(models.size() == 1 ? " model has" : " models have")
        .append(" no price, so their spend is unknown: ");
    Map<String, String> evidence = new LinkedHashMap<>();
    long since = Long.MAX_VALUE;
    for (int i = 0; i < models.size(); i++) {
      UnpricedModel m = models.get(i);
      String name = m.provider() == null ? m.model() : m.provider() + "/" + m.model();
      String volume = tokens(m.tokens()) + " tokens in " + m.inferences()
          + (m.inferences() == 1 ? " inference" : " inferences");
      if (i < 5) reason.append(i == 0 ? "" : "; ").append(name).append(" (").append(volume).append(')');
      evidence.put(name, volume);
      since = Math.min(since, m.firstSeenMillis());
    }
    if (models.size() > 5) reason.append("; and ").append(models.size() - 5).append(" more");
    return Optional.of(new Finding(Dimension.COST, "unpriced_models", Severity.WARNING, "price catalog",
        reason.toString(), since, evidence));
  }

  /** 1234567 as "1.2M", 12345 as "12.3k". */
  static String tokens(long n) {
    if (n >= 1_000_000) return String.format(Locale.ROOT, "%.1fM", n / 1e6);
    if (n >= 1_000) return String.format(Locale.ROOT, "%.1fk", n / 1e3);
    return Long.toString(n);
  }

  private static final class Tally {
    final String provider;
    final String model;
    final LongAdder inferences = new LongAdder();
    final LongAdder input = new LongAdder();
    final LongAdder output = new LongAdder();
    final LongAccumulator first = new LongAccumulator(Math::min, Long.MAX_VALUE);
    final LongAccumulator last = new LongAccumulator(Math::max, Long.MIN_VALUE);

    Tally(String provider, String model) {
      this.provider = provider;
      this.model = model;
    }
  }
}
