package dev.loupe.ingest.events;

import dev.loupe.model.InvalidRecordException;
import dev.loupe.model.Score;
import dev.loupe.model.ScoreSource;

/** The wire shape of {@code POST /api/v1/scores} to {@link Score}. */
public final class ScoreJson {
  private ScoreJson() {}

  public static Score read(FieldReader f) {
    Double value = f.number("value");
    if (value == null) throw new InvalidRecordException("value", "is required");
    return new Score(
        f.requiredTimestamp("timestamp"),
        f.string("name"),
        value,
        ScoreSource.parse("source", f.string("source")),
        f.string("request_id"),
        f.string("trace_id"),
        f.string("comment"));
  }
}
