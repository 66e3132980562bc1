package dev.loupe.api;

import dev.loupe.model.PipelineRun;
import dev.loupe.store.Store;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/pipelines/{name}/runs?start&end&limit}: the stored runs of one pipeline that
 * started in the range, oldest first, in the shape of {@code GET /api/v1/pipelines}' last run.
 * Defaults: the last 7 days, 1,000 runs.
 */
final class PipelineRunsHandler {
  static final long WEEK_MILLIS = 7 * 86_400_000L;
  /** Runs of every pipeline read to find one pipeline's. */
  static final int MAX_SCANNED = 100_000;

  private final Store store;
  private final Clock clock;

  PipelineRunsHandler(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  void handle(Context ctx) {
    String name = ctx.pathParam("name");
    long start;
    long end;
    int limit;
    try {
      end = QueryParams.time("end", ctx.queryParam("end"), clock.millis() + 1);
      start = QueryParams.time("start", ctx.queryParam("start"), end - WEEK_MILLIS);
      limit = QueryParams.limit(ctx.queryParam("limit"), RecordsHandler.DEFAULT_LIMIT, RecordsHandler.MAX_LIMIT);
    } catch (IllegalArgumentException e) {
      ApiJson.error(ctx, 400, e.getMessage(), List.of());
      return;
    }
    List<Map<String, Object>> runs = store.pipelineRuns(start, end, MAX_SCANNED).stream()
        .filter(r -> r.pipeline().equals(name))
        .limit(limit)
        .map(PipelinesHandler::run)
        .toList();
    ApiJson.write(ctx, 200, Map.of("data", runs));
  }
}
