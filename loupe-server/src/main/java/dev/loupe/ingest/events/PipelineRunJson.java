package dev.loupe.ingest.events;

import dev.loupe.model.InvalidRecordException;
import dev.loupe.model.PipelineRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The wire shape of {@code POST /api/v1/pipelines/{name}/runs} to {@link PipelineRun}:
 * {@code status} ({@code success} or {@code failed}), {@code started_at}, {@code finished_at}
 * (the time of arrival when left out), {@code rows_in}, {@code rows_out}, {@code bytes},
 * {@code checks: [{name, passed, value}]} and {@code error}. The pipeline is the path's; a
 * {@code pipeline} field, if given, must name the same one.
 */
public final class PipelineRunJson {
  private PipelineRunJson() {}

  public static PipelineRun read(String pipeline, FieldReader f, long nowMillis) {
    String named = f.string("pipeline");
    if (named != null && !named.equals(pipeline)) {
      throw new InvalidRecordException("pipeline", "names '" + named + "' but the run was posted to pipeline '"
          + pipeline + "'");
    }
    boolean success = success("status", f.string("status"));
    long started = f.requiredTimestamp("started_at");
    Long finished = f.timestamp("finished_at");
    return new PipelineRun(pipeline, success, started, finished != null ? finished : Math.max(started, nowMillis),
        f.integer("rows_in"), f.integer("rows_out"), f.integer("bytes"), checks(f.fields().get("checks")),
        f.string("error"));
  }

  /** {@code success} or {@code failed}, with the spellings schedulers use for them. */
  public static boolean success(String field, String status) {
    if (status == null) throw new InvalidRecordException(field, "is required: \"success\" or \"failed\"");
    switch (status.trim().toLowerCase(Locale.ROOT)) {
      case "success", "succeeded", "successful", "ok":
        return true;
      case "failed", "failure", "fail", "error":
        return false;
      default:
        throw new InvalidRecordException(field, "must be \"success\" or \"failed\", got \"" + status + "\"");
    }
  }

  /** {@code [{name, passed, value}]}; a bad check is named by its index, as {@code checks[2].passed}. */
  static List<PipelineRun.Check> checks(Object raw) {
    if (raw == null) return List.of();
    if (!(raw instanceof List<?> list)) {
      throw new InvalidRecordException("checks", "must be an array of {name, passed, value}, got " + FieldReader.kind(raw));
    }
    List<PipelineRun.Check> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      String where = "checks[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> m)) {
        throw new InvalidRecordException(where, "must be an object {name, passed, value}, got "
            + (list.get(i) == null ? "null" : FieldReader.kind(list.get(i))));
      }
      @SuppressWarnings("unchecked")
      FieldReader c = new FieldReader((Map<String, Object>) m);
      try {
        Boolean passed = c.bool("passed");
        if (passed == null) throw new InvalidRecordException("passed", "is required: true or false");
        out.add(new PipelineRun.Check(c.string("name"), passed, c.number("value")));
      } catch (InvalidRecordException e) {
        String field = e.field().startsWith("checks.") ? e.field().substring("checks.".length()) : e.field();
        throw new InvalidRecordException(where + "." + field, e.reason());
      }
    }
    return out;
  }
}
