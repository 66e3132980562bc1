package dev.loupe.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.ingest.prometheus.remote.proto.WriteRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.xerial.snappy.Snappy;

/**
 * The traffic behind {@code loupe demo}: three deployments sending inference events through the
 * same public HTTP API a user's services call. It first back-fills half an hour of history, then
 * sends every second; after {@code changeAfter} one deployment rolls out a new model version
 * whose latency is {@code latencyFactor} times the old one. Alongside, the GPUs and InfiniBand
 * ports serving them report every 15 s through {@code /api/v1/write}, as a Prometheus agent
 * forwarding dcgm-exporter and node_exporter would; one GPU runs hot. chat-prod's requests carry a
 * RAG question, its document and the answer, and the fine-tune answers less from its documents;
 * summarize-prod brings three weeks of graded history with a slow decline ({@link QualityHistory}).
 * With {@link #sendTracesTo}, some of chat-prod's requests arrive as RAG-shaped traces ({@link RagTraces}).
 * {@link #rulesYaml()} holds the rules the demo runs, so that they fire within minutes.
 */
public final class DemoSimulator implements AutoCloseable {
  public static final String OLD_VERSION = "2024-08-06";
  public static final String NEW_VERSION = "2026-11-28-ft";
  static final Duration BACKFILL = Duration.ofMinutes(30);
  /** How much of chat-prod's answers its retrieved documents hold, before and after the fine-tune. */
  static final double GROUNDED = 0.90;
  static final double FINE_TUNE_GROUNDED = 0.75;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final Clock clock;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<TrafficModel> models;
  private final TrafficModel changing;
  private final Duration changeAfter;
  private final double latencyFactor;
  private final Consumer<String> out;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loupe-demo-traffic");
        t.setDaemon(true);
        return t;
      });
  private final java.util.concurrent.ExecutorService history =
      Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "loupe-demo-history");
        t.setDaemon(true);
        return t;
      });
  private long lastSentMillis;
  private final GpuFleetModel fleet;
  private long lastFleetMillis;
  private final RagTraces rag = new RagTraces();
  private volatile URI otlpHttp;

  public DemoSimulator(URI base, Clock clock, Duration changeAfter, double latencyFactor, Consumer<String> out) {
    this.base = base;
    this.clock = clock;
    this.changeAfter = changeAfter;
    this.latencyFactor = latencyFactor;
    this.out = out;
    // Back-filled history is healthy; one GPU starts heating as the live traffic starts.
    this.fleet = new GpuFleetModel(clock.millis() - BACKFILL.toMillis(), clock.millis());
    this.changing =
        new TrafficModel(
            new SimulatedDeployment("chat-api", "chat-prod", "gpt-4o", "chat", 12, 820, 0.28, 900, 220),
            OLD_VERSION, 1);
    changing.answersGrounded(GROUNDED);
    this.models =
        List.of(
            changing,
            new TrafficModel(
                new SimulatedDeployment("summarizer", "summarize-prod", "gpt-4o-mini", "chat", 6, 430, 0.22, 2400, 160),
                "2024-07-18", 2),
            new TrafficModel(
                new SimulatedDeployment("rag-indexer", "embed-prod", "text-embedding-3-large", "embeddings", 18, 65, 0, 350, 0),
                "1", 3));
  }

  /**
   * The demo's {@code rules:} section (a {@code loupe.yml} fragment): temperature and latency
   * rules with {@code for} shortened to 30 s and a 5 s evaluation interval, so alerts fire in minutes.
   */
  public static String rulesYaml() {
    try (java.io.InputStream in = DemoSimulator.class.getResourceAsStream("demo-rules.yml")) {
      if (in == null) throw new IllegalStateException("the jar lacks dev/loupe/demo/demo-rules.yml");
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Sends some of chat-prod's requests as OTLP traces to the OTLP/HTTP receiver at {@code otlpHttp}
   * instead of as JSON events ({@link RagTraces}); call before {@link #start}.
   */
  public void sendTracesTo(URI otlpHttp) {
    this.otlpHttp = otlpHttp;
  }

  /** The GPU that runs hot, as the page and the alerts name it. */
  public static String hotGpu() {
    return GpuFleetModel.HOT_NODE + " GPU " + GpuFleetModel.HOT_GPU;
  }

  /** Back-fills history, then sends every second and schedules the rollout. */
  public void start() throws IOException, InterruptedException {
    backfill();
    timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    timer.schedule(this::rollOut, changeAfter.toMillis(), TimeUnit.MILLISECONDS);
    // Beside the live traffic (a minute or two of posts): the demo runs meanwhile, and Loupe
    // replays the quality streams once the late history is in.
    history.execute(() -> {
      try {
        backfillQualityHistory();
      } catch (IOException | RuntimeException e) {
        out.accept("demo: back-filling the quality history failed: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  /**
   * Sends summarize-prod's three weeks of graded history ({@link QualityHistory}), ending where the
   * half hour of {@link #backfill} begins.
   */
  void backfillQualityHistory() throws IOException, InterruptedException {
    TrafficModel summarize = models.get(1);
    long end = clock.millis() - BACKFILL.toMillis();
    QualityHistory history = new QualityHistory(summarize.deployment(), summarize.version());
    out.accept("demo: back-filling " + QualityHistory.DAYS + " days of " + QualityHistory.DEPLOYMENT
        + "'s graded answers (a slow decline began " + QualityHistory.DAYS + " - " + QualityHistory.STEADY_DAYS
        + " days ago; a minute or two)…");
    for (List<List<Map<String, Object>>> batch : history.batches(end)) {
      post("api/v1/inferences", JSON.writeValueAsBytes(batch.get(0)));
      post("api/v1/scores", JSON.writeValueAsBytes(batch.get(1)));
    }
  }

  /** Sends the last half hour of traffic, a minute per request per deployment. */
  void backfill() throws IOException, InterruptedException {
    long now = clock.millis();
    for (long t = now - BACKFILL.toMillis(); t < now; t += 60_000) {
      sendInterval(t, Math.min(t + 60_000, now));
    }
    lastSentMillis = now;
    // GPU history only as far back as the compute judge looks (its longest rule is 15 m).
    lastFleetMillis = now - Duration.ofMinutes(20).toMillis();
    sendFleetUntil(now);
  }

  /** Sends the traffic of the time since the last send. */
  synchronized void sendUntilNow() throws IOException, InterruptedException {
    long now = clock.millis();
    sendInterval(lastSentMillis, now);
    lastSentMillis = now;
    sendFleetUntil(now);
  }

  /** Remote-writes the fleet's scrapes due since the last, one request per minute of them. */
  private void sendFleetUntil(long now) throws IOException, InterruptedException {
    WriteRequest.Builder batch = WriteRequest.newBuilder();
    int steps = 0;
    for (long t = lastFleetMillis + GpuFleetModel.STEP_MILLIS; t <= now; t += GpuFleetModel.STEP_MILLIS) {
      batch.addAllTimeseries(fleet.at(t));
      lastFleetMillis = t;
      if (++steps == 4) {
        remoteWrite(batch.build());
        batch = WriteRequest.newBuilder();
        steps = 0;
      }
    }
    if (steps > 0) remoteWrite(batch.build());
  }

  private void remoteWrite(WriteRequest request) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(base.resolve("api/v1/write"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-protobuf")
            .header("Content-Encoding", "snappy")
            .header("X-Prometheus-Remote-Write-Version", "0.1.0")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(request.toByteArray())))
            .build();
    HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() / 100 != 2) {
      throw new IOException("api/v1/write answered " + res.statusCode() + ": " + res.body());
    }
  }

  private void tick() {
    try {
      sendUntilNow();
    } catch (IOException | RuntimeException e) {
      out.accept("demo traffic: send failed, will retry: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Posts the rollout record and switches chat-prod to the slower version. */
  void rollOut() {
    try {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("timestamp", clock.millis());
      d.put("service", changing.deployment().service());
      d.put("deployment", changing.deployment().deployment());
      d.put("model", changing.deployment().model());
      d.put("from_version", changing.version());
      d.put("to_version", NEW_VERSION);
      post("api/v1/deployments", JSON.writeValueAsBytes(List.of(d)));
      changing.rollOut(NEW_VERSION, latencyFactor);
      changing.answersGrounded(FINE_TUNE_GROUNDED);
      out.accept(String.format(java.util.Locale.ROOT,
          "demo: chat-prod rolled out model_version %s (latency x%.2f); watch the model tile",
          NEW_VERSION, latencyFactor));
    } catch (IOException | RuntimeException e) {
      out.accept("demo: rollout failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void sendInterval(long from, long to) throws IOException, InterruptedException {
    for (TrafficModel m : models) {
      List<Map<String, Object>> events = m.interval(from, to);
      if (m == changing && otlpHttp != null) {
        io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest traces = rag.take(events);
        if (traces != null) postTraces(traces.toByteArray());
      }
      if (!events.isEmpty()) {
        post("api/v1/inferences", JSON.writeValueAsBytes(events));
      }
    }
  }

  private void postTraces(byte[] body) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(otlpHttp.resolve("v1/traces"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() / 100 != 2) {
      throw new IOException("v1/traces answered " + res.statusCode() + ": " + res.body());
    }
  }

  private void post(String path, byte[] body) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() / 100 != 2) {
      throw new IOException(path + " answered " + res.statusCode() + ": " + res.body());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    history.shutdownNow();
  }
}
