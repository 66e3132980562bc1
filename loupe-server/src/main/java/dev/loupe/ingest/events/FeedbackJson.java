package dev.loupe.ingest.events;

import dev.loupe.model.InvalidRecordException;
import dev.loupe.model.Score;
import dev.loupe.model.ScoreSource;
import java.util.Locale;

/**
 * The wire shape of {@code POST /api/v1/feedback}: a user's verdict on one answer, by request or
 * trace id, as a human score. Thumbs become {@code user_feedback} (1 up, 0 down) and a rating
 * {@code user_rating} (1 to 5), the two shapes feedback widgets send; the time defaults to now.
 */
public final class FeedbackJson {
  public static final String THUMBS = "user_feedback";
  public static final String RATING = "user_rating";

  private FeedbackJson() {}

  public static Score read(FieldReader f, long nowMillis) {
    Long time = f.timestamp("timestamp");
    String comment = f.string("comment");
    boolean thumbs = f.has("thumbs");
    boolean rating = f.has("rating");
    if (thumbs == rating) {
      throw new InvalidRecordException(thumbs ? "rating" : "thumbs",
          thumbs ? "give thumbs or rating, not both" : "is required: \"up\" or \"down\" (or a rating from 1 to 5)");
    }
    double value;
    String name;
    if (thumbs) {
      name = THUMBS;
      value = thumbs(f);
    } else {
      name = RATING;
      Double r = f.number("rating");
      if (r < 1 || r > 5 || r != Math.rint(r)) {
        throw new InvalidRecordException("rating", "must be a whole number from 1 to 5, got " + f.fields().get("rating"));
      }
      value = r;
    }
    return new Score(time == null ? nowMillis : time, name, value, ScoreSource.HUMAN, f.string("request_id"),
        f.string("trace_id"), comment);
  }

  private static double thumbs(FieldReader f) {
    Object v = f.fields().get("thumbs");
    if (v instanceof Boolean b) return b ? 1 : 0;
    String t = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
    switch (t) {
      case "up", "1", "true", "+1":
        return 1;
      case "down", "0", "false", "-1":
        return 0;
      default:
        throw new InvalidRecordException("thumbs", "must be \"up\" or \"down\", got " + v);
    }
  }
}
