package dev.loupe.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.stats.QuantileSketch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends prepared bodies (batches of inference events to {@code /api/v1/inferences}, or OTLP
 * exports over HTTP or gRPC) from several senders at once and measures accepted records per
 * second and the time to each acknowledgement. Bodies are built before the clock starts, so the
 * client's encoding is not measured. Bounded: it sends exactly {@code events} records and stops.
 */
public final class IngestLoadGenerator {
  /** What one run measured. Latencies in milliseconds. */
  public record Result(
      long events, long requests, long failed, double seconds, double ackP50Ms, double ackP99Ms, double ackMaxMs) {
    public double eventsPerSecond() {
      return events / seconds;
    }
  }

  /**
   * What a paced run measured: exact ack percentiles (every ack kept), the acks over 200 ms with
   * when they were sent (seconds into the run), and how many sends started late (over 100 ms behind
   * schedule: the server could not keep up with the rate).
   */
  public record PacedResult(long events, long requests, long failed, double seconds, double ackP50Ms,
      double ackP99Ms, double ackP999Ms, double ackMaxMs, List<double[]> slowAcks, long lateSends,
      long startEpochMillis) {
    public double eventsPerSecond() {
      return events / seconds;
    }
  }

  /** How distinct bodies are prepared; reused round-robin. */
  static final int DISTINCT_BODIES = 32;

  private final BodySender sender;
  private final int batchSize;
  private final int concurrency;
  private final List<byte[]> bodies;
  /** Sends so far in this JVM, so no two runs (warm-up, measured, another protocol) share an id. */
  private static final AtomicLong sends = new AtomicLong();

  /** NDJSON inference events to {@code /api/v1/inferences}. */
  public IngestLoadGenerator(URI base, int batchSize, int concurrency, long nowMillis) {
    this(base.resolve("api/v1/inferences"), "application/x-ndjson", buildBodies(batchSize, nowMillis), batchSize,
        concurrency);
  }

  /** Any prepared bodies of {@code recordsPerBody} records each, POSTed to {@code target}, e.g. OTLP exports. */
  public IngestLoadGenerator(URI target, String contentType, List<byte[]> bodies, int recordsPerBody, int concurrency) {
    this(post(target, contentType), bodies, recordsPerBody, concurrency);
  }

  /** Any prepared bodies of {@code recordsPerBody} records each, sent by {@code sender} from {@code concurrency} threads. */
  public IngestLoadGenerator(BodySender sender, List<byte[]> bodies, int recordsPerBody, int concurrency) {
    this.sender = sender;
    this.batchSize = recordsPerBody;
    this.concurrency = concurrency;
    this.bodies = List.copyOf(bodies);
  }

  /** Retries of one body answered 429, as exporters and Prometheus retry "retry later". */
  private static final int MAX_RETRIES = 60;

  /**
   * HTTP/1.1 POSTs; only a 200 counts as acknowledged. A 429 is sent again after its
   * {@code Retry-After}, and a broken connection after a second, as real senders do; the waits
   * count in the ack time.
   */
  private static BodySender post(URI target, String contentType) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    return body -> {
      try {
        for (int attempt = 0; ; attempt++) {
          HttpResponse<Void> res;
          try {
            res = http.send(
                HttpRequest.newBuilder(target).header("Content-Type", contentType)
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.discarding());
          } catch (IOException e) {
            // A 429 sent before the body is read ends the connection under a large body; senders retry.
            if (attempt == MAX_RETRIES) throw e;
            Thread.sleep(1000);
            continue;
          }
          if (res.statusCode() != 429 || attempt == MAX_RETRIES) return res.statusCode() == 200;
          Thread.sleep(1000L * res.headers().firstValueAsLong("Retry-After").orElse(1));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    };
  }

  /** Sends {@code events} events (rounded up to whole batches) and measures. */
  public Result run(long events) throws InterruptedException {
    long batches = (events + batchSize - 1) / batchSize;
    AtomicLong next = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    List<Future<QuantileSketch>> parts = new ArrayList<>();
    long start = System.nanoTime();
    for (int w = 0; w < concurrency; w++) {
      parts.add(pool.submit(() -> {
        QuantileSketch acks = QuantileSketch.create();
        long i;
        while ((i = next.getAndIncrement()) < batches) {
          byte[] body = stamp(bodies.get((int) (i % bodies.size())), sends.getAndIncrement());
          long t0 = System.nanoTime();
          try {
            if (!sender.send(body)) failed.incrementAndGet();
          } catch (IOException e) {
            failed.incrementAndGet();
          }
          acks.add((System.nanoTime() - t0) / 1e6);
        }
        return acks;
      }));
    }
    QuantileSketch all = QuantileSketch.create();
    for (Future<QuantileSketch> f : parts) {
      try {
        all.merge(f.get());
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("a load worker failed", e.getCause());
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    long ok = batches - failed.get();
    return new Result(ok * batchSize, batches, failed.get(), seconds, all.quantile(0.5),
        all.quantile(0.99), all.quantile(1.0));
  }

  /**
   * Sends at a steady {@code recordsPerSecond} for {@code seconds}, each of the senders on its own
   * schedule (an open load, as many independent exporters make), and keeps every ack time. A
   * sender that falls behind sends at once and counts the send as late.
   */
  public PacedResult runPaced(double recordsPerSecond, double seconds) throws InterruptedException {
    double perSenderInterval = concurrency * batchSize / recordsPerSecond; // seconds between one sender's sends
    long sendsPerSender = (long) Math.floor(seconds / perSenderInterval);
    AtomicLong failed = new AtomicLong();
    AtomicLong late = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    List<Future<double[][]>> parts = new ArrayList<>();
    long start = System.nanoTime();
    long startEpochMillis = System.currentTimeMillis();
    for (int w = 0; w < concurrency; w++) {
      final long offset = (long) (perSenderInterval * 1e9 * w / concurrency);
      parts.add(pool.submit(() -> {
        double[][] acks = new double[(int) sendsPerSender][];
        for (int k = 0; k < sendsPerSender; k++) {
          long due = start + offset + (long) (k * perSenderInterval * 1e9);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          } else if (wait < -100_000_000) {
            late.incrementAndGet();
          }
          byte[] body = stamp(bodies.get((int) (k % bodies.size())), sends.getAndIncrement());
          long t0 = System.nanoTime();
          try {
            if (!sender.send(body)) failed.incrementAndGet();
          } catch (IOException e) {
            failed.incrementAndGet();
          }
          acks[k] = new double[] {(t0 - start) / 1e9, (System.nanoTime() - t0) / 1e6};
        }
        return acks;
      }));
    }
    List<double[]> all = new ArrayList<>();
    for (Future<double[][]> f : parts) {
      try {
        all.addAll(List.of(f.get()));
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("a load worker failed", e.getCause());
      }
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    double[] ms = all.stream().mapToDouble(a -> a[1]).sorted().toArray();
    List<double[]> slow = all.stream().filter(a -> a[1] > 200).sorted(java.util.Comparator.comparingDouble(a -> a[0]))
        .toList();
    long requests = ms.length;
    return new PacedResult((requests - failed.get()) * batchSize, requests, failed.get(), elapsed, exact(ms, 0.5),
        exact(ms, 0.99), exact(ms, 0.999), ms.length == 0 ? Double.NaN : ms[ms.length - 1], slow, late.get(),
        startEpochMillis);
  }

  /** The nearest-rank quantile of sorted values. */
  private static double exact(double[] sorted, double q) {
    if (sorted.length == 0) return Double.NaN;
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /**
   * Stands in each request id for the send's number: the store drops a re-sent request id as a
   * retry, so bodies reused round-robin must not repeat ids or the run would measure dropping.
   */
  static final String SEND_MARKER = "#SEND#####";

  private static byte[] stamp(byte[] body, long send) {
    byte[] marker = SEND_MARKER.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] number = String.format(java.util.Locale.ROOT, "%010d", send).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] out = null;
    for (int at = 0; at + marker.length <= body.length; at++) {
      if (body[at] != '#' || !java.util.Arrays.equals(body, at, at + marker.length, marker, 0, marker.length)) continue;
      if (out == null) out = body.clone();
      System.arraycopy(number, 0, out, at, number.length);
      at += marker.length - 1;
    }
    return out == null ? body : out;
  }

  private static List<byte[]> buildBodies(int batchSize, long now) {
    ObjectMapper json = new ObjectMapper();
    Random random = new Random(42);
    String[] deployments = {"chat-prod", "summarize-prod", "embed-prod", "search-prod"};
    List<byte[]> out = new ArrayList<>();
    for (int b = 0; b < DISTINCT_BODIES; b++) {
      StringBuilder sb = new StringBuilder(batchSize * 380);
      for (int i = 0; i < batchSize; i++) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("timestamp", now - random.nextInt(60_000));
        String d = deployments[random.nextInt(deployments.length)];
        e.put("service", d.replace("-prod", "-api"));
        e.put("deployment", d);
        e.put("model", "gpt-4o");
        e.put("model_version", "2024-08-06");
        e.put("operation", "chat");
        e.put("request_id", "r-" + SEND_MARKER + "-" + b + "-" + i);
        e.put("tenant", "acme");
        e.put("api_key", "k-" + random.nextInt(20));
        e.put("input_tokens", 200 + random.nextInt(1500));
        e.put("output_tokens", 20 + random.nextInt(400));
        e.put("latency_ms", 200 + random.nextInt(2000) + random.nextDouble());
        e.put("ttft_ms", 50 + random.nextInt(150));
        e.put("status", "ok");
        e.put("http_status", 200);
        e.put("finish_reason", "stop");
        try {
          sb.append(json.writeValueAsString(e)).append('\n');
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
          throw new IllegalStateException(ex);
        }
      }
      out.add(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return out;
  }
}
