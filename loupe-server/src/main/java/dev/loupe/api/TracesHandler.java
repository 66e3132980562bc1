package dev.loupe.api;

import dev.loupe.ingest.otlp.GenAiSpanMapping;
import dev.loupe.model.Inference;
import dev.loupe.model.Span;
import dev.loupe.store.Store;
import dev.loupe.trace.TraceTree;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code GET /api/v1/traces?service=&deployment=&model=&model_version=&min_duration=&status=&start=&end=&limit=}
 * lists traces, newest first; {@code GET /api/v1/traces/{traceId}} returns one as a span tree with
 * each span's self time and share of the trace, and its attributes and resource with their OTLP
 * types (numbers as numbers, arrays as arrays), beside the inferences stored with its trace id
 * (their cost, as priced at ingest) and the scores given to them.
 */
final class TracesHandler {
  /** Spans read to assemble a listing; a wider window needs a narrower time range. */
  static final int MAX_SPANS_SCANNED = 200_000;
  /** Inferences of one trace shown with it. */
  static final int MAX_TRACE_INFERENCES = 100;
  /** How long after a trace its scores are looked for (an evaluator's, a judge's, soon feedback). */
  static final long SCORES_AFTER_MILLIS = 10 * 60_000;
  /** Scores read to find one trace's. */
  static final int MAX_SCORES_SCANNED = 50_000;

  private final Store store;
  private final GenAiSpanMapping mapping;
  private final Clock clock;

  TracesHandler(Store store, GenAiSpanMapping mapping, Clock clock) {
    this.store = store;
    this.mapping = mapping;
    this.clock = clock;
  }

  void one(Context ctx) {
    String id = ctx.pathParam("traceId").toLowerCase(java.util.Locale.ROOT);
    List<Span> spans = store.spans(id);
    if (spans.isEmpty()) {
      ApiJson.error(ctx, 404, "trace " + id + " not found: no span of it is stored", List.of());
      return;
    }
    List<TraceTree.Node> roots = TraceTree.build(spans);
    Map<String, Object> body = new LinkedHashMap<>(summary(id, spans));
    body.put("roots", roots.stream().map(TracesHandler::node).toList());
    long startMs = spans.stream().mapToLong(Span::startNanos).min().orElse(0) / 1_000_000;
    long endMs = spans.stream().mapToLong(Span::endNanos).max().orElse(0) / 1_000_000;
    List<Inference> inferences = store.inferencesByIds(List.of(), List.of(id), startMs - 60_000, MAX_TRACE_INFERENCES);
    java.util.Set<String> requests = new java.util.HashSet<>();
    for (Inference i : inferences) if (i.requestId() != null) requests.add(i.requestId());
    body.put("inferences", inferences.stream().map(i -> {
      Map<String, Object> m = new LinkedHashMap<>(RecordJson.of(i));
      // The text stays with the inference's own endpoint; the waterfall needs the numbers.
      m.remove("prompt");
      m.remove("completion");
      if (i.spanId() != null) m.put("span_id", i.spanId());
      return m;
    }).toList());
    body.put("scores", store.scores(startMs - 60_000, endMs + SCORES_AFTER_MILLIS, MAX_SCORES_SCANNED).stream()
        .filter(sc -> id.equals(sc.traceId()) || (sc.requestId() != null && requests.contains(sc.requestId())))
        .map(RecordJson::of).toList());
    ApiJson.write(ctx, 200, Map.of("data", body));
  }

  void list(Context ctx) {
    long now = clock.millis();
    long start;
    long end;
    int limit;
    long minDurationMs;
    try {
      end = QueryParams.time("end", ctx.queryParam("end"), now + 1);
      start = QueryParams.time("start", ctx.queryParam("start"), end - 3_600_000);
      limit = QueryParams.limit(ctx.queryParam("limit"), 20, 1000);
      String min = ctx.queryParam("min_duration");
      minDurationMs = min == null ? 0 : dev.loupe.server.DurationText.parse(min).toMillis();
    } catch (IllegalArgumentException e) {
      ApiJson.error(ctx, 400, e.getMessage(), List.of());
      return;
    }
    Map<String, List<Span>> byTrace = new LinkedHashMap<>();
    for (Span s : store.spansBetween(start, end, MAX_SPANS_SCANNED)) {
      byTrace.computeIfAbsent(s.traceId(), k -> new ArrayList<>()).add(s);
    }
    List<Listed> out = new ArrayList<>();
    for (Map.Entry<String, List<Span>> e : byTrace.entrySet()) {
      Map<String, Object> t = summary(e.getKey(), e.getValue());
      if (!matches(ctx.queryParam("service"), t.get("services"))
          || !matches(ctx.queryParam("deployment"), t.get("deployments"))
          || !matches(ctx.queryParam("model"), t.get("models"))
          || !matches(ctx.queryParam("model_version"), t.get("model_versions"))
          || (ctx.queryParam("status") != null && !ctx.queryParam("status").equals(t.get("status")))
          || (double) t.get("duration_ms") < minDurationMs) {
        continue;
      }
      out.add(new Listed(e.getValue().stream().mapToLong(Span::startNanos).min().orElse(0), t));
    }
    // By the time itself: the RFC 3339 text of a whole second sorts above its fractions.
    out.sort(Comparator.comparingLong(Listed::startNanos).reversed());
    ApiJson.write(ctx, 200, Map.of("data", out.stream().limit(limit).map(Listed::summary).toList()));
  }

  /** A trace's summary and the time it is listed by. */
  private record Listed(long startNanos, Map<String, Object> summary) {}

  private static boolean matches(String wanted, Object values) {
    return wanted == null || ((java.util.Collection<?>) values).contains(wanted);
  }

  private Map<String, Object> summary(String traceId, List<Span> spans) {
    long startNs = spans.stream().mapToLong(Span::startNanos).min().orElse(0);
    long endNs = spans.stream().mapToLong(Span::endNanos).max().orElse(0);
    TreeSet<String> services = new TreeSet<>();
    TreeSet<String> models = new TreeSet<>();
    TreeSet<String> versions = new TreeSet<>();
    TreeSet<String> deployments = new TreeSet<>();
    boolean error = false;
    for (Span s : spans) {
      if (s.resource().get("service.name") instanceof String service) services.add(service);
      error |= "error".equals(s.status());
      Inference i = mapping.toInference(s);
      if (i != null) {
        models.add(i.key().model());
        versions.add(i.key().modelVersion());
        if (i.key().deployment() != null) deployments.add(i.key().deployment());
      }
    }
    Span root = spans.stream().filter(s -> s.parentSpanId() == null).findFirst().orElse(spans.get(0));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("trace_id", traceId);
    m.put("root", root.name());
    m.put("start", java.time.Instant.ofEpochSecond(0, startNs).toString());
    m.put("duration_ms", (endNs - startNs) / 1e6);
    m.put("span_count", spans.size());
    m.put("status", error ? "error" : "ok");
    m.put("services", services);
    m.put("models", models);
    m.put("model_versions", versions);
    m.put("deployments", deployments);
    return m;
  }

  private static Map<String, Object> node(TraceTree.Node n) {
    Span s = n.span();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("span_id", s.spanId());
    m.put("parent_span_id", s.parentSpanId());
    m.put("name", s.name());
    m.put("start", java.time.Instant.ofEpochSecond(0, s.startNanos()).toString());
    m.put("duration_ms", n.durationNanos() / 1e6);
    m.put("self_ms", n.selfNanos() / 1e6);
    m.put("share", Math.round(n.shareOfTrace() * 10_000) / 10_000.0);
    m.put("status", s.status());
    m.put("service", s.resource().get("service.name"));
    m.put("attributes", s.attributes());
    m.put("resource", s.resource());
    m.put("children", n.children().stream().map(TracesHandler::node).toList());
    return m;
  }
}
