package dev.loupe.api;

import dev.loupe.dimension.DimensionHealth;
import dev.loupe.dimension.HealthEvaluator;
import dev.loupe.dimension.HealthReport;
import dev.loupe.model.Dimension;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /api/v1/health}: the six dimensions, each with status, reasons and since when. */
final class HealthHandler implements Handler {
  private final HealthEvaluator evaluator;

  HealthHandler(HealthEvaluator evaluator) {
    this.evaluator = evaluator;
  }

  @Override
  public void handle(Context ctx) {
    ApiJson.write(ctx, 200, toJson(evaluator.evaluate()));
  }

  static Map<String, Object> toJson(HealthReport report) {
    Map<String, Object> dims = new LinkedHashMap<>();
    for (Dimension d : Dimension.values()) {
      DimensionHealth h = report.dimensions().get(d);
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("status", h.status().wireName());
      one.put("reasons", h.reasons());
      one.put("since", h.sinceMillis() == null ? null : ApiJson.time(h.sinceMillis()));
      dims.put(d.wireName(), one);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", report.status().wireName());
    body.put("evaluated_at", ApiJson.time(report.evaluatedAtMillis()));
    body.put("dimensions", dims);
    return body;
  }
}
