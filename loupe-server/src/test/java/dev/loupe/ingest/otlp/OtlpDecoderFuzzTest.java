package dev.loupe.ingest.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The OTLP example requests of the protocol's own repository decode, as JSON and as protobuf;
 * mutated (truncated, bytes flipped, inserted, dropped) they either decode or fail with {@link
 * MalformedOtlp}, which the receivers answer with 400: never another exception, which would be a
 * 500 and a retry. Seeded, so a failure repeats.
 */
class OtlpDecoderFuzzTest {
  interface Decoder {
    OtlpDecoded decode(byte[] body) throws MalformedOtlp;
  }

  record Case(String fixture, Message.Builder builder, Decoder json, Decoder protobuf) {}

  static List<Case> cases() {
    var traces = OtlpSignal.traces(new OtlpTraceDecoder(GenAiSpanMapping.defaults()));
    var metrics = OtlpSignal.metrics(new OtlpMetricDecoder());
    var logs = OtlpSignal.logs(new OtlpLogDecoder());
    return List.of(
        new Case("trace.json", ExportTraceServiceRequest.newBuilder(), traces::decodeJson, traces::decodeProtobuf),
        new Case("metrics.json", ExportMetricsServiceRequest.newBuilder(), metrics::decodeJson, metrics::decodeProtobuf),
        new Case("logs.json", ExportLogsServiceRequest.newBuilder(), logs::decodeJson, logs::decodeProtobuf),
        new Case("events.json", ExportLogsServiceRequest.newBuilder(), logs::decodeJson, logs::decodeProtobuf));
  }

  static byte[] fixture(String name) throws IOException {
    try (InputStream in = OtlpDecoderFuzzTest.class.getResourceAsStream("/fixtures/otlp/" + name)) {
      if (in == null) throw new AssertionError("missing fixture " + name);
      return in.readAllBytes();
    }
  }

  @Test
  void theProtocolsOwnExamplesDecodeAsJsonAndAsProtobuf() throws Exception {
    for (Case c : cases()) {
      byte[] json = fixture(c.fixture());
      OtlpDecoded fromJson = c.json().decode(json);
      assertThat(fromJson.batch().size()).as(c.fixture() + " keeps records").isPositive();
      OtlpJson.merge(json, c.builder());
      OtlpDecoded fromProtobuf = c.protobuf().decode(c.builder().build().toByteArray());
      assertThat(fromProtobuf.batch().size()).as(c.fixture() + " as protobuf").isEqualTo(fromJson.batch().size());
      assertThat(fromProtobuf.rejected()).isEqualTo(fromJson.rejected());
    }
  }

  @Test
  void mutatedBodiesDecodeOrAreMalformedNeverAnythingElse() throws Exception {
    Random random = new Random(20261129);
    int malformed = 0;
    int decoded = 0;
    for (Case c : cases()) {
      byte[] json = fixture(c.fixture());
      OtlpJson.merge(json, c.builder());
      byte[] protobuf = c.builder().build().toByteArray();
      for (int i = 0; i < 1500; i++) {
        for (boolean asJson : new boolean[] {true, false}) {
          byte[] body = mutate(asJson ? json : protobuf, random);
          try {
            (asJson ? c.json() : c.protobuf()).decode(body);
            decoded++;
          } catch (MalformedOtlp expected) {
            assertThat(expected.getMessage()).isNotBlank();
            malformed++;
          } catch (RuntimeException e) {
            fail(c.fixture() + (asJson ? " JSON" : " protobuf") + " mutation " + i + " threw " + e
                + "\nbody: " + Arrays.toString(body), e);
          }
        }
      }
    }
    assertThat(malformed).as("the mutations do break bodies").isPositive();
    assertThat(decoded).as("and some still decode").isPositive();
  }

  static byte[] mutate(byte[] in, Random r) {
    byte[] b = in.clone();
    switch (r.nextInt(5)) {
      case 0 -> b = Arrays.copyOf(b, r.nextInt(b.length));
      case 1 -> {
        for (int k = 0; k < 1 + r.nextInt(4); k++) b[r.nextInt(b.length)] = (byte) r.nextInt(256);
      }
      case 2 -> {
        int at = r.nextInt(b.length);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, at);
        out[at] = (byte) r.nextInt(256);
        System.arraycopy(b, at, out, at + 1, b.length - at);
        b = out;
      }
      case 3 -> {
        int at = r.nextInt(b.length);
        byte[] out = new byte[b.length - 1];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + 1, out, at, b.length - at - 1);
        b = out;
      }
      default -> {
        // A digit changed somewhere: timestamps, counts and ids shift without breaking the syntax.
        int at = r.nextInt(b.length);
        for (int k = at; k < b.length; k++) {
          if (b[k] >= '0' && b[k] <= '9') {
            b[k] = (byte) ('0' + r.nextInt(10));
            break;
          }
        }
      }
    }
    return b;
  }
}
