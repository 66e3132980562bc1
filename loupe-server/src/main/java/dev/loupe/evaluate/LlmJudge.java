package dev.loupe.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.dimension.model.quality.DeterministicSampler;
import dev.loupe.dimension.model.quality.RequestContext;
import dev.loupe.model.Inference;
import dev.loupe.model.Score;
import dev.loupe.model.ScoreSource;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional LLM-as-judge: grades a sampled share of inferences by asking an OpenAI-compatible
 * chat-completions endpoint to score prompt and completion on the configured rubric, and hands
 * each grade on as a {@link Score} (source {@code llm_judge}, the judge's reason as comment).
 *
 * <p>Ingest never waits for it: {@link #offer} only samples and enqueues (a bounded queue; a full
 * queue drops and counts), and one worker thread makes the calls, one at a time, within the
 * budget (calls per sliding hour, tokens per sliding day) and a timeout per call. Its failures —
 * timeouts, HTTP errors, unreadable answers, an exhausted budget — are counted in
 * {@link JudgeMetrics} and logged without prompt or completion text, and never reach the caller.
 *
 * <pre>{@code
 * LlmJudge judge = LlmJudge.start(config.judge(), clock, new JudgeMetrics(registry), scoreSink, System::getenv);
 * judge.offer(inference, context);   // on the ingest path, after the batch is durable
 * judge.close();                     // on shutdown
 * }</pre>
 */
public final class LlmJudge implements AutoCloseable {
  /** Salt of the sampling hash: the judge's sample is drawn apart from the heuristics'. */
  static final String SAMPLING_SALT = "llm_judge";
  /** An answer larger than this is not read. */
  static final int MAX_ANSWER_BYTES = 1 << 20;
  static final String ANSWER_FORMAT = "Answer with only a JSON object, no other text:"
      + " {\"score\": <a number from 0 to 1>, \"reason\": \"<one short sentence>\"}";
  /** A failure of one kind is logged at most this often; the counters hold the rest. */
  static final long LOG_EVERY_MILLIS = 60_000;

  private static final Logger LOG = LoggerFactory.getLogger(LlmJudge.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EvaluationConfig.Judge config;
  private final Clock clock;
  private final JudgeMetrics metrics;
  private final Consumer<Score> scores;
  private final JudgeBudget budget;
  private final String apiKey;
  private final HttpClient http;
  private final BlockingQueue<Job> queue;
  private final Thread worker;
  private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** An inference waiting for the judge, its texts already cut to size. */
  private record Job(Inference inference, String prompt, String completion, String context) {}

  private LlmJudge(EvaluationConfig.Judge config, Clock clock, JudgeMetrics metrics, Consumer<Score> scores,
      String apiKey) {
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
    this.scores = scores;
    this.apiKey = apiKey;
    this.budget = new JudgeBudget(clock, config.maxCallsPerHour(), config.maxTokensPerDay());
    this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
    if (config.enabled()) {
      this.http = HttpClient.newBuilder().connectTimeout(config.timeout())
          .followRedirects(HttpClient.Redirect.NEVER).build();
      this.worker = new Thread(this::work, "loupe-llm-judge");
      worker.setDaemon(true);
    } else {
      this.http = null;
      this.worker = null;
    }
  }

  /**
   * A judge running per {@code config}; a disabled config gives one that takes nothing and starts
   * no thread. {@code scores} receives each grade on the judge's thread (the server stores it).
   * Fails, naming the variable, when {@code api_key_env} is not set in {@code environment}.
   */
  public static LlmJudge start(EvaluationConfig.Judge config, Clock clock, JudgeMetrics metrics,
      Consumer<Score> scores, Function<String, String> environment) {
    String key = config.enabled() ? config.resolveApiKey(environment) : null;
    LlmJudge judge = new LlmJudge(config, clock, metrics, scores, key);
    if (judge.worker != null) {
      judge.worker.start();
      LOG.info("LLM judge grading {} of inferences with {} at {}, at most {} calls per hour", config.sampleRate(),
          config.model(), config.chatCompletionsUrl(), config.maxCallsPerHour());
    }
    return judge;
  }

  public boolean enabled() {
    return worker != null;
  }

  /** {@link #offer(Inference, RequestContext)} without retrieved context. */
  public boolean offer(Inference inference) {
    return offer(inference, RequestContext.NONE);
  }

  /**
   * Queues the inference for the judge if it is in the sample, has a completion and an id, and the
   * budget and queue have room; returns whether it was queued. Never blocks and never throws.
   */
  public boolean offer(Inference inference, RequestContext context) {
    try {
      if (worker == null || closed || inference.completion() == null || inference.completion().isBlank()) return false;
      String id = inference.requestId() != null ? inference.requestId() : inference.traceId();
      if (id == null || !DeterministicSampler.keeps(id, config.sampleRate(), SAMPLING_SALT)) return false;
      JudgeBudget.Denial denial = budget.denial();
      if (denial != null) {
        skip(denial.reason, "LLM judge budget exhausted ({}): sampled inferences are skipped until it frees");
        return false;
      }
      int max = config.maxContentChars();
      String documents = context == null || context.retrievedDocuments().isEmpty() ? null
          : cut(String.join("\n\n", context.retrievedDocuments()), max);
      Job job = new Job(inference, inference.prompt() == null ? null : cut(inference.prompt(), max),
          cut(inference.completion(), max), documents);
      if (!queue.offer(job)) {
        skip("queue_full",
            "LLM judge queue full ({}): the judge is slower than the sample; sampled inferences are skipped");
        return false;
      }
      return true;
    } catch (RuntimeException e) {
      LOG.warn("LLM judge could not queue an inference: {}", e.getClass().getSimpleName());
      return false;
    }
  }

  private void skip(String reason, String message) {
    metrics.countSkip(reason);
    if (shouldLog(reason)) LOG.warn(message, reason);
  }

  private void work() {
    while (!closed) {
      Job job;
      try {
        job = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        judge(job);
      } catch (RuntimeException e) {
        metrics.countCall("unreachable");
        LOG.warn("LLM judge failed on request {}: {}", id(job), e.getClass().getSimpleName());
      }
    }
  }

  private void judge(Job job) {
    JudgeBudget.Denial denial = budget.acquire();
    if (denial != null) {
      skip(denial.reason, "LLM judge budget exhausted ({}): sampled inferences are skipped until it frees");
      return;
    }
    byte[] request = requestBody(job);
    HttpRequest.Builder b = HttpRequest.newBuilder(config.chatCompletionsUrl())
        .timeout(config.timeout())
        .header("Content-Type", "application/json")
        .header("User-Agent", "Loupe")
        .POST(HttpRequest.BodyPublishers.ofByteArray(request));
    if (apiKey != null) b.header("Authorization", "Bearer " + apiKey);
    CompletableFuture<HttpResponse<byte[]>> call = http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> response;
    try {
      // The whole exchange, body included, within the timeout (the request's own covers only the headers).
      response = call.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      fail(job, "timeout", "no answer within " + config.timeout());
      return;
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      return;
    } catch (ExecutionException e) {
      boolean timeout = e.getCause() instanceof HttpTimeoutException;
      fail(job, timeout ? "timeout" : "unreachable",
          timeout ? "no answer within " + config.timeout() : "cannot reach it (" + causeName(e) + ")");
      return;
    }
    int status = response.statusCode();
    if (status / 100 != 2) {
      fail(job, "http_error", "HTTP " + status);
      return;
    }
    byte[] body = response.body();
    if (body.length > MAX_ANSWER_BYTES) {
      fail(job, "bad_answer", "an answer of " + body.length + " bytes");
      return;
    }
    String text = new String(body, StandardCharsets.UTF_8);
    long reported = JudgeAnswer.reportedTokens(text);
    long tokens = reported >= 0 ? reported : (request.length + body.length) / 4; // about 4 bytes a token
    budget.spent(tokens);
    metrics.countTokens(tokens);
    JudgeAnswer answer;
    try {
      answer = JudgeAnswer.parse(text);
    } catch (JudgeAnswer.Unreadable e) {
      fail(job, "bad_answer", e.getMessage()); // names the part at fault, never its text
      return;
    }
    metrics.countCall("scored");
    Inference i = job.inference();
    Score score = new Score(i.timestampMillis(), config.scoreName(), answer.score(), ScoreSource.LLM_JUDGE,
        i.requestId(), i.traceId(), answer.reason(), i.key());
    try {
      scores.accept(score);
    } catch (RuntimeException e) {
      metrics.countSkip("score_not_kept");
      LOG.warn("LLM judge's score for request {} was not kept: {}", id(job), e.getClass().getSimpleName());
    }
  }

  private void fail(Job job, String outcome, String what) {
    metrics.countCall(outcome);
    if (shouldLog(outcome)) {
      LOG.warn("LLM judge at {} failed for request {}: {} (counted in loupe_judge_calls_total{{outcome=\"{}\"}})",
          config.chatCompletionsUrl(), id(job), what, outcome);
    }
  }

  private boolean shouldLog(String kind) {
    long now = clock.millis();
    Long last = lastLogged.get(kind);
    if (last != null && now - last < LOG_EVERY_MILLIS) return false;
    lastLogged.put(kind, now);
    return true;
  }

  private byte[] requestBody(Job job) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", config.model());
    body.put("temperature", 0);
    if (config.jsonMode()) body.putObject("response_format").put("type", "json_object");
    ArrayNode messages = body.putArray("messages");
    messages.addObject().put("role", "system").put("content", config.rubric() + "\n\n" + ANSWER_FORMAT);
    StringBuilder user = new StringBuilder();
    user.append("<prompt>\n").append(job.prompt() == null ? "(not captured)" : job.prompt()).append("\n</prompt>\n");
    if (job.context() != null) user.append("<context>\n").append(job.context()).append("\n</context>\n");
    user.append("<response>\n").append(job.completion()).append("\n</response>");
    messages.addObject().put("role", "user").put("content", user.toString());
    try {
      return JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String cut(String text, int max) {
    if (text.length() <= max) return text;
    int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    return text.substring(0, end) + "\n[… " + (text.length() - end) + " characters cut]";
  }

  private static String id(Job job) {
    Inference i = job.inference();
    return i.requestId() != null ? i.requestId() : i.traceId();
  }

  private static String causeName(ExecutionException e) {
    return e.getCause() == null ? "unknown" : e.getCause().getClass().getSimpleName();
  }

  /** Inferences waiting for the judge. */
  public int queued() {
    return queue.size();
  }

  /** Stops the worker; queued inferences are dropped, a call in flight is abandoned. */
  @Override
  public void close() {
    closed = true;
    if (worker == null) return;
    worker.interrupt();
    try {
      worker.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    queue.clear();
  }

  /** Whether the worker thread has ended (after {@link #close}). */
  boolean stopped() {
    return worker == null || !worker.isAlive();
  }
}
