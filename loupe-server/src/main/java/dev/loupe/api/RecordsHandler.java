package dev.loupe.api;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/{inferences,deployments,logs,scores}?start&end&limit}: stored records, oldest
 * first, in the wire contract's shape. Defaults: the last hour, 1,000 records.
 */
final class RecordsHandler implements Handler {
  /** Reads one kind of record in a time range. */
  interface Reader {
    List<Map<String, Object>> read(long fromMillis, long toMillis, int limit);
  }

  static final int DEFAULT_LIMIT = 1_000;
  static final int MAX_LIMIT = 100_000;

  private final Reader reader;
  private final Clock clock;

  RecordsHandler(Reader reader, Clock clock) {
    this.reader = reader;
    this.clock = clock;
  }

  @Override
  public void handle(Context ctx) {
    long now = clock.millis();
    long start;
    long end;
    int limit;
    try {
      end = QueryParams.time("end", ctx.queryParam("end"), now + 1);
      start = QueryParams.time("start", ctx.queryParam("start"), end - 3_600_000);
      limit = QueryParams.limit(ctx.queryParam("limit"), DEFAULT_LIMIT, MAX_LIMIT);
    } catch (IllegalArgumentException e) {
      ApiJson.error(ctx, 400, e.getMessage(), List.of());
      return;
    }
    ApiJson.write(ctx, 200, Map.of("data", reader.read(start, end, limit)));
  }
}
