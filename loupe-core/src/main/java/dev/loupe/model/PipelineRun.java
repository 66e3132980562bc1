package dev.loupe.model;

import java.util.List;

/** One run of a data pipeline, as reported by the pipeline. */
public record PipelineRun(
    String pipeline,
    boolean success,
    long startedAtMillis,
    long finishedAtMillis,
    Long rowsIn,
    Long rowsOut,
    List<Check> checks,
    String error) {
  /** One data-quality check of a run. */
  public record Check(String name, boolean passed, Double value) {
    public Check {
      Checks.name("checks.name", name);
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
    checks = checks == null ? List.of() : List.copyOf(checks);
  }
}
