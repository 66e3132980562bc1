package dev.loupe.ingest.otlp;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.RetryInfo;
import dev.loupe.auth.GrpcTokenInterceptor;
import dev.loupe.auth.TenantStamp;
import dev.loupe.ingest.IngestAdmission;
import dev.loupe.ingest.IngestMetrics;
import dev.loupe.ingest.IngestPipeline;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three OTLP/gRPC export services. Each takes the request's bytes as sent and decodes them
 * with the same {@link OtlpSignal} as OTLP/HTTP, into the same pipeline. Answers: the export
 * response (a partial success names what was rejected); {@code INVALID_ARGUMENT} with the
 * decoder's message for a body that is not the expected export (never retried);
 * {@code RESOURCE_EXHAUSTED} with a {@code google.rpc.RetryInfo} when the ingest gate or the body
 * byte budget is full;
 * {@code UNAVAILABLE} when the store cannot commit. An oversized message never gets here: grpc-java
 * answers {@code RESOURCE_EXHAUSTED} without a retry delay, which the OTLP spec says not to retry.
 */
public final class OtlpGrpcServices {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpGrpcServices.class);

  private final IngestPipeline pipeline;
  private final IngestMetrics metrics;
  private final IngestAdmission admission;

  public OtlpGrpcServices(IngestPipeline pipeline, IngestMetrics metrics, IngestAdmission admission) {
    this.pipeline = pipeline;
    this.metrics = metrics;
    this.admission = admission;
  }

  public List<ServerServiceDefinition> services(OtlpTraceDecoder traces, OtlpLogDecoder logs, OtlpMetricDecoder samples) {
    return List.of(
        service(TraceServiceGrpc.getExportMethod(), OtlpSignal.traces(traces)),
        service(LogsServiceGrpc.getExportMethod(), OtlpSignal.logs(logs)),
        service(MetricsServiceGrpc.getExportMethod(), OtlpSignal.metrics(samples)));
  }

  /** The generated service's export method, with the request left as bytes. */
  private <R extends Message> ServerServiceDefinition service(MethodDescriptor<?, R> generated, OtlpSignal<?, R> signal) {
    MethodDescriptor<byte[], R> method = generated.toBuilder(ByteArrayMarshaller.INSTANCE, generated.getResponseMarshaller()).build();
    String endpoint = "grpc:" + signal.name();
    return ServerServiceDefinition.builder(generated.getServiceName())
        .addMethod(method, ServerCalls.asyncUnaryCall((body, out) -> export(endpoint, body, signal, out)))
        .build();
  }

  private <R extends Message> void export(String endpoint, byte[] body, OtlpSignal<?, R> signal, StreamObserver<R> out) {
    // grpc-java calls here once the whole message is in: the body is held in the same byte budget
    // as OTLP/HTTP's while it is decoded and stored, then a place is taken.
    if (!admission.tryHold(body.length)) {
      metrics.answered(endpoint, 429);
      out.onError(overloaded(admission.bodyBudgetMessage()));
      return;
    }
    if (!admission.tryEnter()) {
      admission.release(body.length);
      metrics.answered(endpoint, 429);
      out.onError(overloaded(admission.overloadedMessage()));
      return;
    }
    R answer = null;
    StatusException failure = null;
    try {
      answer = decodeAndStore(endpoint, body, signal);
    } catch (StatusException e) {
      failure = e;
    } finally {
      // Before answering, so a client that sends again as soon as it is answered finds the place free.
      admission.leave();
      admission.release(body.length);
    }
    if (failure != null) {
      out.onError(failure);
    } else {
      out.onNext(answer);
      out.onCompleted();
    }
  }

  private <R extends Message> R decodeAndStore(String endpoint, byte[] body, OtlpSignal<?, R> signal)
      throws StatusException {
    OtlpDecoded decoded;
    try {
      decoded = signal.decodeProtobuf(body);
    } catch (MalformedOtlp e) {
      metrics.rejected(endpoint, "malformed_body", 1);
      metrics.answered(endpoint, 400);
      throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException();
    }
    try {
      pipeline.accept(TenantStamp.apply(GrpcTokenInterceptor.current(), decoded.batch()), IngestPipeline.Origin.OTLP);
    } catch (RuntimeException e) {
      LOG.error("store append failed; answering UNAVAILABLE so the exporter retries", e);
      metrics.answered(endpoint, 503);
      throw Status.UNAVAILABLE.withDescription("the store could not make the records durable; retry").asException();
    }
    metrics.accepted(endpoint, signal.accepted(decoded.batch()));
    if (decoded.rejected() > 0) metrics.rejected(endpoint, "invalid_record", decoded.rejected());
    metrics.answered(endpoint, 200);
    return signal.response(decoded);
  }

  /** RESOURCE_EXHAUSTED is retryable in OTLP only with a RetryInfo, which says when. */
  private StatusException overloaded(String message) {
    Duration delay = admission.retryAfter();
    RetryInfo retry = RetryInfo.newBuilder().setRetryDelay(com.google.protobuf.Duration.newBuilder()
        .setSeconds(delay.getSeconds()).setNanos(delay.getNano())).build();
    return StatusProto.toStatusException(com.google.rpc.Status.newBuilder()
        .setCode(Status.Code.RESOURCE_EXHAUSTED.value())
        .setMessage(message)
        .addDetails(Any.pack(retry))
        .build());
  }
}
