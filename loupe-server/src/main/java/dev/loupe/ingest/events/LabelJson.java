package dev.loupe.ingest.events;

import dev.loupe.model.InvalidRecordException;
import dev.loupe.model.Score;
import dev.loupe.model.ScoreSource;
import java.util.Locale;

/**
 * The wire shape of {@code POST /api/v1/labels}: the true answer of one classification-style
 * request, by request or trace id, which becomes an accuracy score (1 when the model's answer
 * equals the label, else 0). The model's answer is {@code predicted} when given, else the
 * inference's captured completion, looked up later ({@link GroundTruth#pending()}).
 */
public final class LabelJson {
  public static final String DEFAULT_NAME = "accuracy";

  private LabelJson() {}

  /** One label as read; {@code predicted} null when the stored completion must say it. */
  public record GroundTruth(
      int line, long timestampMillis, String name, String requestId, String traceId, String label, String predicted) {
    public boolean pending() {
      return predicted == null;
    }

    /** The accuracy score of this label against the model's answer. */
    public Score score(String answer) {
      boolean right = normalize(label).equals(normalize(answer));
      return new Score(timestampMillis, name, right ? 1 : 0, ScoreSource.LABEL, requestId, traceId,
          "label \"" + label + "\", answered \"" + clip(answer) + "\"");
    }
  }

  public static GroundTruth read(int line, FieldReader f, long nowMillis) {
    Long time = f.timestamp("timestamp");
    String label = f.string("label");
    if (label == null || label.isBlank()) throw new InvalidRecordException("label", "is required: the true answer");
    String requestId = f.string("request_id");
    String traceId = f.string("trace_id");
    if ((requestId == null || requestId.isBlank()) && (traceId == null || traceId.isBlank())) {
      throw new InvalidRecordException("request_id", "one of request_id or trace_id is required");
    }
    String name = f.string("name");
    return new GroundTruth(line, time == null ? nowMillis : time, name == null ? DEFAULT_NAME : name, requestId,
        traceId, label, f.string("predicted"));
  }

  /**
   * A class name as models write it: case, surrounding quotes and spaces, and a final full stop
   * do not count ("Positive." is the label "positive").
   */
  static String normalize(String s) {
    String t = s.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    t = t.replaceAll("^[\"'`]+|[\"'`]+$", "").strip();
    t = t.replaceAll("[.!]+$", "").strip();
    return t;
  }

  private static String clip(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }
}
