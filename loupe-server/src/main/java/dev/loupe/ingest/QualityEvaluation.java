package dev.loupe.ingest;

import dev.loupe.dimension.model.quality.HeuristicScorer;
import dev.loupe.dimension.model.quality.RequestContext;
import dev.loupe.dimension.model.quality.RequestedFormat;
import dev.loupe.evaluate.LlmJudge;
import dev.loupe.model.Batch;
import dev.loupe.model.Inference;
import dev.loupe.model.InferenceContext;
import dev.loupe.model.Score;
import java.util.ArrayList;
import java.util.List;

/**
 * The quality evaluators at ingest: each stored inference whose completion the capture policy kept
 * is scored by the built-in evaluators (in the sample of its deployment) and offered to the LLM
 * judge, with what its request carried (retrieved documents, the format asked for). An inference
 * stored without its text is not evaluated; a re-sent one, not stored again, is not evaluated
 * again. The judge grades on its own thread and never holds ingest up.
 */
public final class QualityEvaluation {
  /** Evaluates nothing: heuristics off and no judge. */
  public static final QualityEvaluation NONE = new QualityEvaluation(null, null);

  private final HeuristicScorer scorer;
  private final LlmJudge judge;

  /** {@code scorer} null: built-in evaluators off; {@code judge} null: no judge. */
  public QualityEvaluation(HeuristicScorer scorer, LlmJudge judge) {
    this.scorer = scorer;
    this.judge = judge;
  }

  /** The built-in evaluators' scores of the batch's new inferences, each tied to its inference. */
  List<Score> evaluate(Batch stored) {
    if (scorer == null && judge == null) return List.of();
    List<Score> out = new ArrayList<>();
    for (Inference i : stored.inferences()) {
      if (i.completion() == null) continue;
      RequestContext context = requestContext(stored.contextOf(i));
      if (scorer != null) {
        for (Score s : scorer.score(i, context)) out.add(s.withKey(i.key()));
      }
      if (judge != null) judge.offer(i, context);
    }
    return out;
  }

  static RequestContext requestContext(InferenceContext c) {
    if (c.isEmpty()) return RequestContext.NONE;
    RequestedFormat format = c.responseFormat() == null && c.responseSchema() == null ? null
        : RequestedFormat.fromResponseFormat(c.responseFormat() == null ? "json_schema" : c.responseFormat(),
            c.responseSchema());
    return new RequestContext(c.retrievedDocuments(), format, c.summarySource());
  }
}
