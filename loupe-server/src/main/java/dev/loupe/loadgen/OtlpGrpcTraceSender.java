package dev.loupe.loadgen;

import dev.loupe.ingest.otlp.ByteArrayMarshaller;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.util.concurrent.TimeUnit;

/**
 * Sends pre-encoded {@code ExportTraceServiceRequest}s to Loupe's OTLP/gRPC port over one channel
 * (one HTTP/2 connection); each thread that calls {@link #send} is one concurrent stream, as an
 * exporter's calls are. The bodies are sent as bytes, so no encoding is measured.
 */
public final class OtlpGrpcTraceSender implements BodySender, AutoCloseable {
  private static final MethodDescriptor<byte[], byte[]> EXPORT = TraceServiceGrpc.getExportMethod()
      .toBuilder(ByteArrayMarshaller.INSTANCE, ByteArrayMarshaller.INSTANCE).build();

  private final ManagedChannel channel;

  public OtlpGrpcTraceSender(String host, int port) {
    this.channel = ManagedChannelBuilder.forAddress(host, port).usePlaintext().build();
  }

  @Override
  public boolean send(byte[] body) {
    try {
      ClientCalls.blockingUnaryCall(channel, EXPORT, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS), body);
      return true;
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
