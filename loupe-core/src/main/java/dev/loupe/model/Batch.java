package dev.loupe.model;

import java.util.List;
import java.util.Map;

/**
 * The unit a receiver hands to the ingest pipeline and the pipeline hands to the store. {@code
 * contexts} holds what requests carried beside their text (retrieved documents, the format asked
 * for), filed by {@link InferenceContext#keyOf}: for the evaluators, never stored.
 */
public record Batch(
    List<Inference> inferences,
    List<LogRecord> logs,
    List<Deployment> deployments,
    List<Score> scores,
    List<Sample> samples,
    List<Span> spans,
    Map<String, InferenceContext> contexts,
    List<PipelineRun> pipelineRuns) {
  public static final Batch EMPTY = new Batch(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

  public Batch {
    inferences = List.copyOf(inferences);
    logs = List.copyOf(logs);
    deployments = List.copyOf(deployments);
    scores = List.copyOf(scores);
    samples = List.copyOf(samples);
    spans = List.copyOf(spans);
    contexts = Map.copyOf(contexts);
    pipelineRuns = pipelineRuns == null ? List.of() : List.copyOf(pipelineRuns);
  }

  public Batch(List<Inference> inferences, List<LogRecord> logs, List<Deployment> deployments, List<Score> scores,
      List<Sample> samples, List<Span> spans) {
    this(inferences, logs, deployments, scores, samples, spans, Map.of(), List.of());
  }

  /** A batch without pipeline runs. */
  public Batch(List<Inference> inferences, List<LogRecord> logs, List<Deployment> deployments, List<Score> scores,
      List<Sample> samples, List<Span> spans, Map<String, InferenceContext> contexts) {
    this(inferences, logs, deployments, scores, samples, spans, contexts, List.of());
  }

  /** The same batch with other inferences (their contexts kept); every other record kept. */
  public Batch withInferences(List<Inference> replaced) {
    return new Batch(replaced, logs, deployments, scores, samples, spans, contexts, pipelineRuns);
  }

  /** The same batch with other scores; every other record kept. */
  public Batch withScores(List<Score> replaced) {
    return new Batch(inferences, logs, deployments, replaced, samples, spans, contexts, pipelineRuns);
  }

  /**
   * What the request of {@code i} carried beside its text; {@link InferenceContext#NONE} when
   * nothing. Its own context (by request id) comes with what its trace carried (a retrieval's documents).
   */
  public InferenceContext contextOf(Inference i) {
    String key = InferenceContext.keyOf(i);
    InferenceContext c = key == null ? null : contexts.get(key);
    String traceKey = i.traceId() == null ? null : InferenceContext.traceKey(i.traceId());
    InferenceContext trace = traceKey == null || traceKey.equals(key) ? null : contexts.get(traceKey);
    if (c == null) c = trace;
    else if (trace != null) c = c.merge(trace);
    return c == null ? InferenceContext.NONE : c;
  }

  public static Batch ofScores(List<Score> scores) {
    return new Batch(List.of(), List.of(), List.of(), scores, List.of(), List.of());
  }

  public static Batch ofInferences(List<Inference> inferences) {
    return new Batch(inferences, List.of(), List.of(), List.of(), List.of(), List.of());
  }

  public static Batch ofSamples(List<Sample> samples) {
    return new Batch(List.of(), List.of(), List.of(), List.of(), samples, List.of());
  }

  public static Batch ofPipelineRuns(List<PipelineRun> runs) {
    return new Batch(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), Map.of(), runs);
  }

  public int size() {
    return inferences.size() + logs.size() + deployments.size() + scores.size() + samples.size() + spans.size()
        + pipelineRuns.size();
  }

  public boolean isEmpty() {
    return size() == 0;
  }
}
