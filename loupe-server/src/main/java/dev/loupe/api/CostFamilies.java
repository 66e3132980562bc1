package dev.loupe.api;

import dev.loupe.ingest.CostEnricher;
import dev.loupe.model.SeriesKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cost dimension on {@code /metrics}: {@code loupe_cost_spend_dollars_total{service,
 * deployment, model, model_version}}, the known spend of the inferences stored since the start,
 * a counter (Prometheus' {@code increase()} over it charts spend per model and version; a restart
 * starts it again from 0, which {@code increase()} handles as a counter reset).
 */
public final class CostFamilies {
  public static final String SPEND = "loupe_cost_spend_dollars_total";
  /** Family names, for the registry's conflict check. */
  public static final List<String> NAMES = List.of(SPEND);

  private CostFamilies() {}

  public static List<GaugeFamily> spend(CostEnricher costs) {
    List<GaugeFamily.Point> points = new ArrayList<>();
    costs.spendSinceStart().forEach((SeriesKey k, Double dollars) -> {
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("service", k.service());
      labels.put("deployment", k.deployment());
      labels.put("model", k.model());
      labels.put("model_version", k.modelVersion());
      points.add(new GaugeFamily.Point(labels, dollars));
    });
    return List.of(new GaugeFamily(SPEND,
        "Known spend in US dollars of the inferences stored since the start (priced at ingest or reported by the sender).",
        points));
  }
}
