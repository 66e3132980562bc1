package dev.loupe.model;

import java.util.List;

/** The unit a receiver hands to the ingest pipeline and the pipeline hands to the store. */
public record Batch(
    List<Inference> inferences,
    List<LogRecord> logs,
    List<Deployment> deployments,
    List<Score> scores,
    List<Sample> samples,
    List<Span> spans) {
  public static final Batch EMPTY = new Batch(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

  public Batch {
    inferences = List.copyOf(inferences);
    logs = List.copyOf(logs);
    deployments = List.copyOf(deployments);
    scores = List.copyOf(scores);
    samples = List.copyOf(samples);
    spans = List.copyOf(spans);
  }

  public static Batch ofInferences(List<Inference> inferences) {
    return new Batch(inferences, List.of(), List.of(), List.of(), List.of(), List.of());
  }

  public static Batch ofSamples(List<Sample> samples) {
    return new Batch(List.of(), List.of(), List.of(), List.of(), samples, List.of());
  }

  public int size() {
    return inferences.size() + logs.size() + deployments.size() + scores.size() + samples.size() + spans.size();
  }

  public boolean isEmpty() {
    return size() == 0;
  }
}
