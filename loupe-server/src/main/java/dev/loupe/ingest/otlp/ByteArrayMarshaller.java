package dev.loupe.ingest.otlp;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A gRPC message as the bytes on the wire, untouched: the OTLP services decode them with Loupe's
 * own decoders, and the load generator sends exports encoded before the clock starts. Use it in
 * place of a generated method's protobuf marshaller:
 * {@code TraceServiceGrpc.getExportMethod().toBuilder(ByteArrayMarshaller.INSTANCE, ...)}.
 */
public final class ByteArrayMarshaller implements MethodDescriptor.Marshaller<byte[]> {
  public static final ByteArrayMarshaller INSTANCE = new ByteArrayMarshaller();

  private ByteArrayMarshaller() {}

  @Override
  public InputStream stream(byte[] value) {
    return new ByteArrayInputStream(value);
  }

  @Override
  public byte[] parse(InputStream stream) {
    try {
      return stream.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
