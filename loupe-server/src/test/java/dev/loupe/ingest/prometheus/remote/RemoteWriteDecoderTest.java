package dev.loupe.ingest.prometheus.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loupe.ingest.prometheus.remote.proto.Label;
import dev.loupe.ingest.prometheus.remote.proto.TimeSeries;
import dev.loupe.ingest.prometheus.remote.proto.WriteRequest;
import dev.loupe.model.Sample;
import dev.loupe.model.TimestampAdmission;
import dev.loupe.testing.RemoteWrite;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

class RemoteWriteDecoderTest {
  static final long NOW = Instant.parse("2026-11-29T10:00:00Z").toEpochMilli();
  final RemoteWriteDecoder decoder =
      new RemoteWriteDecoder(
          new TimestampAdmission(Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), Duration.ofMinutes(10),
              Duration.ofDays(30)),
          1 << 20);

  static TimeSeries series(String name, long ts, double value, String... labels) {
    if (name == null) {
      return TimeSeries.newBuilder().addLabels(Label.newBuilder().setName(labels[0]).setValue(labels[1]))
          .addSamples(dev.loupe.ingest.prometheus.remote.proto.Sample.newBuilder().setTimestamp(ts).setValue(value))
          .build();
    }
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < labels.length; i += 2) m.put(labels[i], labels[i + 1]);
    return RemoteWrite.series(name, m, ts, value);
  }

  static byte[] body(TimeSeries... series) throws Exception {
    WriteRequest.Builder w = WriteRequest.newBuilder();
    for (TimeSeries s : series) w.addTimeseries(s);
    return Snappy.compress(w.build().toByteArray());
  }

  @Test
  void decodesSeriesIntoSamples() throws Exception {
    RemoteWriteDecoder.Decoded d =
        decoder.decode(body(series("DCGM_FI_DEV_GPU_TEMP", NOW - 1000, 71, "gpu", "0", "Hostname", "n1")));
    assertThat(d.rejections()).isEmpty();
    assertThat(d.samples()).containsExactly(
        new Sample("DCGM_FI_DEV_GPU_TEMP", java.util.Map.of("gpu", "0", "Hostname", "n1"), NOW - 1000, 71));
  }

  @Test
  void invalidSeriesAreRejectedAloneWithTheirIndex() throws Exception {
    RemoteWriteDecoder.Decoded d =
        decoder.decode(body(
            series("ok_metric", NOW, 1),
            series(null, NOW, 2, "a", "b"),
            series("bad-name", NOW, 3),
            series("future", NOW + Duration.ofHours(2).toMillis(), 4),
            series("bad_label", NOW, 5, "0x", "y")));
    assertThat(d.samples()).extracting(Sample::name).containsExactly("ok_metric");
    assertThat(d.received()).isEqualTo(5);
    assertThat(d.rejections()).hasSize(4);
    assertThat(d.rejections().get(0)).startsWith("timeseries[1]").contains("no __name__");
    assertThat(d.rejections().get(1)).startsWith("timeseries[2]").contains("bad-name");
    assertThat(d.rejections().get(2)).startsWith("timeseries[3]").contains("future");
    assertThat(d.rejections().get(3)).startsWith("timeseries[4]").contains("'0x'");
  }

  @Test
  void bodiesThatAreNotSnappyProtobufFailAsAWhole() throws Exception {
    assertThatThrownBy(() -> decoder.decode("hello".getBytes())).isInstanceOf(RemoteWriteDecoder.UndecodableBody.class)
        .hasMessageContaining("snappy");
    assertThatThrownBy(() -> decoder.decode(Snappy.compress(new byte[] {(byte) 0xff, 0x01, 0x02})))
        .isInstanceOf(RemoteWriteDecoder.UndecodableBody.class).hasMessageContaining("WriteRequest");
    byte[] big = Snappy.compress(new byte[2 << 20]);
    assertThatThrownBy(() -> decoder.decode(big)).isInstanceOf(RemoteWriteDecoder.UndecodableBody.class)
        .hasMessageContaining("over the limit");
  }

  @Test
  void anyByteSequenceDecodesOrFailsCleanly() throws Exception {
    byte[] good = body(series("m", NOW, 1, "a", "b"), series("n", NOW, 2));
    Random r = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = good.clone();
      int flips = 1 + r.nextInt(4);
      for (int f = 0; f < flips; f++) b[r.nextInt(b.length)] = (byte) r.nextInt(256);
      if (r.nextBoolean()) b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
      try {
        decoder.decode(b);
      } catch (RemoteWriteDecoder.UndecodableBody expected) {
        // a clean, non-retryable failure is the other allowed outcome
      }
    }
  }
}
