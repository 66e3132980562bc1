package dev.loupe.evaluate;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.loupe.dimension.model.quality.HeuristicCheck;
import dev.loupe.dimension.model.quality.HeuristicSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The {@code evaluation:} block of {@code loupe.yml}: the built-in quality evaluators and the
 * optional LLM judge. Every key has a default; the judge is off unless enabled.
 *
 * <pre>
 * evaluation:
 *   heuristics:
 *     enabled: true
 *     checks: [response_length, refusal, truncation, empty_answer, groundedness, summary_coverage,
 *              structured_output, language_switch]
 *     sample_rate: 1.0
 *     deployment_sample_rates: {chat-prod: 0.2}
 *   judge:
 *     enabled: true
 *     url: https://api.openai.com/v1       # POST {url}/chat/completions
 *     model: gpt-4o-mini
 *     api_key_env: OPENAI_API_KEY          # or api_key: (kept in the file: avoid)
 *     sample_rate: 0.05
 *     rubric: "Grade the response for correctness and helpfulness..."
 *     timeout: 30s
 *     max_calls_per_hour: 60
 *     max_tokens_per_day: 500000
 * </pre>
 */
public record EvaluationConfig(Heuristics heuristics, Judge judge, Drift drift) {
  public static final EvaluationConfig DEFAULTS = new EvaluationConfig(null, null, null);

  public EvaluationConfig {
    heuristics = heuristics == null ? new Heuristics(null, null, null, null) : heuristics;
    judge = judge == null ? Judge.DISABLED : judge;
    drift = drift == null ? new Drift(null) : drift;
  }

  /**
   * Drift tests chosen per feature instead of by the feature's type and reference size:
   * {@code features: {latency_ms: {test: psi, warning: 0.1, critical: 0.25}}}; a test without
   * thresholds keeps its default lines.
   */
  public record Drift(java.util.Map<String, FeatureTest> features) {
    public Drift {
      features = features == null ? java.util.Map.of() : java.util.Map.copyOf(features);
    }

    /** The criteria by feature; every entry was checked when the config was read. */
    public java.util.Map<String, dev.loupe.stats.DriftCriterion> criteria() {
      java.util.Map<String, dev.loupe.stats.DriftCriterion> out = new java.util.TreeMap<>();
      features.forEach((name, f) -> out.put(name, f.criterion()));
      return out;
    }
  }

  /** One feature's test and, optionally, its warning and critical lines. */
  public record FeatureTest(String test, Double warning, Double critical) {
    public FeatureTest {
      if (test == null) throw new IllegalArgumentException("a drift feature needs its test: ks, wasserstein, psi, jensenshannon or chisquare");
      criterion(test, warning, critical); // fail at start-up, naming the value
    }

    public dev.loupe.stats.DriftCriterion criterion() {
      return criterion(test, warning, critical);
    }

    private static dev.loupe.stats.DriftCriterion criterion(String test, Double warning, Double critical) {
      dev.loupe.stats.DriftCriterion d = dev.loupe.stats.DriftCriterion.of(dev.loupe.stats.DriftTest.fromName(test));
      return new dev.loupe.stats.DriftCriterion(d.test(), warning == null ? d.warning() : warning,
          critical == null ? d.critical() : critical);
    }
  }

  /** The built-in evaluators: which run ({@code checks}, all by default) and on what share of requests. */
  public record Heuristics(
      Boolean enabled,
      List<String> checks,
      @JsonProperty("sample_rate") Double sampleRate,
      @JsonProperty("deployment_sample_rates") Map<String, Double> deploymentSampleRates) {
    public Heuristics {
      enabled = enabled == null || enabled;
      sampleRate = sampleRate == null ? 1.0 : sampleRate;
      // Fail at start-up, naming the key, rather than on the first inference.
      settings(checks, sampleRate, deploymentSampleRates);
    }

    /** The core's settings; every key was checked when the config was read. */
    public HeuristicSettings settings() {
      return settings(checks, sampleRate, deploymentSampleRates);
    }

    private static HeuristicSettings settings(List<String> checks, double rate, Map<String, Double> rates) {
      return new HeuristicSettings(
          checks == null ? null : checks.stream().map(HeuristicCheck::parse).collect(Collectors.toSet()), rate, rates);
    }
  }

  /**
   * The LLM judge: a sampled share of inferences with captured prompt and completion is graded by
   * an OpenAI-compatible chat-completions endpoint on {@code rubric}, within a budget.
   *
   * @param url the API base; the judge posts to {@code {url}/chat/completions}
   * @param apiKeyEnv the environment variable holding the API key (preferred to {@code api_key});
   *     neither: no Authorization header (a local server)
   * @param sampleRate share of inferences judged, chosen by a hash of the request id
   * @param timeout for one call, connection included
   * @param maxCallsPerHour calls in any sliding hour; more are skipped and counted
   * @param maxTokensPerDay tokens (as the endpoint reports them) in any sliding 24 hours; null: no cap
   * @param queueCapacity inferences waiting for the judge; more are skipped and counted
   * @param scoreName the name of the scores it produces
   * @param maxContentChars prompt and completion are each cut to this many characters for the judge
   * @param jsonMode whether to ask for {@code response_format: json_object} (servers without it: false)
   */
  public record Judge(
      Boolean enabled,
      URI url,
      String model,
      @JsonProperty("api_key") String apiKey,
      @JsonProperty("api_key_env") String apiKeyEnv,
      @JsonProperty("sample_rate") Double sampleRate,
      String rubric,
      Duration timeout,
      @JsonProperty("max_calls_per_hour") Integer maxCallsPerHour,
      @JsonProperty("max_tokens_per_day") Long maxTokensPerDay,
      @JsonProperty("queue_capacity") Integer queueCapacity,
      @JsonProperty("score_name") String scoreName,
      @JsonProperty("max_content_chars") Integer maxContentChars,
      @JsonProperty("json_mode") Boolean jsonMode) {
    public static final Judge DISABLED =
        new Judge(false, null, null, null, null, null, null, null, null, null, null, null, null, null);

    public static final String DEFAULT_RUBRIC = "You grade the answer of an AI assistant. Consider whether it"
        + " answers the user's request, is factually correct and consistent with any context given, is complete"
        + " without padding, and is safe. 1 is an excellent answer, 0 a useless, wrong or harmful one.";

    public Judge {
      enabled = enabled != null && enabled;
      sampleRate = sampleRate == null ? 0.05 : sampleRate;
      rubric = rubric == null || rubric.isBlank() ? DEFAULT_RUBRIC : rubric;
      timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
      maxCallsPerHour = maxCallsPerHour == null ? 60 : maxCallsPerHour;
      queueCapacity = queueCapacity == null ? 100 : queueCapacity;
      scoreName = scoreName == null || scoreName.isBlank() ? "llm_judge" : scoreName;
      maxContentChars = maxContentChars == null ? 8000 : maxContentChars;
      jsonMode = jsonMode == null || jsonMode;
      if (!(sampleRate >= 0 && sampleRate <= 1)) {
        throw new IllegalArgumentException("sample_rate must be between 0 and 1, got " + sampleRate);
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
      if (maxCallsPerHour < 1) {
        throw new IllegalArgumentException("max_calls_per_hour must be at least 1, got " + maxCallsPerHour);
      }
      if (maxTokensPerDay != null && maxTokensPerDay < 1) {
        throw new IllegalArgumentException("max_tokens_per_day must be at least 1 (or left out: no cap), got "
            + maxTokensPerDay);
      }
      if (queueCapacity < 1) {
        throw new IllegalArgumentException("queue_capacity must be at least 1, got " + queueCapacity);
      }
      if (maxContentChars < 100) {
        throw new IllegalArgumentException("max_content_chars must be at least 100, got " + maxContentChars);
      }
      if (scoreName.length() > 200) {
        throw new IllegalArgumentException("score_name must be at most 200 characters");
      }
      if (apiKey != null && apiKeyEnv != null) {
        throw new IllegalArgumentException("set api_key_env or api_key, not both");
      }
      if (enabled) {
        if (url == null) throw new IllegalArgumentException("url is required when the judge is enabled");
        if (url.getScheme() == null || !url.getScheme().matches("https?") || url.getHost() == null) {
          throw new IllegalArgumentException("url must be an http(s) URL like https://api.openai.com/v1, got " + url);
        }
        if (model == null || model.isBlank()) {
          throw new IllegalArgumentException("model is required when the judge is enabled");
        }
      }
    }

    /** Like the record's, with the API key masked: configs get logged. */
    @Override
    public String toString() {
      return "Judge[enabled=" + enabled + ", url=" + url + ", model=" + model + ", api_key="
          + (apiKey == null ? null : "***") + ", api_key_env=" + apiKeyEnv + ", sample_rate=" + sampleRate
          + ", timeout=" + timeout + ", max_calls_per_hour=" + maxCallsPerHour + ", max_tokens_per_day="
          + maxTokensPerDay + ", queue_capacity=" + queueCapacity + ", score_name=" + scoreName + "]";
    }

    /** Where the judge posts. */
    public URI chatCompletionsUrl() {
      String base = url.toString();
      return URI.create((base.endsWith("/") ? base : base + "/") + "chat/completions");
    }

    /**
     * The API key: {@code api_key}, or the variable {@code api_key_env} names (read through
     * {@code environment}, {@code System::getenv} in the server), or null for none. Fails naming
     * the variable when it is not set, so a missing secret stops the start, not every call.
     */
    public String resolveApiKey(Function<String, String> environment) {
      if (apiKey != null) return apiKey;
      if (apiKeyEnv == null || apiKeyEnv.isBlank()) return null;
      String key = environment.apply(apiKeyEnv);
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException("api_key_env names " + apiKeyEnv + ", which is not set in the environment");
      }
      return key.strip();
    }
  }
}
