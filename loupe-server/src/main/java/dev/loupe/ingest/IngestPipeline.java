package dev.loupe.ingest;

import dev.loupe.dimension.model.DeploymentLog;
import dev.loupe.dimension.model.InferenceWindows;
import dev.loupe.model.Batch;
import dev.loupe.model.Inference;
import dev.loupe.store.Store;
import java.util.List;

/**
 * The one path every receiver hands its decoded batch to: apply the capture policy, make the
 * batch durable in the store, then update the hot signals. Receivers never do any of this
 * themselves. When {@link #accept} returns, the batch survives a crash.
 */
public final class IngestPipeline {
  private final Store store;
  private final InferenceWindows windows;
  private final DeploymentLog deployments;
  private final CapturePolicy capture;
  private final IngestMetrics metrics;

  public IngestPipeline(
      Store store,
      InferenceWindows windows,
      DeploymentLog deployments,
      CapturePolicy capture,
      IngestMetrics metrics) {
    this.store = store;
    this.windows = windows;
    this.deployments = deployments;
    this.capture = capture;
    this.metrics = metrics;
  }

  public void accept(Batch batch) {
    if (batch.isEmpty()) {
      return;
    }
    Batch kept = capture.apply(batch);
    long start = System.nanoTime();
    store.append(kept);
    metrics.observeAppend((System.nanoTime() - start) / 1e9, kept.size());
    List<Inference> inferences = kept.inferences();
    windows.record(inferences);
    kept.deployments().forEach(deployments::add);
  }
}
