package dev.loupe.dimension.model;

import dev.loupe.model.InferenceFeatures;
import dev.loupe.model.Score;
import dev.loupe.stats.CategoryCounts;
import dev.loupe.stats.DriftCriterion;
import dev.loupe.stats.DriftResult;
import dev.loupe.stats.FeatureDrift;
import dev.loupe.stats.NumericSummary;
import dev.loupe.stats.TimeWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One window of a deployment's traffic, summarized per feature for drift tests: the numeric ones
 * (latency, time to first token, input and output tokens, cost, and every score by its name) in
 * mergeable sketches, the categorical ones (finish reason, outcome, operation) as counts. Memory
 * is kilobytes per feature whatever the window holds. Not thread-safe.
 *
 * <pre>{@code
 * DriftFeatures ref = new DriftFeatures(), cur = new DriftFeatures();
 * store.scanInferenceFeatures(m, refFrom, refTo, ref::add); ...
 * List<DriftResult> results = DriftFeatures.compare(ref, refWindow, cur, curWindow, Map.of());
 * }</pre>
 */
public final class DriftFeatures {
  /** The numeric features read from inferences, in the order results list them. */
  public static final List<String> INFERENCE_NUMERIC =
      List.of("latency_ms", "ttft_ms", "input_tokens", "output_tokens", "cost");
  /** The categorical features read from inferences. */
  public static final List<String> INFERENCE_CATEGORICAL = List.of("finish_reason", "outcome", "operation");

  private final Map<String, NumericSummary> numeric = new TreeMap<>();
  private final Map<String, CategoryCounts> categorical = new TreeMap<>();

  public void add(InferenceFeatures i) {
    number("latency_ms", i.latencyMs());
    number("ttft_ms", i.ttftMs());
    number("input_tokens", i.inputTokens() == null ? null : i.inputTokens().doubleValue());
    number("output_tokens", i.outputTokens() == null ? null : i.outputTokens().doubleValue());
    number("cost", i.cost());
    category("finish_reason", i.finishReason() == null ? "none" : i.finishReason());
    category("outcome", i.outcome().name().toLowerCase(java.util.Locale.ROOT));
    category("operation", i.operation() == null ? "none" : i.operation());
  }

  /** A score is a numeric feature of its own name. */
  public void add(Score s) {
    number(s.name(), s.value());
  }

  /** The numeric features seen, with their summaries. */
  public Map<String, NumericSummary> numeric() {
    return numeric;
  }

  /** The categorical features seen, with their counts. */
  public Map<String, CategoryCounts> categorical() {
    return categorical;
  }

  /**
   * One drift result per feature present in both windows, numeric then categorical, each by
   * name: the test {@code criteria} names for the feature, else the default for its type and the
   * reference's size. A feature seen in one window only is not compared.
   */
  public static List<DriftResult> compare(DriftFeatures reference, TimeWindow referenceWindow, DriftFeatures current,
      TimeWindow currentWindow, Map<String, DriftCriterion> criteria) {
    List<DriftResult> out = new ArrayList<>();
    reference.numeric.forEach((name, ref) -> {
      NumericSummary cur = current.numeric.get(name);
      if (cur == null || cur.count() == 0 || ref.count() == 0) return;
      DriftCriterion c = criteria.getOrDefault(name, DriftCriterion.defaultNumeric(ref));
      out.add(FeatureDrift.numeric(name, referenceWindow, ref, currentWindow, cur, c));
    });
    reference.categorical.forEach((name, ref) -> {
      CategoryCounts cur = current.categorical.get(name);
      if (cur == null || cur.count() == 0 || ref.count() == 0) return;
      DriftCriterion c = criteria.getOrDefault(name, DriftCriterion.defaultCategorical(ref));
      out.add(FeatureDrift.categorical(name, referenceWindow, ref, currentWindow, cur, c));
    });
    return out;
  }

  private void number(String feature, Double value) {
    if (value != null && Double.isFinite(value)) numeric.computeIfAbsent(feature, f -> NumericSummary.create()).add(value);
  }

  private void category(String feature, String value) {
    categorical.computeIfAbsent(feature, f -> new CategoryCounts()).add(value);
  }
}
