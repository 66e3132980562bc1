package dev.loupe.ingest.otlp;

import dev.loupe.ingest.IngestMetrics;
import dev.loupe.ingest.IngestPipeline;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTLP/gRPC trace service: the same decoding and pipeline as OTLP/HTTP. A partial success
 * names the rejected spans; a store that cannot commit answers {@code UNAVAILABLE}, which
 * exporters retry.
 */
public final class OtlpGrpcTraceService extends TraceServiceGrpc.TraceServiceImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpGrpcTraceService.class);
  private static final String ENDPOINT = "grpc:TraceService/Export";

  private final OtlpTraceDecoder decoder;
  private final IngestPipeline pipeline;
  private final IngestMetrics metrics;

  public OtlpGrpcTraceService(OtlpTraceDecoder decoder, IngestPipeline pipeline, IngestMetrics metrics) {
    this.decoder = decoder;
    this.pipeline = pipeline;
    this.metrics = metrics;
  }

  @Override
  public void export(ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> response) {
    OtlpTraceDecoder.Decoded decoded = decoder.decode(request);
    try {
      pipeline.accept(decoded.batch());
    } catch (RuntimeException e) {
      LOG.error("store append failed; answering UNAVAILABLE so the exporter retries", e);
      metrics.answered(ENDPOINT, 503);
      response.onError(Status.UNAVAILABLE.withDescription("the store could not make the spans durable; retry")
          .asRuntimeException());
      return;
    }
    metrics.accepted(ENDPOINT, decoded.batch().spans().size());
    ExportTraceServiceResponse.Builder answer = ExportTraceServiceResponse.newBuilder();
    if (decoded.rejected() > 0) {
      metrics.rejected(ENDPOINT, "invalid_span", decoded.rejected());
      answer.setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(decoded.rejected())
          .setErrorMessage(decoded.rejected() + " spans rejected; first: " + decoded.firstRejection()));
    }
    metrics.answered(ENDPOINT, 200);
    response.onNext(answer.build());
    response.onCompleted();
  }
}
