package dev.loupe.ingest.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.loupe.model.Batch;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * One OTLP signal (traces, logs or metrics) as both receivers, HTTP and gRPC, see it: how its
 * export body is read (protobuf, or the OTLP JSON mapping), what counts as accepted, and its
 * export response, a partial success naming how many items were rejected and the first reason.
 *
 * <pre>{@code
 * OtlpSignal<?, ?> traces = OtlpSignal.traces(new OtlpTraceDecoder(...));
 * OtlpDecoded d = traces.decodeProtobuf(body); // throws MalformedOtlp
 * Message answer = traces.response(d);
 * }</pre>
 */
public final class OtlpSignal<Q extends Message, R extends Message> {
  private final String name;
  private final Class<Q> requestType;
  private final Parser<Q> parser;
  private final Supplier<Message.Builder> jsonBuilder;
  private final Function<Q, OtlpDecoded> decoder;
  private final ToIntFunction<Batch> accepted;
  private final R success;
  private final BiFunction<Integer, String, R> partialSuccess;

  private OtlpSignal(String name, Class<Q> requestType, Parser<Q> parser, Supplier<Message.Builder> jsonBuilder,
      Function<Q, OtlpDecoded> decoder, ToIntFunction<Batch> accepted, R success,
      BiFunction<Integer, String, R> partialSuccess) {
    this.name = name;
    this.requestType = requestType;
    this.parser = parser;
    this.jsonBuilder = jsonBuilder;
    this.decoder = decoder;
    this.accepted = accepted;
    this.success = success;
    this.partialSuccess = partialSuccess;
  }

  public static OtlpSignal<ExportTraceServiceRequest, ExportTraceServiceResponse> traces(OtlpTraceDecoder d) {
    return new OtlpSignal<>("traces", ExportTraceServiceRequest.class, ExportTraceServiceRequest.parser(),
        ExportTraceServiceRequest::newBuilder, d::decode, b -> b.spans().size(),
        ExportTraceServiceResponse.getDefaultInstance(),
        (rejected, message) -> ExportTraceServiceResponse.newBuilder().setPartialSuccess(
            ExportTracePartialSuccess.newBuilder().setRejectedSpans(rejected).setErrorMessage(message)).build());
  }

  public static OtlpSignal<ExportLogsServiceRequest, ExportLogsServiceResponse> logs(OtlpLogDecoder d) {
    return new OtlpSignal<>("logs", ExportLogsServiceRequest.class, ExportLogsServiceRequest.parser(),
        ExportLogsServiceRequest::newBuilder, d::decode, b -> b.logs().size(),
        ExportLogsServiceResponse.getDefaultInstance(),
        (rejected, message) -> ExportLogsServiceResponse.newBuilder().setPartialSuccess(
            ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(rejected).setErrorMessage(message)).build());
  }

  public static OtlpSignal<ExportMetricsServiceRequest, ExportMetricsServiceResponse> metrics(OtlpMetricDecoder d) {
    return new OtlpSignal<>("metrics", ExportMetricsServiceRequest.class, ExportMetricsServiceRequest.parser(),
        ExportMetricsServiceRequest::newBuilder, d::decode, b -> b.samples().size(),
        ExportMetricsServiceResponse.getDefaultInstance(),
        (rejected, message) -> ExportMetricsServiceResponse.newBuilder().setPartialSuccess(
            ExportMetricsPartialSuccess.newBuilder().setRejectedDataPoints(rejected).setErrorMessage(message)).build());
  }

  /** {@code traces}, {@code logs} or {@code metrics}: the last part of the OTLP/HTTP path. */
  public String name() {
    return name;
  }

  public OtlpDecoded decodeProtobuf(byte[] body) throws MalformedOtlp {
    try {
      return decoder.apply(parser.parseFrom(body));
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedOtlp("the body is not an OTLP " + requestType.getSimpleName() + ": " + e.getMessage());
    }
  }

  public OtlpDecoded decodeJson(byte[] body) throws MalformedOtlp {
    Message.Builder b = jsonBuilder.get();
    OtlpJson.merge(body, b);
    return decoder.apply(requestType.cast(b.build()));
  }

  /** The items of a decoded batch that count as accepted: spans, log records or samples. */
  public int accepted(Batch batch) {
    return accepted.applyAsInt(batch);
  }

  /** The export response: a partial success when something was rejected. */
  public R response(OtlpDecoded decoded) {
    if (decoded.rejected() == 0) return success;
    return partialSuccess.apply(decoded.rejected(), decoded.rejected() + " rejected; first: " + decoded.firstRejection());
  }
}
