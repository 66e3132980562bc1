package dev.loupe.api;

import dev.loupe.model.LabelMatcher;
import dev.loupe.model.ScoreSummary;
import dev.loupe.store.Store;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/scores/summary?group_by=model_version&deployment=&name=&source=&start=&end=}:
 * the scores tied to inferences, per group — count, mean, standard deviation, min, max, median and
 * P95. Scores are always grouped by {@code name} too, since a mean of different scores means
 * nothing. Filters are exact label values; the range defaults to the last 24 hours.
 */
final class ScoreSummaryHandler implements Handler {
  private static final List<String> LABELS = List.of("service", "deployment", "model", "model_version", "name", "source");

  private final Store store;
  private final Clock clock;

  ScoreSummaryHandler(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Override
  public void handle(Context ctx) {
    long now = clock.millis();
    long start;
    long end;
    List<String> groupBy = new ArrayList<>();
    List<LabelMatcher> filters = new ArrayList<>();
    try {
      end = QueryParams.time("end", ctx.queryParam("end"), now + 1);
      start = QueryParams.time("start", ctx.queryParam("start"), end - 24 * 3_600_000L);
      String by = ctx.queryParam("group_by");
      if (by != null) {
        for (String g : by.split(",")) {
          String label = g.trim();
          if (label.isEmpty()) continue;
          if (!LABELS.contains(label)) {
            throw new IllegalArgumentException("group_by: unknown label '" + label + "'; one of " + LABELS);
          }
          if (!groupBy.contains(label)) groupBy.add(label);
        }
      }
      if (!groupBy.contains("name")) groupBy.add("name");
      for (String label : LABELS) {
        String v = ctx.queryParam(label);
        if (v != null) filters.add(new LabelMatcher(label, LabelMatcher.Op.EQ, v));
      }
    } catch (IllegalArgumentException e) {
      ApiJson.error(ctx, 400, e.getMessage(), List.of());
      return;
    }
    List<Map<String, Object>> data = new ArrayList<>();
    for (ScoreSummary s : store.scoreSummary(start, end, groupBy, filters)) {
      Map<String, Object> m = new LinkedHashMap<>(s.group());
      m.put("count", s.count());
      m.put("mean", s.mean());
      m.put("stddev", s.stddev());
      m.put("min", s.min());
      m.put("max", s.max());
      m.put("p50", s.p50());
      m.put("p95", s.p95());
      data.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("group_by", groupBy);
    body.put("start", ApiJson.time(start));
    body.put("end", ApiJson.time(end));
    body.put("data", data);
    ApiJson.write(ctx, 200, body);
  }
}
