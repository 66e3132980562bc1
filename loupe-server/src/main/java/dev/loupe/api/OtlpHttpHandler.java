package dev.loupe.api;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.Code;
import com.google.rpc.Status;
import dev.loupe.auth.TenantStamp;
import dev.loupe.ingest.IngestAdmission;
import dev.loupe.ingest.IngestMetrics;
import dev.loupe.ingest.IngestPipeline;
import dev.loupe.ingest.otlp.OtlpDecoded;
import dev.loupe.ingest.otlp.MalformedOtlp;
import dev.loupe.ingest.otlp.OtlpSignal;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/traces}, {@code /v1/logs} and {@code /v1/metrics} on the OTLP/HTTP port,
 * answering as the OTLP specification says: 200 with an export response (a partial success names
 * how many items were rejected and why); 400 with a {@code google.rpc.Status} for a body that
 * cannot be decoded (never retried); 415 for a content type other than protobuf or JSON; 413 for
 * an oversized body; 408 for a body that does not arrive within
 * {@code ingest.body_read_timeout}; 429 with {@code Retry-After} when the ingest gate is full; 503 with
 * {@code Retry-After} when the store cannot make the batch durable. The answer is encoded like
 * the request.
 */
final class OtlpHttpHandler implements Handler {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpHttpHandler.class);
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";

  private final String endpoint;
  private final OtlpSignal<?, ?> signal;
  private final IngestPipeline pipeline;
  private final IngestMetrics metrics;
  private final long maxBodyBytes;
  private final IngestAdmission admission;

  OtlpHttpHandler(OtlpSignal<?, ?> signal, IngestPipeline pipeline, IngestMetrics metrics, long maxBodyBytes,
      IngestAdmission admission) {
    this.endpoint = "/v1/" + signal.name();
    this.signal = signal;
    this.pipeline = pipeline;
    this.metrics = metrics;
    this.maxBodyBytes = maxBodyBytes;
    this.admission = admission;
  }

  @Override
  public void handle(Context ctx) {
    String type = ctx.header("Content-Type");
    String media = type == null ? "" : type.split(";")[0].trim().toLowerCase(Locale.ROOT);
    boolean json = media.equals(JSON);
    if (!json && !media.equals(PROTOBUF)) {
      refuse(ctx, 415, false, Code.INVALID_ARGUMENT,
          "unsupported Content-Type '" + type + "': send application/x-protobuf or application/json");
      return;
    }
    PushGate.enter(ctx, maxBodyBytes, true, admission,
        (c, status, message) -> refuse(c, status, json, refusalCode(status), message), body -> admitted(ctx, json, body));
  }

  private static Code refusalCode(int status) {
    return switch (status) {
      case 400 -> Code.INVALID_ARGUMENT;
      case 408 -> Code.DEADLINE_EXCEEDED;
      default -> Code.RESOURCE_EXHAUSTED;
    };
  }

  private void admitted(Context ctx, boolean json, byte[] body) {
    OtlpDecoded decoded;
    try {
      decoded = json ? signal.decodeJson(body) : signal.decodeProtobuf(body);
    } catch (MalformedOtlp e) {
      metrics.rejected(endpoint, "malformed_body", 1);
      refuse(ctx, 400, json, Code.INVALID_ARGUMENT, e.getMessage());
      return;
    }
    try {
      pipeline.accept(TenantStamp.apply(HttpAccess.principal(ctx), decoded.batch()), IngestPipeline.Origin.OTLP);
    } catch (RuntimeException e) {
      LOG.error("store append failed; answering 503 so the exporter retries", e);
      ctx.header("Retry-After", "5");
      refuse(ctx, 503, json, Code.UNAVAILABLE, "the store could not make the records durable; retry");
      return;
    }
    metrics.accepted(endpoint, signal.accepted(decoded.batch()));
    if (decoded.rejected() > 0) metrics.rejected(endpoint, "invalid_record", decoded.rejected());
    answer(ctx, 200, json, signal.response(decoded));
  }

  /** An error answer: a {@code google.rpc.Status}, encoded like the request. */
  private void refuse(Context ctx, int status, boolean json, Code code, String message) {
    answer(ctx, status, json, Status.newBuilder().setCode(code.getNumber()).setMessage(message).build());
  }

  private void answer(Context ctx, int status, boolean json, Message message) {
    metrics.answered(endpoint, status);
    ctx.status(status);
    if (json) {
      try {
        ctx.contentType(JSON).result(JsonFormat.printer().print(message));
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalStateException("an OTLP answer always prints", e);
      }
    } else {
      ctx.contentType(PROTOBUF).result(message.toByteArray());
    }
  }
}
