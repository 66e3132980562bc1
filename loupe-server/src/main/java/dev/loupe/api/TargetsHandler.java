package dev.loupe.api;

import dev.loupe.ingest.prometheus.scrape.TargetHealth;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/targets}: every scrape target and its last scrape, in the shape of
 * Prometheus's own {@code /api/v1/targets} so tools that read one read the other.
 */
final class TargetsHandler implements Handler {
  private final Supplier<List<TargetHealth>> targets;

  TargetsHandler(Supplier<List<TargetHealth>> targets) {
    this.targets = targets;
  }

  @Override
  public void handle(Context ctx) {
    String wanted = ctx.queryParam("state");
    List<Map<String, Object>> active =
        "dropped".equals(wanted) ? List.of() : targets.get().stream().map(TargetsHandler::json).toList();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("activeTargets", active);
    data.put("droppedTargets", List.of());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "success");
    body.put("data", data);
    ApiJson.write(ctx, 200, body);
  }

  private static Map<String, Object> json(TargetHealth t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("labels", t.labels());
    m.put("scrapePool", t.job());
    m.put("scrapeUrl", t.scrapeUrl());
    m.put("globalUrl", t.scrapeUrl());
    m.put("lastError", t.lastError());
    m.put("lastScrape", t.lastScrapeMillis() == 0 ? "0001-01-01T00:00:00Z" : ApiJson.time(t.lastScrapeMillis()));
    m.put("lastScrapeDuration", t.lastScrapeDurationSeconds());
    m.put("lastSamplesScraped", t.samplesScraped());
    m.put("health", t.health());
    m.put("scrapeInterval", seconds(t.intervalMillis()));
    m.put("scrapeTimeout", seconds(t.timeoutMillis()));
    return m;
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
