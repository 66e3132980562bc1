package dev.loupe.api;

import dev.loupe.ingest.IngestAdmission;
import dev.loupe.ingest.IngestMetrics;
import dev.loupe.ingest.IngestPipeline;
import dev.loupe.ingest.prometheus.remote.RemoteWriteDecoder;
import dev.loupe.model.Batch;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/write}: Prometheus remote write 1.0. Answers as Prometheus's queue manager
 * expects: 204 when every sample is durable; 400 (never retried) for a body that cannot be
 * decoded, or after keeping the valid part of a batch with invalid series; 413 for an oversized
 * body; 408 for a body slower than {@code ingest.body_read_timeout}; 415 for
 * remote write 2.0; 429 with {@code Retry-After} when the ingest gate shared with
 * OTLP is full; 503 when the store failed, so the sender retries.
 */
final class RemoteWriteHandler implements Handler {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteWriteHandler.class);
  private static final String ENDPOINT = "/api/v1/write";

  private final RemoteWriteDecoder decoder;
  private final IngestPipeline pipeline;
  private final IngestMetrics metrics;
  private final long maxBodyBytes;
  private final IngestAdmission admission;

  RemoteWriteHandler(RemoteWriteDecoder decoder, IngestPipeline pipeline, IngestMetrics metrics, long maxBodyBytes,
      IngestAdmission admission) {
    this.decoder = decoder;
    this.pipeline = pipeline;
    this.metrics = metrics;
    this.maxBodyBytes = maxBodyBytes;
    this.admission = admission;
  }

  @Override
  public void handle(Context ctx) {
    String type = ctx.header("Content-Type");
    if (type != null && type.contains("io.prometheus.write.v2")) {
      answer(ctx, 415, "remote write 2.0 is not supported; send remote write 1.0 (protobuf_message: prometheus.WriteRequest)");
      return;
    }
    PushGate.enter(ctx, maxBodyBytes, false, admission, this::answer, body -> admitted(ctx, body));
  }

  private void admitted(Context ctx, byte[] body) {
    RemoteWriteDecoder.Decoded decoded;
    try {
      decoded = decoder.decode(body);
    } catch (RemoteWriteDecoder.UndecodableBody e) {
      metrics.rejected(ENDPOINT, "undecodable_body", 1);
      answer(ctx, 400, e.getMessage());
      return;
    }
    try {
      pipeline.accept(Batch.ofSamples(decoded.samples()), IngestPipeline.Origin.REMOTE_WRITE);
    } catch (RuntimeException e) {
      LOG.error("store append failed; answering 503 so Prometheus retries", e);
      ctx.header("Retry-After", "5");
      answer(ctx, 503, "the store could not make the samples durable: " + e.getMessage());
      return;
    }
    metrics.accepted(ENDPOINT, decoded.samples().size());
    List<String> rejected = decoded.rejections();
    if (!rejected.isEmpty()) {
      metrics.rejected(ENDPOINT, "invalid_sample", rejected.size());
      answer(ctx, 400, "kept " + decoded.samples().size() + " of " + decoded.received() + " samples; "
          + rejected.size() + " rejected, first: " + String.join("; ", rejected.subList(0, Math.min(3, rejected.size()))));
      return;
    }
    metrics.answered(ENDPOINT, 204);
    ctx.status(204);
  }

  /** Prometheus logs the body of an error answer, so it is plain text. */
  private void answer(Context ctx, int status, String message) {
    metrics.answered(ENDPOINT, status);
    ctx.status(status).contentType("text/plain; charset=utf-8").result(message + "\n");
  }
}
