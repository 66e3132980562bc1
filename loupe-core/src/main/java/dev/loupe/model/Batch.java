package dev.loupe.model;

import java.util.List;

/** The unit a receiver hands to the ingest pipeline and the pipeline hands to the store. */
public record Batch(
    List<Inference> inferences,
    List<LogRecord> logs,
    List<Deployment> deployments,
    List<Score> scores,
    List<Sample> samples,
    List<Span> spans,
    List<PipelineRun> pipelineRuns) {
  public static final Batch EMPTY = new Batch(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

  public Batch {
    inferences = List.copyOf(inferences);
    logs = List.copyOf(logs);
    deployments = List.copyOf(deployments);
    scores = List.copyOf(scores);
    samples = List.copyOf(samples);
    spans = List.copyOf(spans);
    pipelineRuns = pipelineRuns == null ? List.of() : List.copyOf(pipelineRuns);
  }

  /** A batch without pipeline runs. */
  public Batch(List<Inference> inferences, List<LogRecord> logs, List<Deployment> deployments, List<Score> scores,
      List<Sample> samples, List<Span> spans) {
    this(inferences, logs, deployments, scores, samples, spans, List.of());
  }

  public static Batch ofInferences(List<Inference> inferences) {
    return new Batch(inferences, List.of(), List.of(), List.of(), List.of(), List.of());
  }

  public static Batch ofSamples(List<Sample> samples) {
    return new Batch(List.of(), List.of(), List.of(), List.of(), samples, List.of());
  }

  public static Batch ofPipelineRuns(List<PipelineRun> runs) {
    return new Batch(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), runs);
  }

  /** The same batch with other inferences (a policy applied to them); every other record kept. */
  public Batch withInferences(List<Inference> replaced) {
    return new Batch(replaced, logs, deployments, scores, samples, spans, pipelineRuns);
  }

  /** The same batch with other scores; every other record kept. */
  public Batch withScores(List<Score> replaced) {
    return new Batch(inferences, logs, deployments, replaced, samples, spans, pipelineRuns);
  }

  public int size() {
    return inferences.size() + logs.size() + deployments.size() + scores.size() + samples.size() + spans.size()
        + pipelineRuns.size();
  }

  public boolean isEmpty() {
    return size() == 0;
  }
}
