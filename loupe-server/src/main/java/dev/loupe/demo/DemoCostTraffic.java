package dev.loupe.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.ingest.prometheus.remote.proto.Label;
import dev.loupe.ingest.prometheus.remote.proto.Sample;
import dev.loupe.ingest.prometheus.remote.proto.TimeSeries;
import dev.loupe.ingest.prometheus.remote.proto.WriteRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.xerial.snappy.Snappy;

/**
 * The cost side of {@code loupe demo}, beside {@link DemoSimulator}'s traffic: a batch job calling
 * gpt-4o with long prompts under the API key {@value #LEAKY_KEY}, whose usage jumps
 * {@value #JUMP}× after {@code jumpAfter} (a leaked key, or a runaway loop) and burns its daily
 * budget fast; an experimental deployment of a model no price covers; and a training node whose two
 * GPUs sit idle, paid for, as a Prometheus agent forwarding dcgm-exporter would report them. Sent
 * through the same public API as a user's services.
 */
public final class DemoCostTraffic implements AutoCloseable {
  /** The API key whose usage jumps; the burn-rate alert names its hash. */
  public static final String LEAKY_KEY = "demo-key-batch";
  public static final String UNPRICED_MODEL = "acme-llm-7b-instruct";
  public static final String IDLE_NODE = "train-node-1";
  static final int JUMP = 20;
  /** The batch job's calls per second before the jump: about $90/h at gpt-4o's price. */
  static final double BATCH_RATE = 0.65;
  static final double UNPRICED_RATE = 0.5;
  static final long GPU_STEP_MILLIS = 15_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final Clock clock;
  private final Duration jumpAfter;
  private final Consumer<String> out;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Random random = new Random(42);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "loupe-demo-cost");
    t.setDaemon(true);
    return t;
  });
  private volatile double batchFactor = 1;
  private double batchCarry;
  private double unpricedCarry;
  private long seq;
  private long lastSentMillis;
  private long lastGpuMillis;

  public DemoCostTraffic(URI base, Clock clock, Duration jumpAfter, Consumer<String> out) {
    this.base = base;
    this.clock = clock;
    this.jumpAfter = jumpAfter;
    this.out = out;
  }

  /** Back-fills history, then sends every second and schedules the jump. */
  public void start() throws IOException, InterruptedException {
    backfill();
    timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    timer.schedule(this::jump, jumpAfter.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The last half hour of the batch job and the experiment, and 20 minutes of the idle GPUs. */
  void backfill() throws IOException, InterruptedException {
    long now = clock.millis();
    lastSentMillis = now - DemoSimulator.BACKFILL.toMillis();
    lastGpuMillis = now - Duration.ofMinutes(20).toMillis();
    sendUntilNow();
  }

  /** Sends what happened since the last send. */
  synchronized void sendUntilNow() throws IOException, InterruptedException {
    long now = clock.millis();
    for (long from = lastSentMillis; from < now; from += 60_000) {
      long to = Math.min(from + 60_000, now);
      List<Map<String, Object>> events = new ArrayList<>();
      batchCarry = add(events, from, to, BATCH_RATE * batchFactor, batchCarry, this::batchCall);
      unpricedCarry = add(events, from, to, UNPRICED_RATE, unpricedCarry, this::experimentCall);
      events.sort((a, b) -> Long.compare((Long) a.get("timestamp"), (Long) b.get("timestamp")));
      if (!events.isEmpty()) post(JSON.writeValueAsBytes(events));
    }
    lastSentMillis = now;
    WriteRequest.Builder batch = WriteRequest.newBuilder();
    for (long t = lastGpuMillis + GPU_STEP_MILLIS; t <= now; t += GPU_STEP_MILLIS) {
      for (int gpu = 0; gpu < 2; gpu++) batch.addTimeseries(idleGpu(gpu, t));
      lastGpuMillis = t;
    }
    if (batch.getTimeseriesCount() > 0) remoteWrite(batch.build());
  }

  /** The batch job's key starts calling {@value #JUMP} times as often. */
  void jump() {
    batchFactor = JUMP;
    out.accept(String.format(Locale.ROOT, "demo: API key %s now calls %d times as often; watch the cost tile",
        LEAKY_KEY, JUMP));
  }

  private interface Call {
    Map<String, Object> at(long ts);
  }

  /** Adds the calls of {@code [from, to)} at {@code rate} a second; returns the fraction carried over. */
  private double add(List<Map<String, Object>> events, long from, long to, double rate, double carry, Call call) {
    double expected = rate * (to - from) / 1000.0 + carry;
    int n = (int) expected;
    for (int i = 0; i < n; i++) events.add(call.at(from + (long) (random.nextDouble() * (to - from))));
    return expected - n;
  }

  private Map<String, Object> batchCall(long ts) {
    Map<String, Object> e = base(ts, "batch-jobs", "batch-prod", "gpt-4o", "2024-08-06");
    e.put("tenant", "acme");
    e.put("api_key", LEAKY_KEY);
    e.put("input_tokens", 10_000 + random.nextInt(4_000));
    e.put("output_tokens", 600 + random.nextInt(400));
    e.put("latency_ms", Math.round(4_000 + 2_000 * random.nextDouble()));
    return e;
  }

  private Map<String, Object> experimentCall(long ts) {
    Map<String, Object> e = base(ts, "lab", "exp-prod", UNPRICED_MODEL, "0.3");
    e.put("tenant", "globex");
    e.put("api_key", "demo-key-lab");
    e.put("input_tokens", 1_500 + random.nextInt(1_000));
    e.put("output_tokens", 200 + random.nextInt(200));
    e.put("latency_ms", Math.round(700 + 300 * random.nextDouble()));
    return e;
  }

  private Map<String, Object> base(long ts, String service, String deployment, String model, String version) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("timestamp", ts);
    e.put("service", service);
    e.put("deployment", deployment);
    e.put("model", model);
    e.put("model_version", version);
    e.put("operation", "chat");
    e.put("request_id", deployment + "-" + (++seq));
    e.put("status", "ok");
    e.put("http_status", 200);
    return e;
  }

  /** A training GPU nobody uses: 1-3 % utilization, its memory nearly empty. */
  private TimeSeries idleGpu(int gpu, long t) {
    TimeSeries.Builder b = TimeSeries.newBuilder();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("__name__", "DCGM_FI_DEV_GPU_UTIL");
    labels.put("Hostname", IDLE_NODE);
    labels.put("gpu", Integer.toString(gpu));
    labels.put("UUID", String.format(Locale.ROOT, "GPU-7a1c%04x-1d2e-4f5a-9b8c-7d6e5f4a3b2c", gpu));
    labels.put("modelName", "NVIDIA H100 80GB HBM3");
    labels.put("namespace", "train-llm");
    labels.put("pod", "finetune-llama-" + gpu);
    labels.forEach((k, v) -> b.addLabels(Label.newBuilder().setName(k).setValue(v)));
    return b.addSamples(Sample.newBuilder().setTimestamp(t).setValue(1 + new Random(t + gpu).nextInt(3))).build();
  }

  private void tick() {
    try {
      sendUntilNow();
    } catch (IOException | RuntimeException e) {
      out.accept("demo cost traffic: send failed, will retry: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void post(byte[] body) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(base.resolve("api/v1/inferences")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() / 100 != 2) throw new IOException("api/v1/inferences answered " + res.statusCode() + ": " + res.body());
  }

  private void remoteWrite(WriteRequest request) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(base.resolve("api/v1/write")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
        .header("X-Prometheus-Remote-Write-Version", "0.1.0")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(request.toByteArray()))).build();
    HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() / 100 != 2) throw new IOException("api/v1/write answered " + res.statusCode() + ": " + res.body());
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
