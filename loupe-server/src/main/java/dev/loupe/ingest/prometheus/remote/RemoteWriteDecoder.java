package dev.loupe.ingest.prometheus.remote;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.loupe.ingest.prometheus.remote.proto.Label;
import dev.loupe.ingest.prometheus.remote.proto.TimeSeries;
import dev.loupe.ingest.prometheus.remote.proto.WriteRequest;
import dev.loupe.model.Checks;
import dev.loupe.model.InvalidRecordException;
import dev.loupe.model.Sample;
import dev.loupe.model.TimestampAdmission;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xerial.snappy.Snappy;

/**
 * Decodes a Prometheus remote write 1.0 body (snappy block-compressed protobuf
 * {@code WriteRequest}) into samples. A body that cannot be decoded fails as a whole; a series
 * that is invalid (no {@code __name__}, a bad label name, a timestamp outside the admitted range)
 * is rejected alone and the rest kept.
 */
public final class RemoteWriteDecoder {

  private final TimestampAdmission admission;
  private final long maxDecodedBytes;

  /** What a body held: the samples kept and why others were not. */
  public record Decoded(List<Sample> samples, int received, List<String> rejections) {}

  /** The body is not snappy-compressed protobuf; retrying it cannot help. */
  public static final class UndecodableBody extends Exception {
    public UndecodableBody(String message) {
      super(message);
    }
  }

  public RemoteWriteDecoder(TimestampAdmission admission, long maxDecodedBytes) {
    this.admission = admission;
    this.maxDecodedBytes = maxDecodedBytes;
  }

  public Decoded decode(byte[] body) throws UndecodableBody {
    byte[] raw;
    try {
      if (!Snappy.isValidCompressedBuffer(body)) {
        throw new UndecodableBody("the body is not snappy block-compressed (remote write 1.0 requires Content-Encoding: snappy)");
      }
      long length = Snappy.uncompressedLength(body);
      if (length > maxDecodedBytes) {
        throw new UndecodableBody("the body decompresses to " + length + " bytes, over the limit of " + maxDecodedBytes);
      }
      raw = Snappy.uncompress(body);
    } catch (IOException e) {
      throw new UndecodableBody("the snappy body is corrupt: " + e.getMessage());
    }
    WriteRequest request;
    try {
      request = WriteRequest.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      throw new UndecodableBody("the body is not a prometheus.WriteRequest: " + e.getMessage());
    }
    List<Sample> samples = new ArrayList<>();
    List<String> rejections = new ArrayList<>();
    int received = 0;
    for (int i = 0; i < request.getTimeseriesCount(); i++) {
      TimeSeries ts = request.getTimeseries(i);
      received += ts.getSamplesCount();
      String name = null;
      Map<String, String> labels = new HashMap<>(ts.getLabelsCount() * 2);
      String problem = null;
      for (Label l : ts.getLabelsList()) {
        if (l.getName().equals("__name__")) {
          name = l.getValue();
        } else if (!Checks.isLabelName(l.getName())) {
          problem = "label name '" + l.getName() + "' is invalid";
        } else if (labels.put(l.getName(), l.getValue()) != null) {
          problem = "label '" + l.getName() + "' appears twice";
        } else if (l.getValue().isEmpty()) {
          labels.remove(l.getName()); // an empty label is the same as none, as in Prometheus
        }
      }
      if (problem == null && (name == null || !Checks.isMetricName(name))) {
        problem = name == null ? "the series has no __name__ label" : "metric name '" + name + "' is invalid";
      }
      if (problem != null) {
        rejections.add("timeseries[" + i + "]: " + problem + " (" + ts.getSamplesCount() + " samples)");
        continue;
      }
      for (int j = 0; j < ts.getSamplesCount(); j++) {
        var s = ts.getSamples(j);
        try {
          admission.check("timestamp", s.getTimestamp());
          samples.add(new Sample(name, labels, s.getTimestamp(), s.getValue()));
        } catch (InvalidRecordException e) {
          rejections.add("timeseries[" + i + "] " + name + " sample " + j + ": " + e.getMessage());
        }
      }
    }
    return new Decoded(samples, received, rejections);
  }
}
