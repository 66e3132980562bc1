package dev.loupe.ingest;

import dev.loupe.dimension.security.RetrievedChunk;
import dev.loupe.dimension.security.ScanInput;
import dev.loupe.model.Batch;
import dev.loupe.model.Inference;
import dev.loupe.model.InferenceContext;
import dev.loupe.model.RetrievedDocument;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the security dimension meets the ingest path, in two steps around the capture policy and
 * the store: {@link #hold} reads each inference's texts (prompt, system prompt, completion,
 * tool-call arguments, retrieved documents with their provenance) while the batch is still as
 * sent; once the batch is stored, {@link #stored} hands the texts of the inferences that were new to
 * the detectors' queue (a re-sent inference is not scanned again) and their usage to the
 * consumption baselines. The held texts are never written anywhere.
 */
public final class SecurityIntake {
  /** Reads nothing: no detectors. */
  public static final SecurityIntake NONE = new SecurityIntake(ContentCapture.OFF, null, null);

  /** The texts of a batch's inferences, by position, as sent; null where an inference has none. */
  static final class Held {
    static final Held NOTHING = new Held(List.of());
    final List<SecurityScanning.Job> jobs;

    Held(List<SecurityScanning.Job> jobs) {
      this.jobs = jobs;
    }
  }

  private final ContentCapture capture;
  private final SecurityScanning scanning;
  private final ConsumptionTracking consumption;

  /** {@code scanning} or {@code consumption} null: that part is off. */
  public SecurityIntake(ContentCapture capture, SecurityScanning scanning, ConsumptionTracking consumption) {
    this.capture = capture;
    this.scanning = scanning;
    this.consumption = consumption;
  }

  /** Reads the texts of the batch's inferences before the capture policy drops or redacts them. */
  Held hold(Batch batch) {
    if (scanning == null || batch.inferences().isEmpty()) return Held.NOTHING;
    List<SecurityScanning.Job> jobs = null;
    List<Inference> inferences = batch.inferences();
    for (int k = 0; k < inferences.size(); k++) {
      Inference i = inferences.get(k);
      InferenceContext c = batch.contextOf(i);
      boolean text = i.prompt() != null || i.completion() != null || c.systemPrompt() != null
          || !c.toolArguments().isEmpty() || !c.retrieved().isEmpty();
      if (!text) continue;
      if (jobs == null) jobs = new ArrayList<>(java.util.Collections.nCopies(inferences.size(), null));
      List<RetrievedChunk> chunks = new ArrayList<>(c.retrieved().size());
      for (RetrievedDocument d : c.retrieved()) chunks.add(new RetrievedChunk(d.documentId(), d.spanId(), d.text()));
      ScanInput input = new ScanInput(c.systemPrompt(), userPrompt(i.prompt(), c.systemPrompt()), i.completion(),
          c.toolArguments(), chunks);
      jobs.set(k, new SecurityScanning.Job(i, c.user(), input, capture.forEvidence(i.key().deployment())));
    }
    return jobs == null ? Held.NOTHING : new Held(jobs);
  }

  /** The prompt without the system instructions an OTLP span's prompt starts with (they are scanned as such). */
  static String userPrompt(String prompt, String system) {
    if (prompt == null || system == null || !prompt.startsWith(system)) return prompt;
    String rest = prompt.substring(system.length()).strip();
    return rest.isEmpty() ? null : rest;
  }

  /**
   * After the store: queues the held texts of the inferences {@code kept} as new ({@code captured}
   * is the batch as given to the store, in the order {@link #hold} saw it) and records their usage.
   */
  void stored(Held held, Batch captured, Batch kept) {
    if (consumption != null) consumption.record(kept.inferences(), kept);
    if (held.jobs.isEmpty() || kept.inferences().isEmpty()) return;
    Map<Inference, Integer> position = new IdentityHashMap<>();
    for (int k = 0; k < captured.inferences().size(); k++) position.put(captured.inferences().get(k), k);
    for (Inference i : kept.inferences()) {
      Integer k = position.get(i);
      SecurityScanning.Job job = k == null ? null : held.jobs.get(k);
      // The stored inference is the subject (its text dropped or redacted); the job's texts are as sent.
      if (job != null) scanning.offer(new SecurityScanning.Job(i, job.user(), job.input(), job.evidence()));
    }
  }

  /** When the detectors last read an inference's text or usage (0: never). */
  public long lastObservedMillis() {
    long a = scanning == null ? 0 : scanning.lastScannedMillis();
    long b = consumption == null ? 0 : consumption.lastObservedMillis();
    return Math.max(a, b);
  }
}
