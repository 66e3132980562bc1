package dev.loupe.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Three weeks of summarize-prod's history, time-accelerated into the demo's start: a request a
 * minute, each graded by an offline evaluation job ({@code answer_quality}, source {@code
 * llm_judge}), steady for five days, then 10 % lower spread over two weeks — the slow decline that
 * no fixed threshold sees and the sequential detector catches.
 */
final class QualityHistory {
  static final String DEPLOYMENT = "summarize-prod";
  static final String SCORE = "answer_quality";
  static final int DAYS = 19;
  static final int STEADY_DAYS = 5;
  static final double LEVEL = 0.82;
  static final double DECLINE = 0.10;
  /** Requests and scores posted together. */
  static final int BATCH = 5000;

  private final SimulatedDeployment d;
  private final String version;
  private final Random random = new Random(19);

  QualityHistory(SimulatedDeployment d, String version) {
    this.d = d;
    this.version = version;
  }

  /** When the decline began, for {@code endMillis} as the history's end. */
  static long declineStartMillis(long endMillis) {
    return endMillis - (long) (DAYS - STEADY_DAYS) * 86_400_000L;
  }

  /** The history ending at {@code endMillis}, as (inferences, scores) batches in time order. */
  List<List<List<Map<String, Object>>>> batches(long endMillis) {
    long start = endMillis - DAYS * 86_400_000L;
    long declineStart = declineStartMillis(endMillis);
    List<List<List<Map<String, Object>>>> out = new ArrayList<>();
    List<Map<String, Object>> inferences = new ArrayList<>();
    List<Map<String, Object>> scores = new ArrayList<>();
    int n = 0;
    for (long t = start; t < endMillis; t += 60_000) {
      String id = DEPLOYMENT + "-history-" + (n++);
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("timestamp", t);
      e.put("service", d.service());
      e.put("deployment", d.deployment());
      e.put("model", d.model());
      e.put("model_version", version);
      e.put("operation", d.operation());
      e.put("request_id", id);
      e.put("input_tokens", d.meanInputTokens());
      e.put("output_tokens", d.meanOutputTokens());
      e.put("latency_ms", d.medianLatencyMs() * Math.exp(TrafficModel.SIGMA * random.nextGaussian()));
      e.put("status", "ok");
      inferences.add(e);
      double declined = DECLINE * Math.max(0, Math.min(1, (t - declineStart) / (double) (endMillis - declineStart)));
      double day = (t % 86_400_000L) / 86_400_000.0;
      double value = LEVEL * (1 - declined) - 0.01 * Math.sin(2 * Math.PI * day) + 0.03 * random.nextGaussian();
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("timestamp", t + 30_000);
      s.put("name", SCORE);
      s.put("value", Math.round(Math.max(0, Math.min(1, value)) * 10_000) / 10_000.0);
      s.put("source", "llm_judge");
      s.put("request_id", id);
      scores.add(s);
      if (inferences.size() == BATCH) {
        out.add(List.of(inferences, scores));
        inferences = new ArrayList<>();
        scores = new ArrayList<>();
      }
    }
    if (!inferences.isEmpty()) out.add(List.of(inferences, scores));
    return out;
  }
}
