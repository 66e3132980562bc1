package dev.loupe.api;

import dev.loupe.model.ApiKeyHash;
import dev.loupe.model.Dimension;
import dev.loupe.store.SecurityRecords;
import dev.loupe.store.StoredFinding;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /api/v1/findings?dimension=security&kind=&deployment=&key=&start=&end=&limit=}: what the
 * detectors found, worst first, then newest first. Each finding has its kind, severity, reason,
 * time, subject (service, deployment, API key hash, tenant, user, trace id, request id, span id),
 * a link to its trace when it has one, and its evidence, which quotes text only as the deployment's
 * capture policy allows. {@code key} is an API key's hash ({@code sha256:…}) or the key itself,
 * hashed here. The range defaults to the last 24 hours; {@code limit} to 500 (at most 10,000).
 */
final class FindingsHandler implements Handler {
  static final int DEFAULT_LIMIT = 500;
  static final int MAX_LIMIT = 10_000;

  private final SecurityRecords records;
  private final Clock clock;

  FindingsHandler(SecurityRecords records, Clock clock) {
    this.records = records;
    this.clock = clock;
  }

  @Override
  public void handle(Context ctx) {
    long now = clock.millis();
    SecurityRecords.FindingQuery query;
    try {
      long end = QueryParams.time("end", ctx.queryParam("end"), now + 1);
      long start = QueryParams.time("start", ctx.queryParam("start"), end - 24 * 3_600_000L);
      if (start >= end) throw new IllegalArgumentException("parameter 'start' must be before 'end'");
      String dimension = blankToNull(ctx.queryParam("dimension"));
      if (dimension != null) {
        try {
          dimension = Dimension.valueOf(dimension.toUpperCase(Locale.ROOT)).wireName();
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("parameter 'dimension': unknown dimension '" + dimension + "'");
        }
      }
      String key = blankToNull(ctx.queryParam("key"));
      if (key != null && !key.startsWith("sha256:")) key = ApiKeyHash.of(key);
      query = new SecurityRecords.FindingQuery(dimension, blankToNull(ctx.queryParam("kind")),
          blankToNull(ctx.queryParam("deployment")), key, null, start, end, limit(ctx.queryParam("limit")));
    } catch (IllegalArgumentException e) {
      ApiJson.error(ctx, 400, e.getMessage(), List.of());
      return;
    }
    List<Map<String, Object>> data = new ArrayList<>();
    for (StoredFinding f : records.findings(query)) data.add(json(f));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("start", ApiJson.time(query.fromMillis()));
    body.put("end", ApiJson.time(query.toMillis()));
    body.put("data", data);
    ApiJson.write(ctx, 200, body);
  }

  static Map<String, Object> json(StoredFinding f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", f.id());
    m.put("time", ApiJson.time(f.timeMillis()));
    m.put("dimension", f.dimension().wireName());
    m.put("kind", f.kind());
    m.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
    m.put("reason", f.reason());
    StoredFinding.Subject s = f.subject();
    Map<String, Object> subject = new LinkedHashMap<>();
    subject.put("name", s.describe());
    subject.put("service", s.service());
    subject.put("deployment", s.deployment());
    subject.put("key_hash", s.keyHash());
    subject.put("tenant", s.tenant());
    subject.put("user", s.user());
    subject.put("trace_id", s.traceId());
    subject.put("request_id", s.requestId());
    subject.put("span_id", s.spanId());
    m.put("subject", subject);
    m.put("trace", s.traceId() == null ? null : "/api/v1/traces/" + s.traceId());
    m.put("evidence", f.evidence());
    return m;
  }

  private static int limit(String v) {
    if (v == null || v.isBlank()) return DEFAULT_LIMIT;
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 1) throw new NumberFormatException();
      return Math.min(n, MAX_LIMIT);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("parameter 'limit' must be a positive whole number, got '" + v + "'");
    }
  }

  private static String blankToNull(String v) {
    return v == null || v.isBlank() ? null : v.trim();
  }
}
