package dev.loupe.evaluate;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The LLM judge's counters, on {@code /metrics} once registered with the server's registry:
 * {@code loupe_judge_calls_total{outcome}} (scored, timeout, http_error, bad_answer, unreachable),
 * {@code loupe_judge_skipped_total{reason}} (queue_full, budget_calls, budget_tokens, score_not_kept)
 * and {@code loupe_judge_tokens_total}.
 */
public final class JudgeMetrics {
  private final Counter calls;
  private final Counter skipped;
  private final Counter tokens;

  public JudgeMetrics(PrometheusRegistry registry) {
    calls = Counter.builder()
        .name("loupe_judge_calls_total")
        .help("Calls to the LLM judge, by outcome: scored, timeout, http_error, bad_answer, unreachable.")
        .labelNames("outcome")
        .register(registry);
    skipped = Counter.builder()
        .name("loupe_judge_skipped_total")
        .help("Sampled inferences the LLM judge did not grade or whose score was lost, by reason: queue_full,"
            + " budget_calls, budget_tokens, score_not_kept.")
        .labelNames("reason")
        .register(registry);
    tokens = Counter.builder()
        .name("loupe_judge_tokens_total")
        .help("Tokens the LLM judge's endpoint reported using (estimated where it reported none).")
        .register(registry);
  }

  /** Counters on a registry of their own, for tests and tools. */
  public static JudgeMetrics unregistered() {
    return new JudgeMetrics(new PrometheusRegistry());
  }

  void countCall(String outcome) {
    calls.labelValues(outcome).inc();
  }

  void countSkip(String reason) {
    skipped.labelValues(reason).inc();
  }

  void countTokens(long n) {
    if (n > 0) tokens.inc(n);
  }

  /** Calls so far with this outcome. */
  public long calls(String outcome) {
    return (long) calls.labelValues(outcome).get();
  }

  /** Inferences skipped so far for this reason. */
  public long skipped(String reason) {
    return (long) skipped.labelValues(reason).get();
  }

  public long tokens() {
    return (long) tokens.get();
  }
}
