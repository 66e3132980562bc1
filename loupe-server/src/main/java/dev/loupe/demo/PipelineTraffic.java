package dev.loupe.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The data pipelines behind {@code loupe demo}, reporting their runs through
 * {@code POST /api/v1/pipelines/{name}/runs} as a scheduler's hook would: {@value #INDEX_PIPELINE}
 * refreshes the RAG index {@value #INDEX} (which chat-prod answers from) every 2 minutes, then
 * stops at the start of the live traffic, so the index goes stale; {@value #NIGHTLY} has four
 * weeks of successful nights (fewer rows at weekends), and its re-run {@link #FAIL_AFTER} into the
 * demo fails. {@link #configYaml()} holds their cadences.
 */
public final class PipelineTraffic implements AutoCloseable {
  public static final String INDEX_PIPELINE = "kb-refresh";
  public static final String INDEX = "kb-prod";
  public static final String NIGHTLY = "nightly-etl";
  static final Duration REFRESH_EVERY = Duration.ofMinutes(2);
  static final Duration FAIL_AFTER = Duration.ofSeconds(90);
  static final int NIGHTS = 28;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final Clock clock;
  private final Consumer<String> out;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Random random = new Random(14);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "loupe-demo-pipelines");
    t.setDaemon(true);
    return t;
  });
  private long startMillis;
  private boolean failed;

  public PipelineTraffic(URI base, Clock clock, Consumer<String> out) {
    this.base = base;
    this.clock = clock;
    this.out = out;
  }

  /** The demo's {@code data:} section (a {@code loupe.yml} fragment): the two pipelines' cadences. */
  public static String configYaml() {
    try (java.io.InputStream in = PipelineTraffic.class.getResourceAsStream("demo-pipelines.yml")) {
      if (in == null) throw new IllegalStateException("the jar lacks dev/loupe/demo/demo-pipelines.yml");
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Back-fills the history, then checks every 5 s whether the nightly re-run is due. */
  public void start() throws IOException, InterruptedException {
    backfill();
    timer.scheduleWithFixedDelay(this::tick, 5, 5, TimeUnit.SECONDS);
  }

  /** Four weeks of nights and half an hour of index refreshes, the last one finishing now. */
  void backfill() throws IOException, InterruptedException {
    long now = clock.millis();
    startMillis = now;
    List<Map<String, Object>> nights = new ArrayList<>();
    Instant today = Instant.ofEpochMilli(now).truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(2));
    for (int d = NIGHTS; d >= 0; d--) {
      Instant start = today.minus(Duration.ofDays(d));
      if (start.toEpochMilli() + 15 * 60_000 > now) continue; // tonight's has not run yet
      nights.add(nightly(start));
    }
    post(NIGHTLY, nights);
    List<Map<String, Object>> refreshes = new ArrayList<>();
    for (long t = now - Duration.ofMinutes(30).toMillis(); t <= now - 40_000; t += REFRESH_EVERY.toMillis()) {
      refreshes.add(refresh(t, t + 40_000));
    }
    post(INDEX_PIPELINE, refreshes);
    out.accept("demo: " + INDEX_PIPELINE + " refreshed index " + INDEX + " every " + REFRESH_EVERY.toMinutes()
        + " minutes and now stops; " + NIGHTLY + "'s re-run fails in " + FAIL_AFTER.toSeconds() + " s");
  }

  /** Sends what is due by now: the failed re-run of the nightly pipeline, once. */
  synchronized void sendUntilNow() throws IOException, InterruptedException {
    long now = clock.millis();
    if (!failed && now >= startMillis + FAIL_AFTER.toMillis()) {
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("status", "failed");
      run.put("started_at", Instant.ofEpochMilli(now - 45_000).toString());
      run.put("finished_at", Instant.ofEpochMilli(now).toString());
      run.put("rows_in", 0);
      run.put("error", "upstream export missing: s3://exports/orders/"
          + Instant.ofEpochMilli(now).truncatedTo(ChronoUnit.DAYS).toString().substring(0, 10) + ".parquet not found");
      post(NIGHTLY, List.of(run));
      failed = true;
      out.accept("demo: " + NIGHTLY + "'s run failed; watch the data tile");
    }
  }

  private void tick() {
    try {
      sendUntilNow();
    } catch (IOException | RuntimeException e) {
      out.accept("demo pipelines: send failed, will retry: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Map<String, Object> nightly(Instant start) {
    DayOfWeek day = start.atZone(ZoneOffset.UTC).getDayOfWeek();
    boolean weekend = day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY;
    long rows = Math.round((weekend ? 600_000 : 1_200_000) * (1 + 0.01 * random.nextGaussian()));
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("status", "success");
    run.put("started_at", start.toString());
    run.put("finished_at", start.plus(Duration.ofMinutes(11)).toString());
    run.put("rows_in", rows + 3_000);
    run.put("rows_out", rows);
    run.put("bytes", rows * 610);
    run.put("checks", List.of(
        Map.of("name", "null_rate.customer_id", "passed", true, "value", 0.0004),
        Map.of("name", "schema", "passed", true)));
    return run;
  }

  private Map<String, Object> refresh(long started, long finished) {
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("status", "success");
    run.put("started_at", started);
    run.put("finished_at", finished);
    run.put("rows_in", 180 + random.nextInt(40));
    run.put("rows_out", 52_000 + random.nextInt(400));
    return run;
  }

  private void post(String pipeline, List<Map<String, Object>> runs) throws IOException, InterruptedException {
    if (runs.isEmpty()) return;
    HttpRequest req = HttpRequest.newBuilder(base.resolve("api/v1/pipelines/" + pipeline + "/runs"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(runs)))
        .build();
    HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() / 100 != 2) {
      throw new IOException("api/v1/pipelines/" + pipeline + "/runs answered " + res.statusCode() + ": " + res.body());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
