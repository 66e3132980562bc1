package dev.loupe.ingest.otlp;

import dev.loupe.ingest.events.FieldReader;
import dev.loupe.ingest.events.PipelineRunJson;
import dev.loupe.model.InvalidRecordException;
import dev.loupe.model.PipelineRun;
import dev.loupe.model.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The attributes that make an OpenTelemetry span or log record a data pipeline's run, so a job
 * that already emits OpenTelemetry (an Airflow or Dagster task, a dbt run) reports its runs with
 * a few attributes and no new code path. The one table of names Loupe reads:
 *
 * <ul>
 *   <li>{@code pipeline.name} (required): the pipeline. On a span it makes the span a run, whose
 *       start and end are the run's; on a log record, with {@code pipeline.run.status}.
 *   <li>{@code pipeline.run.status}: {@code success} or {@code failed}; on a span, the span's
 *       status when left out (error is failed).
 *   <li>{@code pipeline.run.error}: why it failed; on a span, its status message when left out.
 *   <li>{@code pipeline.rows_in}, {@code pipeline.rows_out}, {@code pipeline.bytes}.
 *   <li>{@code pipeline.run.started_at}, {@code pipeline.run.finished_at} (log records: RFC 3339
 *       or epoch milliseconds; the record's time when left out).
 *   <li>checks: a {@code pipeline.check} span event with {@code pipeline.check.name},
 *       {@code pipeline.check.passed} and {@code pipeline.check.value}, or the attributes
 *       {@code pipeline.check.NAME.passed} and {@code pipeline.check.NAME.value}.
 * </ul>
 *
 * Only attributes of the span or record itself count: a resource's {@code pipeline.name} would
 * make every span of the process a run.
 */
public final class PipelineRunAttributes {
  public static final String NAME = "pipeline.name";
  public static final String STATUS = "pipeline.run.status";
  public static final String ERROR = "pipeline.run.error";
  public static final String ROWS_IN = "pipeline.rows_in";
  public static final String ROWS_OUT = "pipeline.rows_out";
  public static final String BYTES = "pipeline.bytes";
  public static final String STARTED_AT = "pipeline.run.started_at";
  public static final String FINISHED_AT = "pipeline.run.finished_at";
  public static final String CHECK_EVENT = "pipeline.check";
  public static final String CHECK_PREFIX = "pipeline.check.";
  static final String CHECK_NAME = "pipeline.check.name";
  static final String CHECK_PASSED = "pipeline.check.passed";
  static final String CHECK_VALUE = "pipeline.check.value";

  private PipelineRunAttributes() {}

  /**
   * The run a span describes, or null when it names no pipeline. {@code checkEvents} are the
   * attributes of its {@code pipeline.check} events.
   */
  public static PipelineRun fromSpan(Span span, String statusMessage, List<Map<String, Object>> checkEvents) {
    FieldReader f = new FieldReader(span.attributes());
    String name = f.string(NAME);
    if (name == null) return null;
    boolean success = f.has(STATUS) ? PipelineRunJson.success(STATUS, f.string(STATUS)) : !"error".equals(span.status());
    String error = f.string(ERROR);
    if (error == null && !success && statusMessage != null && !statusMessage.isEmpty()) error = statusMessage;
    List<PipelineRun.Check> checks = checks(span.attributes());
    for (Map<String, Object> e : checkEvents) checks.add(eventCheck(e));
    return new PipelineRun(name, success, span.startNanos() / 1_000_000, span.endNanos() / 1_000_000,
        f.integer(ROWS_IN), f.integer(ROWS_OUT), f.integer(BYTES), checks, error);
  }

  /**
   * The run a log record reports, or null when it is not one (no {@code pipeline.name} or no
   * {@code pipeline.run.status}). {@code fields} are the record's attributes; {@code timeMillis}
   * its time.
   */
  public static PipelineRun fromLog(Map<String, Object> fields, long timeMillis) {
    FieldReader f = new FieldReader(fields);
    String name = f.string(NAME);
    if (name == null || !f.has(STATUS)) return null;
    boolean success = PipelineRunJson.success(STATUS, f.string(STATUS));
    Long finished = f.timestamp(FINISHED_AT);
    Long started = f.timestamp(STARTED_AT);
    long end = finished != null ? finished : timeMillis;
    return new PipelineRun(name, success, started != null ? started : Math.min(end, timeMillis), end,
        f.integer(ROWS_IN), f.integer(ROWS_OUT), f.integer(BYTES), checks(fields), f.string(ERROR));
  }

  /** {@code pipeline.check.NAME.passed} / {@code .value} attributes, by name. */
  private static List<PipelineRun.Check> checks(Map<String, Object> attributes) {
    FieldReader f = new FieldReader(attributes);
    java.util.Set<String> names = new java.util.TreeSet<>();
    for (String k : attributes.keySet()) {
      if (!k.startsWith(CHECK_PREFIX) || k.equals(CHECK_NAME) || k.equals(CHECK_PASSED) || k.equals(CHECK_VALUE)) continue;
      for (String suffix : List.of(".passed", ".value")) {
        if (k.endsWith(suffix) && k.length() > CHECK_PREFIX.length() + suffix.length()) {
          names.add(k.substring(CHECK_PREFIX.length(), k.length() - suffix.length()));
        }
      }
    }
    List<PipelineRun.Check> out = new ArrayList<>();
    for (String named : names) {
      String key = CHECK_PREFIX + named;
      Boolean passed = f.bool(key + ".passed");
      if (passed == null) {
        throw new InvalidRecordException(key + ".passed", "is required with " + key + ".value: true or false");
      }
      out.add(new PipelineRun.Check(named, passed, f.number(key + ".value")));
    }
    return out;
  }

  private static PipelineRun.Check eventCheck(Map<String, Object> attributes) {
    FieldReader f = new FieldReader(attributes);
    Boolean passed = f.bool(CHECK_PASSED);
    if (passed == null) throw new InvalidRecordException(CHECK_PASSED, "is required on a pipeline.check event");
    String name = f.string(CHECK_NAME);
    if (name == null) throw new InvalidRecordException(CHECK_NAME, "is required on a pipeline.check event");
    return new PipelineRun.Check(name, passed, f.number(CHECK_VALUE));
  }
}
