package dev.loupe.api;

import dev.loupe.auth.TenantStamp;
import dev.loupe.ingest.IngestAdmission;
import dev.loupe.ingest.IngestMetrics;
import dev.loupe.ingest.IngestPipeline;
import dev.loupe.ingest.events.JsonEventDecoder;
import dev.loupe.ingest.events.MalformedJsonException;
import dev.loupe.ingest.events.Rejection;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/{inferences,logs,deployments,scores,feedback,labels}} and
 * {@code /api/v1/pipelines/{name}/runs}: decode, keep what is valid, make it
 * durable, and say exactly what was rejected and where. A 2xx means the kept records are durable.
 */
final class IngestHandler implements Handler {
  private static final Logger LOG = LoggerFactory.getLogger(IngestHandler.class);
  /** How many rejections an answer lists; the count is always complete. */
  static final int MAX_LISTED = 10;

  private final JsonEventDecoder.Kind kind;
  private final String endpoint;
  private final JsonEventDecoder decoder;
  private final IngestPipeline pipeline;
  private final IngestMetrics metrics;
  private final long maxBodyBytes;
  private final IngestAdmission admission;
  private final UnaryOperator<JsonEventDecoder.Decoded> complete;

  IngestHandler(
      JsonEventDecoder.Kind kind,
      JsonEventDecoder decoder,
      IngestPipeline pipeline,
      IngestMetrics metrics,
      long maxBodyBytes,
      IngestAdmission admission) {
    this(kind, decoder, pipeline, metrics, maxBodyBytes, admission, UnaryOperator.identity());
  }

  /** {@code complete} finishes what decoding alone cannot (labels that need their stored answer). */
  IngestHandler(
      JsonEventDecoder.Kind kind,
      JsonEventDecoder decoder,
      IngestPipeline pipeline,
      IngestMetrics metrics,
      long maxBodyBytes,
      IngestAdmission admission,
      UnaryOperator<JsonEventDecoder.Decoded> complete) {
    this.complete = complete;
    this.admission = admission;
    this.kind = kind;
    this.endpoint = kind.path();
    this.decoder = decoder;
    this.pipeline = pipeline;
    this.metrics = metrics;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void handle(Context ctx) {
    PushGate.enter(ctx, maxBodyBytes, true, admission, (c, status, message) -> {
      switch (status) {
        case 413 -> metrics.rejected(endpoint, "body_too_large", 1);
        case 400 -> metrics.rejected(endpoint, "unreadable_body", 1);
        case 408 -> metrics.rejected(endpoint, "body_read_timeout", 1);
        default -> { }
      }
      answer(c, status, message, List.of());
    }, body -> handleAdmitted(ctx, body));
  }

  private void handleAdmitted(Context ctx, byte[] body) {
    JsonEventDecoder.Decoded decoded;
    try {
      decoded = complete.apply(decoder.decode(kind, body, ctx.pathParamMap()));
    } catch (MalformedJsonException e) {
      metrics.rejected(endpoint, "malformed_json", 1);
      Map<String, Object> where = new LinkedHashMap<>();
      where.put("line", e.line());
      where.put("column", e.column());
      where.put("reason", e.getMessage());
      answer(ctx, 400, e.getMessage(), List.of(where));
      return;
    }
    List<Rejection> rejections = decoded.rejections();
    countRejections(rejections);
    int kept = decoded.received() - rejections.size();
    if (kept == 0 && rejections.isEmpty() && decoded.skipped() > 0) {
      // Only empty minutes (an Azure metrics poll of a quiet deployment): nothing to keep, nothing wrong.
      Map<String, Object> quiet = new LinkedHashMap<>();
      quiet.put("accepted", 0);
      quiet.put("rejected", 0);
      quiet.put("skipped", decoded.skipped());
      metrics.answered(endpoint, 200);
      ApiJson.write(ctx, 200, quiet);
      return;
    }
    if (kept == 0) {
      String message =
          decoded.received() == 0
              ? "the body holds no records"
              : "all " + decoded.received() + " records were rejected; first: "
                  + rejections.get(0).describe();
      Map<String, Object> body400 = new LinkedHashMap<>();
      body400.put("error", message);
      body400.put("details", listed(rejections));
      body400.put("accepted", 0);
      body400.put("rejected", rejections.size());
      metrics.answered(endpoint, 400);
      ApiJson.write(ctx, 400, body400);
      return;
    }
    int duplicates;
    try {
      duplicates = pipeline.accept(TenantStamp.apply(HttpAccess.principal(ctx), decoded.batch()));
    } catch (RuntimeException e) {
      LOG.error("store append failed; answering 503 so the client retries", e);
      ctx.header("Retry-After", "5");
      answer(ctx, 503, "the store could not make the batch durable: " + e.getMessage(), List.of());
      return;
    }
    metrics.accepted(endpoint, kept);
    Map<String, Object> ok = new LinkedHashMap<>();
    ok.put("accepted", kept);
    ok.put("rejected", rejections.size());
    // Accepted includes them: a re-sent record is durable (stored the first time), only not again.
    if (duplicates > 0) ok.put("duplicates", duplicates);
    if (!rejections.isEmpty()) {
      ok.put("errors", listed(rejections));
    }
    metrics.answered(endpoint, 200);
    ApiJson.write(ctx, 200, ok);
  }

  private void answer(Context ctx, int status, String message, List<?> details) {
    metrics.answered(endpoint, status);
    ApiJson.error(ctx, status, message, details);
  }

  private void countRejections(List<Rejection> rejections) {
    Map<String, Long> byReason =
        rejections.stream()
            .collect(Collectors.groupingBy(r -> r.field() == null ? "malformed_json" : r.field(),
                Collectors.counting()));
    byReason.forEach((reason, n) -> metrics.rejected(endpoint, reason, n.intValue()));
  }

  private static List<Map<String, Object>> listed(List<Rejection> rejections) {
    return rejections.stream()
        .limit(MAX_LISTED)
        .map(
            r -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("line", r.line());
              if (r.column() > 0) m.put("column", r.column());
              if (r.field() != null) m.put("field", r.field());
              m.put("reason", r.reason());
              return m;
            })
        .toList();
  }
}
