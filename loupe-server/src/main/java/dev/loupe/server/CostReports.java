package dev.loupe.server;

import dev.loupe.api.CostApi;
import dev.loupe.dimension.compute.ComputeDimensionJudge;
import dev.loupe.dimension.compute.GpuRuleSignals;
import dev.loupe.dimension.compute.GpuState;
import dev.loupe.dimension.cost.CostDimensionJudge;
import dev.loupe.ingest.CostEnricher;
import java.time.Clock;
import dev.loupe.dimension.cost.Budget;
import dev.loupe.dimension.cost.BudgetEvaluator;
import dev.loupe.dimension.cost.BudgetPeriod;
import dev.loupe.dimension.cost.BudgetScope;
import dev.loupe.dimension.cost.BudgetStatus;
import dev.loupe.dimension.cost.BurnRateThresholds;
import dev.loupe.dimension.cost.GpuSpend;
import dev.loupe.dimension.cost.PriceCatalog;
import dev.loupe.dimension.cost.SpendPoint;
import dev.loupe.dimension.cost.UnpricedModel;
import dev.loupe.model.CostSource;
import dev.loupe.model.CostSummary;
import dev.loupe.model.LabelMatcher;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.SeriesSelector;
import dev.loupe.model.SpendBucket;
import dev.loupe.rule.SignalSource;
import dev.loupe.store.Store;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Spend as the cost endpoints and rules read it, computed from the stored inferences' costs and
 * the GPUs' stored utilization with the price catalog in force: budgets (spent, burn rates,
 * forecast), GPU spend and idle waste, and the models no price covers. Budgets are evaluated from
 * per-minute spend over the slow burn window and per-hour spend before it, both counted back from
 * the evaluation time, so the burn windows and a rolling period hold whole buckets (exact sums);
 * a calendar period's start splits the buckets too.
 */
final class CostReports implements CostApi {
  static final long MINUTE = 60_000;
  static final long HOUR = 3_600_000;
  /** GPU utilization is read this much at a time: a day of a large fleet stays under a rule query's sample cap. */
  static final long GPU_CHUNK_MILLIS = 6 * HOUR;
  /** A subject of an organisation budget: all spend together. */
  static final String ALL = "all";

  private final Store store;
  private final PriceCatalog catalog;
  private final CostEnricher enricher;
  private final List<BudgetSpec> budgets;
  private final SignalSource gpus;
  private final double idleBelow;

  /** {@code gpus} answers {@code loupe_gpu_utilization_ratio} (a {@link GpuRuleSignals} over the store). */
  CostReports(Store store, PriceCatalog catalog, CostEnricher enricher, List<BudgetSpec> budgets, SignalSource gpus,
      double idleBelow) {
    this.store = store;
    this.catalog = catalog;
    this.enricher = enricher;
    this.budgets = List.copyOf(budgets);
    BudgetSpec.budgets(budgets);
    this.gpus = gpus;
    this.idleBelow = idleBelow;
  }

  /** Prices nothing, holds no budget and knows no GPU. */
  static CostReports off(Store store) {
    return new CostReports(store, PriceCatalog.EMPTY, CostEnricher.OFF, List.of(), (selector, from, to) -> List.of(),
        GpuSpend.IDLE_BELOW);
  }

  @Override
  public boolean pricing() {
    return enricher.enabled();
  }

  /** The ingest step that prices inferences and counts their spend. */
  CostEnricher enricher() {
    return enricher;
  }

  /**
   * The cost dimension's judge: data once an inference was priced, or while a GPU whose model has
   * a price reports (as the compute judge sees it: not stale).
   */
  CostDimensionJudge judge(ComputeDimensionJudge compute, Clock clock, long startedMillis) {
    return new CostDimensionJudge(enricher::lastPricedMillis, () -> {
      long now = clock.millis();
      for (GpuState g : compute.gpus(now)) {
        if (!g.stale() && catalog.gpuPrice(g.key().modelName(), now).isPresent()) return now;
      }
      return 0;
    }, startedMillis);
  }

  @Override
  public PriceCatalog catalog() {
    return catalog;
  }

  /** The label a budget's subjects are counted by; null for an organisation's. */
  static String subjectLabel(BudgetScope scope) {
    return switch (scope) {
      case ORGANISATION -> null;
      case TENANT -> "tenant";
      // Loupe knows a user by the hash of the API key it calls with (DESIGN: "user / API-key hash").
      case USER, API_KEY -> "api_key";
      case DEPLOYMENT -> "deployment";
    };
  }

  @Override
  public List<BudgetStatus> budgets(long nowMillis) {
    List<BudgetStatus> out = new ArrayList<>();
    for (BudgetSpec spec : budgets) out.addAll(evaluate(spec.toBudget(), spec.thresholds(), nowMillis));
    return out;
  }

  /** The burn-rate windows and multiples of the budget named so (the defaults for another name). */
  BurnRateThresholds thresholds(String budget) {
    for (BudgetSpec spec : budgets) {
      if (spec.name().equals(budget)) return spec.thresholds();
    }
    return BurnRateThresholds.DEFAULT;
  }

  /** One budget's state for each subject it covers. */
  List<BudgetStatus> evaluate(Budget budget, BurnRateThresholds thresholds, long nowMillis) {
    String label = subjectLabel(budget.scope());
    List<String> groupBy = label == null ? List.of() : List.of(label);
    List<LabelMatcher> matchers = budget.subject() == null || label == null
        ? List.of() : List.of(new LabelMatcher(label, LabelMatcher.Op.EQ, budget.subject()));
    long slow = Math.max(thresholds.slowWindow().toMillis(), thresholds.fastWindow().toMillis());
    BudgetPeriod.Window period = budget.period().at(nowMillis);
    boolean rolling = budget.period() instanceof BudgetPeriod.Rolling;
    // The first millisecond counted: a rolling window is (start, end], a calendar period [start, end).
    long periodFrom = rolling ? period.startMillis() + 1 : period.startMillis();
    long fineFrom = nowMillis - slow + 1;
    long to = nowMillis + 1;
    long from = Math.min(periodFrom, fineFrom);
    List<long[]> ranges = new ArrayList<>();
    List<Long> cuts = new ArrayList<>(List.of(from, to));
    if (fineFrom > from && fineFrom < to) cuts.add(fineFrom);
    if (!rolling && periodFrom > from && periodFrom < to) cuts.add(periodFrom);
    cuts.sort(Long::compare);
    for (int i = 0; i + 1 < cuts.size(); i++) {
      if (cuts.get(i + 1) > cuts.get(i)) ranges.add(new long[] {cuts.get(i), cuts.get(i + 1)});
    }
    Map<String, List<SpendPoint>> bySubject = new LinkedHashMap<>();
    for (long[] r : ranges) {
      long bucket = r[0] >= fineFrom ? MINUTE : HOUR;
      for (SpendBucket b : store.spendBuckets(r[0], r[1], bucket, groupBy, matchers)) {
        String subject = label == null ? ALL : b.group().get(label);
        if (subject == null || subject.isEmpty() || !(b.spend() >= 0)) continue;
        bySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(new SpendPoint(b.endMillis(), b.spend()));
      }
    }
    return BudgetEvaluator.evaluateEach(budget, bySubject, nowMillis, thresholds);
  }

  @Override
  public List<GpuSpend.Gpu> gpus(long fromMillis, long toMillis) {
    Map<String, GpuSpend.Gpu> merged = new LinkedHashMap<>();
    SeriesSelector utilization = new SeriesSelector(GpuRuleSignals.UTILIZATION, List.of());
    for (long start = fromMillis; start < toMillis; start += GPU_CHUNK_MILLIS) {
      long end = Math.min(toMillis, start + GPU_CHUNK_MILLIS);
      // The reading before the chunk counts into it, up to the staleness gap.
      List<RangeSeries> series = gpus.range(utilization, start - GpuSpend.MAX_GAP_MILLIS, end - 1);
      for (GpuSpend.Gpu g : GpuSpend.of(series, catalog, start, end, idleBelow)) {
        merged.merge(g.node() + "/" + g.gpu() + "/" + g.uuid(), g, CostReports::add);
      }
    }
    List<GpuSpend.Gpu> out = new ArrayList<>(merged.values());
    out.sort(Comparator.comparingDouble(GpuSpend.Gpu::spend).reversed()
        .thenComparing(GpuSpend.Gpu::node).thenComparing(GpuSpend.Gpu::gpu));
    return out;
  }

  private static GpuSpend.Gpu add(GpuSpend.Gpu a, GpuSpend.Gpu b) {
    return new GpuSpend.Gpu(b.node(), b.gpu(), b.uuid(), b.gpuModel(), b.workload(), b.cluster(),
        a.hours() + b.hours(), a.idleHours() + b.idleHours(), a.priced() && b.priced() ? b.hourly() : null,
        a.spend() + b.spend(), a.waste() + b.waste());
  }

  @Override
  public List<UnpricedModel> unpriced(long fromMillis, long toMillis) {
    List<UnpricedModel> out = new ArrayList<>();
    if (!enricher.enabled()) return out;
    List<LabelMatcher> unknown =
        List.of(new LabelMatcher("cost_source", LabelMatcher.Op.EQ, CostSource.UNKNOWN.wireName()));
    for (CostSummary s : store.costSummary(fromMillis, toMillis, List.of("model"), unknown)) {
      String model = s.group().get("model");
      // An unknown cost of a priced model lacked token counts: the catalog is not to blame.
      if (model == null || s.lastMillis() == null || catalog.modelPrice(null, model, s.lastMillis()).isPresent()) {
        continue;
      }
      out.add(new UnpricedModel(null, model, s.requests(), s.inputTokens(), s.outputTokens(), s.firstMillis(),
          s.lastMillis()));
    }
    out.sort(Comparator.comparingLong(UnpricedModel::tokens).reversed().thenComparing(UnpricedModel::model));
    return out;
  }
}
