package dev.loupe.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates realistic inference events for one deployment: a daily load shape with noise,
 * log-normal latencies (long right tail, as real LLM calls have), a share of errors and 429s,
 * and a current model version whose latency factor can change.
 */
final class TrafficModel {
  /** Log-normal shape: P95 is about 1.8× the median, like a busy LLM endpoint. */
  static final double SIGMA = 0.36;

  private final SimulatedDeployment d;
  private final Random random;
  private volatile String version;
  private volatile double latencyFactor = 1.0;
  /** Share of answer sentences taken from the retrieved document; NaN: requests carry no text. */
  private volatile double grounded = Double.NaN;
  private double carry;
  private long seq;

  TrafficModel(SimulatedDeployment d, String version, long seed) {
    this.d = d;
    this.version = version;
    this.random = new Random(seed);
  }

  SimulatedDeployment deployment() {
    return d;
  }

  String version() {
    return version;
  }

  void rollOut(String newVersion, double newLatencyFactor) {
    this.version = newVersion;
    this.latencyFactor = newLatencyFactor;
  }

  /** Requests carry a RAG question, its document and an answer grounded this much ({@link AnswerText}). */
  void answersGrounded(double share) {
    this.grounded = share;
  }

  /** Expected requests per second at a time of day: quiet at night, busy in the afternoon. */
  double rateAt(long epochMillis) {
    double hour = (epochMillis / 3_600_000.0) % 24;
    double daily = 1 + 0.35 * Math.sin(2 * Math.PI * (hour - 9) / 24);
    return d.requestsPerSecond() * daily;
  }

  /** The events of one interval ending at {@code toMillis}, as wire-contract maps. */
  synchronized List<Map<String, Object>> interval(long fromMillis, long toMillis) {
    double expected = rateAt(toMillis) * (toMillis - fromMillis) / 1000.0;
    double noisy = Math.max(0, expected * (1 + 0.15 * random.nextGaussian())) + carry;
    int n = (int) noisy;
    carry = noisy - n;
    List<Map<String, Object>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long ts = fromMillis + (long) (random.nextDouble() * (toMillis - fromMillis));
      out.add(event(ts));
    }
    out.sort((a, b) -> Long.compare((Long) a.get("timestamp"), (Long) b.get("timestamp")));
    return out;
  }

  private Map<String, Object> event(long ts) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("timestamp", ts);
    e.put("service", d.service());
    e.put("deployment", d.deployment());
    e.put("model", d.model());
    e.put("model_version", version);
    e.put("operation", d.operation());
    e.put("request_id", d.deployment() + "-" + (++seq));
    e.put("tenant", random.nextInt(10) < 7 ? "acme" : "globex");
    e.put("api_key", "demo-key-" + random.nextInt(5));
    double u = random.nextDouble();
    int inTokens = Math.max(1, (int) (d.meanInputTokens() * Math.exp(0.5 * random.nextGaussian() - 0.125)));
    e.put("input_tokens", inTokens);
    if (u < 0.003) {
      e.put("status", "throttled");
      e.put("http_status", 429);
      e.put("latency_ms", round(20 + 30 * random.nextDouble()));
      return e;
    }
    if (u < 0.008) {
      e.put("status", "error");
      e.put("http_status", 500);
      e.put("latency_ms", round(d.medianLatencyMs() * 0.5 * random.nextDouble()));
      return e;
    }
    double latency = d.medianLatencyMs() * latencyFactor * Math.exp(SIGMA * random.nextGaussian());
    e.put("latency_ms", round(latency));
    if (d.ttftShare() > 0) {
      e.put("ttft_ms", round(latency * d.ttftShare() * (0.8 + 0.4 * random.nextDouble())));
    }
    if (d.meanOutputTokens() > 0) {
      e.put("output_tokens", Math.max(1, (int) (d.meanOutputTokens() * Math.exp(0.4 * random.nextGaussian() - 0.08))));
      e.put("finish_reason", random.nextInt(20) == 0 ? "length" : "stop");
    }
    e.put("status", "ok");
    e.put("http_status", 200);
    e.put("cache_hit", random.nextInt(10) < 2);
    if (!Double.isNaN(grounded)) {
      AnswerText.Rag rag = AnswerText.rag(random, grounded);
      e.put("prompt", rag.prompt());
      e.put("completion", rag.completion());
      e.put("retrieved_context", List.of(rag.document()));
    }
    return e;
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
