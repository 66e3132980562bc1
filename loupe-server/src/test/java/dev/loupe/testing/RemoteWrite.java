package dev.loupe.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.ingest.prometheus.remote.proto.Label;
import dev.loupe.ingest.prometheus.remote.proto.Sample;
import dev.loupe.ingest.prometheus.remote.proto.TimeSeries;
import dev.loupe.ingest.prometheus.remote.proto.WriteRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.xerial.snappy.Snappy;

/** Sends samples to a test Loupe the way Prometheus's remote_write does: snappy protobuf. */
public final class RemoteWrite {
  private RemoteWrite() {}

  public static TimeSeries series(String metric, Map<String, String> labels, long timestampMillis, double value) {
    TimeSeries.Builder b = TimeSeries.newBuilder();
    b.addLabels(Label.newBuilder().setName("__name__").setValue(metric));
    new TreeMap<>(labels).forEach((k, v) -> b.addLabels(Label.newBuilder().setName(k).setValue(v)));
    return b.addSamples(Sample.newBuilder().setTimestamp(timestampMillis).setValue(value)).build();
  }

  /** Posts the series and asserts the 204 Prometheus expects. */
  public static void send(TestServer loupe, TimeSeries... series) {
    WriteRequest.Builder w = WriteRequest.newBuilder();
    for (TimeSeries s : series) w.addTimeseries(s);
    byte[] body;
    try {
      body = Snappy.compress(w.build().toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TestServer.Answer a = loupe.post("api/v1/write", body,
        "Content-Type", "application/x-protobuf", "Content-Encoding", "snappy");
    assertThat(a.status()).as(a.body()).isEqualTo(204);
  }
}
