package dev.loupe.ingest;

import dev.loupe.ingest.events.JsonEventDecoder.Decoded;
import dev.loupe.ingest.events.LabelJson.GroundTruth;
import dev.loupe.ingest.events.Rejection;
import dev.loupe.model.Batch;
import dev.loupe.model.Inference;
import dev.loupe.model.Score;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Turns labels sent without the model's answer into accuracy scores against the stored
 * inference's captured completion. A label whose inference is not stored, or was stored without
 * its completion, is rejected naming why, so the sender can add {@code predicted} or retry later.
 */
public final class GroundTruthScores {
  private final ScoreAttachment attachment;

  public GroundTruthScores(ScoreAttachment attachment) {
    this.attachment = attachment;
  }

  public Decoded resolve(Decoded decoded) {
    if (decoded.labels().isEmpty()) return decoded;
    List<String> requests = new ArrayList<>();
    List<String> traces = new ArrayList<>();
    long oldest = Long.MAX_VALUE;
    for (GroundTruth g : decoded.labels()) {
      if (g.requestId() != null) requests.add(g.requestId());
      if (g.traceId() != null) traces.add(g.traceId());
      oldest = Math.min(oldest, g.timestampMillis());
    }
    Map<String, Inference> found = attachment.inferences(requests, traces, oldest);
    List<Score> scores = new ArrayList<>(decoded.batch().scores());
    List<Rejection> rejections = new ArrayList<>(decoded.rejections());
    for (GroundTruth g : decoded.labels()) {
      Inference i = g.requestId() == null ? null : found.get("r:" + g.requestId());
      if (i == null && g.traceId() != null) i = found.get("t:" + g.traceId());
      String field = g.requestId() != null ? "request_id" : "trace_id";
      String id = g.requestId() != null ? g.requestId() : g.traceId();
      if (i == null) {
        rejections.add(new Rejection(g.line(), 0, field, "no inference with " + field + " \"" + id
            + "\" is stored (within " + ScoreAttachment.LOOKBACK.toDays() + " days); send predicted with the label,"
            + " or send the label after the inference"));
      } else if (i.completion() == null) {
        rejections.add(new Rejection(g.line(), 0, "predicted", "is required: the inference " + field + " \"" + id
            + "\" was stored without its completion (ingest.capture keeps completions)"));
      } else {
        scores.add(g.score(i.completion()).withKey(i.key()));
      }
    }
    rejections.sort(Comparator.comparingInt(Rejection::line));
    Batch b = decoded.batch();
    return new Decoded(b.withScores(scores),
        rejections, decoded.received(), decoded.skipped(), List.of());
  }
}
