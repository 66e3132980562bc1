package dev.loupe.ingest;

import dev.loupe.dimension.model.DeploymentLog;
import dev.loupe.dimension.model.InferenceWindows;
import dev.loupe.model.Batch;
import dev.loupe.model.Inference;
import dev.loupe.store.Store;
import dev.loupe.model.Sample;
import dev.loupe.model.Score;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The one path every receiver hands its decoded batch to: let the security detectors read the
 * texts as sent, apply the capture policy, price the inferences, tie scores to the inferences they
 * judge, make the batch durable in the store, hand the new inferences to the security detectors and
 * usage baselines, update the hot signals, then score the new inferences' quality (on the stored
 * text only). Receivers never do any of this themselves. When {@link #accept} returns, the batch
 * survives a crash.
 */
public final class IngestPipeline {
  /** Which door a batch came in by: it tells whose silence a missing batch would be. */
  public enum Origin { SCRAPE, REMOTE_WRITE, OTLP, API }

  private final Store store;
  private final InferenceWindows windows;
  private final DeploymentLog deployments;
  private final ContentCapture capture;
  private final SecurityIntake security;
  private final IngestMetrics metrics;
  private final List<Consumer<List<Sample>>> sampleObservers;
  private final ScoreAttachment scores;
  private final CostEnricher costs;
  private final BiConsumer<Origin, Batch> arrivals;
  private final QualityEvaluation evaluation;

  /**
   * {@code sampleObservers} (the judges fed by metrics: compute, network…) see every durable
   * sample; {@code costs} prices each inference before it is stored; {@code arrivals} sees every
   * durable batch with its origin (whose sources reported).
   */
  public IngestPipeline(
      Store store,
      InferenceWindows windows,
      DeploymentLog deployments,
      ContentCapture capture,
      SecurityIntake security,
      IngestMetrics metrics,
      List<Consumer<List<Sample>>> sampleObservers,
      ScoreAttachment scores,
      CostEnricher costs,
      BiConsumer<Origin, Batch> arrivals,
      QualityEvaluation evaluation) {
    this.costs = costs;
    this.store = store;
    this.windows = windows;
    this.deployments = deployments;
    this.capture = capture;
    this.security = security;
    this.metrics = metrics;
    this.sampleObservers = List.copyOf(sampleObservers);
    this.scores = scores;
    this.arrivals = arrivals;
    this.evaluation = evaluation;
  }

  /** A batch posted to Loupe's own JSON API; see {@link #accept(Batch, Origin)}. */
  public int accept(Batch batch) {
    return accept(batch, Origin.API);
  }

  /**
   * Makes the batch durable and counts what was new; returns how many of its records were
   * already stored (a sender's retry) and so were neither stored nor counted again.
   */
  public int accept(Batch batch, Origin origin) {
    if (batch.isEmpty()) {
      return 0;
    }
    // The detectors read the text as sent, before the policy drops or redacts what is stored.
    SecurityIntake.Held held = security.hold(batch);
    // Priced once, here, after the tenant stamp (receivers apply it) and before anything keeps it.
    Batch captured = scores.attach(costs.price(capture.apply(batch)));
    long start = System.nanoTime();
    Batch kept = store.append(captured);
    metrics.observeAppend((System.nanoTime() - start) / 1e9, captured.size());
    security.stored(held, captured, kept);
    List<Inference> inferences = kept.inferences();
    windows.record(inferences);
    costs.stored(inferences);
    kept.deployments().forEach(deployments::add);
    if (!kept.samples().isEmpty()) {
      for (Consumer<List<Sample>> o : sampleObservers) o.accept(kept.samples());
    }
    arrivals.accept(origin, kept);
    // Scored once stored, so a re-sent inference (not stored again) is not scored again; the
    // scores are their own commit, after the batch's: a crash between loses scores, never data.
    List<Score> judged = evaluation.evaluate(kept);
    if (!judged.isEmpty()) store.append(Batch.ofScores(judged));
    return captured.size() - kept.size();
  }
}
