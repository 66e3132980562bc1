package dev.loupe.ingest.otlp;

import com.google.protobuf.Message;
import dev.loupe.ingest.IngestMetrics;
import dev.loupe.ingest.IngestPipeline;
import io.grpc.BindableService;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.util.List;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three OTLP/gRPC export services, on the same decoders and pipeline as OTLP/HTTP. A partial
 * success names what was rejected; a store that cannot commit answers {@code UNAVAILABLE}, which
 * exporters retry.
 */
public final class OtlpGrpcServices {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpGrpcServices.class);

  private final IngestPipeline pipeline;
  private final IngestMetrics metrics;

  public OtlpGrpcServices(IngestPipeline pipeline, IngestMetrics metrics) {
    this.pipeline = pipeline;
    this.metrics = metrics;
  }

  public List<BindableService> services(OtlpTraceDecoder traces, OtlpLogDecoder logs, OtlpMetricDecoder samples) {
    return List.of(
        new TraceServiceGrpc.TraceServiceImplBase() {
          @Override
          public void export(ExportTraceServiceRequest r, StreamObserver<ExportTraceServiceResponse> out) {
            handle("grpc:traces", traces.decode(r), b -> b.spans().size(), out, (rejected, msg) ->
                rejected == 0 ? ExportTraceServiceResponse.getDefaultInstance() : ExportTraceServiceResponse.newBuilder()
                    .setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(rejected)
                        .setErrorMessage(msg)).build());
          }
        },
        new LogsServiceGrpc.LogsServiceImplBase() {
          @Override
          public void export(ExportLogsServiceRequest r, StreamObserver<ExportLogsServiceResponse> out) {
            handle("grpc:logs", logs.decode(r), b -> b.logs().size(), out, (rejected, msg) ->
                rejected == 0 ? ExportLogsServiceResponse.getDefaultInstance() : ExportLogsServiceResponse.newBuilder()
                    .setPartialSuccess(ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(rejected)
                        .setErrorMessage(msg)).build());
          }
        },
        new MetricsServiceGrpc.MetricsServiceImplBase() {
          @Override
          public void export(ExportMetricsServiceRequest r, StreamObserver<ExportMetricsServiceResponse> out) {
            handle("grpc:metrics", samples.decode(r), b -> b.samples().size(), out, (rejected, msg) ->
                rejected == 0 ? ExportMetricsServiceResponse.getDefaultInstance() : ExportMetricsServiceResponse.newBuilder()
                    .setPartialSuccess(ExportMetricsPartialSuccess.newBuilder().setRejectedDataPoints(rejected)
                        .setErrorMessage(msg)).build());
          }
        });
  }

  /** The response of an export: partial success when {@code rejected > 0}. */
  private interface Response<T> {
    T of(int rejected, String message);
  }

  private <T extends Message> void handle(String endpoint, OtlpDecoded decoded,
      ToIntFunction<dev.loupe.model.Batch> accepted, StreamObserver<T> out, Response<T> response) {
    try {
      pipeline.accept(decoded.batch());
    } catch (RuntimeException e) {
      LOG.error("store append failed; answering UNAVAILABLE so the exporter retries", e);
      metrics.answered(endpoint, 503);
      out.onError(Status.UNAVAILABLE.withDescription("the store could not make the records durable; retry")
          .asRuntimeException());
      return;
    }
    metrics.accepted(endpoint, accepted.applyAsInt(decoded.batch()));
    if (decoded.rejected() > 0) metrics.rejected(endpoint, "invalid_record", decoded.rejected());
    metrics.answered(endpoint, 200);
    out.onNext(response.of(decoded.rejected(),
        decoded.rejected() == 0 ? "" : decoded.rejected() + " rejected; first: " + decoded.firstRejection()));
    out.onCompleted();
  }

}
