package dev.loupe.model;

import java.util.List;

/**
 * One run of a data pipeline, as reported by the pipeline: whether it succeeded, when it started
 * and finished, what it read and wrote, its data-quality checks and, when it failed, why. A run
 * is identified by its pipeline and start: a re-sent report of it is the same run.
 */
public record PipelineRun(
    String pipeline,
    boolean success,
    long startedAtMillis,
    long finishedAtMillis,
    Long rowsIn,
    Long rowsOut,
    Long bytes,
    List<Check> checks,
    String error) {
  /** Longest error text kept; a stack trace is cut there. */
  public static final int MAX_ERROR_LENGTH = 4096;

  /**
   * One data-quality check of a run: a null rate, a schema comparison, a freshness test… as the
   * pipeline judged it ({@code passed}), with the measured value when there is one.
   */
  public record Check(String name, boolean passed, Double value) {
    public Check {
      Checks.name("checks.name", name);
      if (value != null) Checks.finite("checks.value", value);
    }
  }

  public PipelineRun {
    Checks.name("pipeline", pipeline);
    Checks.timestamp("started_at", startedAtMillis);
    if (finishedAtMillis < startedAtMillis) {
      throw new InvalidRecordException("finished_at", "is before started_at");
    }
    Checks.nonNegative("rows_in", rowsIn);
    Checks.nonNegative("rows_out", rowsOut);
    Checks.nonNegative("bytes", bytes);
    checks = checks == null ? List.of() : List.copyOf(checks);
    if (error != null && error.isBlank()) error = null;
    if (error != null && error.length() > MAX_ERROR_LENGTH) error = error.substring(0, MAX_ERROR_LENGTH);
  }

  /** A run without a byte count. */
  public PipelineRun(String pipeline, boolean success, long startedAtMillis, long finishedAtMillis, Long rowsIn,
      Long rowsOut, List<Check> checks, String error) {
    this(pipeline, success, startedAtMillis, finishedAtMillis, rowsIn, rowsOut, null, checks, error);
  }

  /** What the run wrote, else what it read: the count its baseline follows. Null when it reported neither. */
  public Long rows() {
    return rowsOut != null ? rowsOut : rowsIn;
  }

  /** {@code success} or {@code failed}, as the wire contract writes it. */
  public String status() {
    return success ? "success" : "failed";
  }
}
