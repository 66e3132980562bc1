package dev.loupe.api;

import dev.loupe.dimension.cost.BudgetPeriod;
import dev.loupe.dimension.cost.BudgetStatus;
import dev.loupe.dimension.cost.GpuSpend;
import dev.loupe.dimension.cost.HourlyPrice;
import dev.loupe.dimension.cost.ModelPrice;
import dev.loupe.dimension.cost.PriceTier;
import dev.loupe.dimension.cost.TokenPrices;
import dev.loupe.dimension.cost.UnpricedModel;
import dev.loupe.model.CostSummary;
import dev.loupe.model.LabelMatcher;
import dev.loupe.store.Store;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cost endpoints: {@code GET /api/v1/cost} (spend per group of labels over a range, cost per
 * inference, per successful inference and per 1,000 requests, unpriced volume, and with
 * {@code compare=previous} the spend of the window before), {@code GET /api/v1/cost/gpus} (GPU
 * spend and idle waste), {@code GET /api/v1/budgets} and {@code GET /api/v1/prices}. Ranges default
 * to the last 24 hours; numbers that do not exist (a mean of nothing) are null.
 */
final class CostHandler {
  /** Query labels: {@code user} is the API key's hash, as Loupe knows a user by the key it calls with. */
  static final List<String> LABELS = List.of(
      "service", "deployment", "model", "model_version", "tenant", "api_key", "user", "operation", "cost_source");
  private static final long DAY = 24 * 3_600_000L;

  private final Store store;
  private final CostApi costs;
  private final Clock clock;

  CostHandler(Store store, CostApi costs, Clock clock) {
    this.store = store;
    this.costs = costs;
    this.clock = clock;
  }

  /** {@code GET /api/v1/cost?group_by=model,model_version&start=&end=&deployment=&compare=previous}. */
  void spend(Context ctx) {
    long start;
    long end;
    List<String> groupBy = new ArrayList<>();
    List<String> storeGroupBy = new ArrayList<>();
    List<LabelMatcher> filters = new ArrayList<>();
    boolean compare;
    try {
      end = QueryParams.time("end", ctx.queryParam("end"), clock.millis() + 1);
      start = QueryParams.time("start", ctx.queryParam("start"), end - DAY);
      if (end <= start) throw new IllegalArgumentException("end must be after start");
      String by = ctx.queryParam("group_by");
      if (by != null) {
        for (String g : by.split(",")) {
          String label = g.trim();
          if (label.isEmpty() || groupBy.contains(label)) continue;
          if (!LABELS.contains(label)) {
            throw new IllegalArgumentException("group_by: unknown label '" + label + "'; one of " + LABELS);
          }
          groupBy.add(label);
          storeGroupBy.add(storeLabel(label));
        }
      }
      for (String label : LABELS) {
        String v = ctx.queryParam(label);
        if (v != null) filters.add(new LabelMatcher(storeLabel(label), LabelMatcher.Op.EQ, v));
      }
      String c = ctx.queryParam("compare");
      if (c != null && !c.equals("previous")) {
        throw new IllegalArgumentException("compare: only 'previous' (the window of equal length before) is known, got " + c);
      }
      compare = c != null;
    } catch (IllegalArgumentException e) {
      ApiJson.error(ctx, 400, e.getMessage(), List.of());
      return;
    }
    List<String> distinctStoreGroups = storeGroupBy.stream().distinct().toList();
    Map<Map<String, String>, Double> previous = new HashMap<>();
    if (compare) {
      for (CostSummary p : store.costSummary(2 * start - end, start, distinctStoreGroups, filters)) {
        previous.put(p.group(), p.spend());
      }
    }
    List<Map<String, Object>> data = new ArrayList<>();
    for (CostSummary s : store.costSummary(start, end, distinctStoreGroups, filters)) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < groupBy.size(); i++) m.put(groupBy.get(i), s.group().get(storeGroupBy.get(i)));
      figures(m, s);
      if (compare) {
        double before = previous.getOrDefault(s.group(), 0.0);
        m.put("previous_spend", before);
        m.put("change", s.spend() - before);
      }
      data.add(m);
    }
    Map<String, Object> total = new LinkedHashMap<>();
    List<CostSummary> all = store.costSummary(start, end, List.of(), filters);
    if (!all.isEmpty()) figures(total, all.get(0));
    else total.put("spend", 0.0);
    List<Map<String, Object>> unpriced = new ArrayList<>();
    for (UnpricedModel u : costs.unpriced(start, end)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("model", u.model());
      m.put("inferences", u.inferences());
      m.put("input_tokens", u.inputTokens());
      m.put("output_tokens", u.outputTokens());
      m.put("tokens", u.tokens());
      m.put("first_seen", ApiJson.time(u.firstSeenMillis()));
      m.put("last_seen", ApiJson.time(u.lastSeenMillis()));
      unpriced.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("start", ApiJson.time(start));
    body.put("end", ApiJson.time(end));
    body.put("group_by", groupBy);
    body.put("pricing", costs.pricing());
    body.put("total", total);
    body.put("data", data);
    body.put("unpriced_models", unpriced);
    ApiJson.write(ctx, 200, body);
  }

  private static String storeLabel(String label) {
    return label.equals("user") ? "api_key" : label;
  }

  private static void figures(Map<String, Object> m, CostSummary s) {
    m.put("spend", s.spend());
    m.put("requests", s.requests());
    m.put("successful", s.successful());
    m.put("priced", s.priced());
    m.put("unknown_cost", s.unknown());
    m.put("provisioned", s.provisioned());
    Map<String, Object> per = new LinkedHashMap<>();
    per.put("mean", number(s.meanCost()));
    per.put("p95", number(s.p95Cost()));
    m.put("cost_per_inference", per);
    m.put("cost_per_successful_inference", number(s.perSuccessful()));
    m.put("cost_per_1000_requests", number(s.perThousandRequests()));
    m.put("input_tokens", s.inputTokens());
    m.put("output_tokens", s.outputTokens());
    m.put("unpriced_tokens", s.unpricedTokens());
  }

  /** {@code GET /api/v1/cost/gpus?start=&end=&group_by=cluster}: per GPU, per group, and the waste share per cluster. */
  void gpus(Context ctx) {
    long start;
    long end;
    List<String> groupBy = new ArrayList<>();
    try {
      end = QueryParams.time("end", ctx.queryParam("end"), clock.millis() + 1);
      start = QueryParams.time("start", ctx.queryParam("start"), end - DAY);
      if (end <= start) throw new IllegalArgumentException("end must be after start");
      String by = ctx.queryParam("group_by");
      for (String g : (by == null ? "gpu_model,workload" : by).split(",")) {
        String label = g.trim();
        if (label.isEmpty() || groupBy.contains(label)) continue;
        if (!GpuSpend.GROUPS.contains(label)) {
          throw new IllegalArgumentException("group_by: unknown label '" + label + "'; one of " + GpuSpend.GROUPS);
        }
        groupBy.add(label);
      }
    } catch (IllegalArgumentException e) {
      ApiJson.error(ctx, 400, e.getMessage(), List.of());
      return;
    }
    List<GpuSpend.Gpu> gpus = costs.gpus(start, end);
    List<Map<String, Object>> each = new ArrayList<>();
    for (GpuSpend.Gpu g : gpus) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("node", g.node());
      m.put("gpu", g.gpu());
      m.put("uuid", g.uuid());
      m.put("gpu_model", g.gpuModel());
      m.put("workload", g.workload());
      m.put("cluster", g.cluster());
      m.put("hours", g.hours());
      m.put("idle_hours", g.idleHours());
      m.put("hourly_price", g.hourly());
      m.put("spend", g.spend());
      m.put("waste", g.waste());
      each.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("start", ApiJson.time(start));
    body.put("end", ApiJson.time(end));
    body.put("idle_below", GpuSpend.IDLE_BELOW);
    body.put("group_by", groupBy);
    body.put("total", total(GpuSpend.totals(gpus, List.of()), Map.of()));
    List<Map<String, Object>> groups = new ArrayList<>();
    for (GpuSpend.Total t : GpuSpend.totals(gpus, groupBy)) groups.add(total(List.of(t), t.group()));
    body.put("groups", groups);
    List<Map<String, Object>> clusters = new ArrayList<>();
    for (GpuSpend.Total t : GpuSpend.totals(gpus, List.of("cluster"))) clusters.add(total(List.of(t), t.group()));
    body.put("clusters", clusters);
    body.put("gpus", each);
    ApiJson.write(ctx, 200, body);
  }

  private static Map<String, Object> total(List<GpuSpend.Total> totals, Map<String, String> group) {
    Map<String, Object> m = new LinkedHashMap<>(group);
    GpuSpend.Total t = totals.isEmpty() ? new GpuSpend.Total(group, 0, 0, 0, 0, 0, 0) : totals.get(0);
    m.put("gpus", t.gpus());
    m.put("unpriced_gpus", t.unpricedGpus());
    m.put("hours", t.hours());
    m.put("idle_hours", t.idleHours());
    m.put("spend", t.spend());
    m.put("waste", t.waste());
    m.put("waste_share", number(t.wasteShare()));
    return m;
  }

  /** {@code GET /api/v1/budgets}: every budget per subject, the most used first within each. */
  void budgets(Context ctx) {
    long now = clock.millis();
    List<Map<String, Object>> data = new ArrayList<>();
    for (BudgetStatus s : costs.budgets(now)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("budget", s.budget().name());
      m.put("scope", s.budget().scope().wireName());
      m.put("subject", s.subject());
      if (s.budget().period() instanceof BudgetPeriod.Calendar c) {
        m.put("period", c.unit().wireName());
        m.put("zone", c.zone().getId());
      } else if (s.budget().period() instanceof BudgetPeriod.Rolling r) {
        m.put("period", "rolling");
        m.put("window", r.window().toString());
      }
      m.put("period_start", ApiJson.time(s.periodStartMillis()));
      m.put("period_end", ApiJson.time(s.periodEndMillis()));
      m.put("limit", s.limit());
      m.put("spent", s.spent());
      m.put("remaining", s.remaining());
      m.put("used_ratio", s.fractionUsed());
      m.put("exceeded", s.exceeded());
      m.put("even_rate_per_hour", s.evenRatePerHour());
      Map<String, Object> burn = new LinkedHashMap<>();
      burn.put("fast", Map.of("rate_per_hour", s.fastRatePerHour(), "multiple", s.fastBurn(), "burning", s.fastBurning()));
      burn.put("slow", Map.of("rate_per_hour", s.slowRatePerHour(), "multiple", s.slowBurn(), "burning", s.slowBurning()));
      m.put("burn_rate", burn);
      Map<String, Object> forecast = new LinkedHashMap<>();
      forecast.put("rate_per_hour", s.currentRatePerHour());
      forecast.put(s.exceeded() ? "exceeded_at" : "exhausted_at",
          s.exhaustedAtMillis() == null ? null : ApiJson.time(s.exhaustedAtMillis()));
      forecast.put("projected_spend", s.projectedSpend());
      m.put("forecast", forecast);
      data.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("evaluated_at", ApiJson.time(now));
    body.put("data", data);
    ApiJson.write(ctx, 200, body);
  }

  /** {@code GET /api/v1/prices[?model=NAME&at=TIME]}: the catalog in force, or the entry that prices one model. */
  void prices(Context ctx) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("pricing", costs.pricing());
    String model = ctx.queryParam("model");
    if (model != null) {
      long at;
      try {
        at = QueryParams.time("at", ctx.queryParam("at"), clock.millis());
      } catch (IllegalArgumentException e) {
        ApiJson.error(ctx, 400, e.getMessage(), List.of());
        return;
      }
      body.put("model", model);
      body.put("at", ApiJson.time(at));
      body.put("price", costs.catalog().modelPrice(null, model, at).map(CostHandler::modelEntry).orElse(null));
      ApiJson.write(ctx, 200, body);
      return;
    }
    body.put("models", costs.catalog().models().stream().map(CostHandler::modelEntry).toList());
    body.put("gpus", costs.catalog().gpus().stream().map(h -> hourlyEntry(h, "model")).toList());
    body.put("provisioned", costs.catalog().provisioned().stream().map(h -> hourlyEntry(h, "deployment")).toList());
    ApiJson.write(ctx, 200, body);
  }

  private static Map<String, Object> modelEntry(ModelPrice p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", p.model());
    if (p.provider() != null) m.put("provider", p.provider());
    if (p.match() != null) m.put("match", p.match());
    if (!p.aliases().isEmpty()) m.put("aliases", p.aliases());
    m.put("start_date", p.startDate() == null ? null : p.startDate().toString());
    tokenPrices(m, p.prices());
    if (!p.tiers().isEmpty()) {
      List<Map<String, Object>> tiers = new ArrayList<>();
      for (PriceTier t : p.tiers()) {
        Map<String, Object> tier = new LinkedHashMap<>();
        tier.put("above_input_tokens", t.aboveInputTokens());
        tokenPrices(tier, t.prices());
        tiers.add(tier);
      }
      m.put("tiers", tiers);
    }
    m.put("source", p.source());
    if (p.uncertain()) m.put("uncertain", true);
    if (p.note() != null) m.put("note", p.note());
    return m;
  }

  private static void tokenPrices(Map<String, Object> m, TokenPrices t) {
    m.put("input", t.input());
    m.put("output", t.output());
    m.put("cache_read", t.cacheReadOrInput());
    m.put("cache_write", t.cacheWriteOrInput());
    m.put("reasoning", t.reasoningOrOutput());
  }

  private static Map<String, Object> hourlyEntry(HourlyPrice h, String nameKey) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(nameKey, h.name());
    if (h.match() != null) m.put("match", h.match());
    m.put("start_date", h.startDate() == null ? null : h.startDate().toString());
    m.put("hourly", h.hourly());
    m.put("source", h.source());
    if (h.uncertain()) m.put("uncertain", true);
    if (h.note() != null) m.put("note", h.note());
    return m;
  }

  private static Double number(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
