package dev.loupe.ingest.prometheus.scrape;

import dev.loupe.ingest.prometheus.exposition.ExpositionFormat;
import dev.loupe.ingest.prometheus.exposition.ExpositionHandler;
import dev.loupe.ingest.prometheus.exposition.ExpositionParseException;
import dev.loupe.ingest.prometheus.exposition.ExpositionParser;
import dev.loupe.ingest.prometheus.exposition.MetricType;
import dev.loupe.ingest.prometheus.exposition.OpenMetricsParser;
import dev.loupe.model.Batch;
import dev.loupe.model.Sample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Scrapes one target: fetch (asking for OpenMetrics or text like Prometheus does), parse with the
 * parser the answer's {@code Content-Type} names, attach target labels, relabel, and hand the
 * samples with {@code up} and the scrape's own series to the sink. A scrape is all or nothing: a
 * parse error drops the whole scrape and marks the target down with {@code line:column: reason}.
 * Series seen last time and missing now get a staleness marker instead of being carried forward.
 */
public final class ScrapeLoop {
  private static final int MAX_BODY_BYTES = 256 * 1024 * 1024;

  private final ScrapeTarget target;
  private final long intervalMillis;
  private final long timeoutMillis;
  private final boolean honorLabels;
  private final boolean honorTimestamps;
  private final MetricRelabeler relabeler;
  private final HttpClient client;
  private final Executor parsePool;
  private final Clock clock;
  private final Consumer<Batch> sink;
  private final AtomicBoolean inFlight = new AtomicBoolean();
  private final ThreadLocal<ExpositionParser[]> parsers =
      ThreadLocal.withInitial(() -> new ExpositionParser[ExpositionFormat.values().length]);

  private Set<SeriesRef> lastSeries = Set.of();
  private volatile TargetHealth health;

  /** Name and labels of a series, for telling which vanished. */
  private record SeriesRef(String name, Map<String, String> labels) {}

  public ScrapeLoop(
      ScrapeTarget target,
      long intervalMillis,
      long timeoutMillis,
      boolean honorLabels,
      boolean honorTimestamps,
      MetricRelabeler relabeler,
      HttpClient client,
      Executor parsePool,
      Clock clock,
      Consumer<Batch> sink) {
    this.target = target;
    this.intervalMillis = intervalMillis;
    this.timeoutMillis = timeoutMillis;
    this.honorLabels = honorLabels;
    this.honorTimestamps = honorTimestamps;
    this.relabeler = relabeler;
    this.client = client;
    this.parsePool = parsePool;
    this.clock = clock;
    this.sink = sink;
    this.health = new TargetHealth(target.job(), target.url().toString(), target.labels(), "unknown", "", 0, 0, 0,
        intervalMillis, timeoutMillis);
  }

  public ScrapeTarget target() {
    return target;
  }

  public TargetHealth health() {
    return health;
  }

  public long intervalMillis() {
    return intervalMillis;
  }

  /**
   * One scrape; completes once its samples were handed to the sink. A scrape still running when
   * the next one is due is not doubled: the late call completes at once.
   */
  public CompletableFuture<Void> scrape() {
    if (!inFlight.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(null);
    }
    try {
      return send(clock.millis(), System.nanoTime());
    } catch (RuntimeException e) {
      inFlight.set(false); // a request that could not even be built must not block the next one
      throw e;
    }
  }

  private CompletableFuture<Void> send(long start, long startNanos) {
    HttpRequest request =
        HttpRequest.newBuilder(target.url())
            .timeout(Duration.ofMillis(timeoutMillis))
            .header("Accept", ExpositionFormat.ACCEPT)
            .header("Accept-Encoding", "gzip")
            .header("User-Agent", "Loupe")
            .header("X-Prometheus-Scrape-Timeout-Seconds", Double.toString(timeoutMillis / 1000.0))
            .GET()
            .build();
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
        .thenApplyAsync(this::readBody, parsePool)
        .handleAsync((body, failure) -> {
          try {
            finish(start, startNanos, body, failure);
          } finally {
            inFlight.set(false);
          }
          return null;
        }, parsePool);
  }

  /** Ends every series this target exposed (the target went away). */
  public synchronized void stop() {
    long now = clock.millis();
    List<Sample> markers = new ArrayList<>();
    for (SeriesRef s : lastSeries) markers.add(Sample.staleMarker(s.name(), s.labels(), now));
    lastSeries = Set.of();
    if (!markers.isEmpty()) sink.accept(new Batch(List.of(), List.of(), List.of(), List.of(), markers));
  }

  private record Body(byte[] bytes, String contentType) {}

  private Body readBody(HttpResponse<InputStream> response) {
    try (InputStream raw = response.body()) {
      if (response.statusCode() != 200) {
        throw new ScrapeFailure("server returned HTTP status " + response.statusCode());
      }
      boolean gzip = response.headers().firstValue("Content-Encoding").map(v -> v.equalsIgnoreCase("gzip")).orElse(false);
      InputStream in = gzip ? new GZIPInputStream(raw) : raw;
      ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        if (out.size() > MAX_BODY_BYTES) {
          throw new ScrapeFailure("body larger than " + MAX_BODY_BYTES + " bytes");
        }
      }
      return new Body(out.toByteArray(), response.headers().firstValue("Content-Type").orElse(""));
    } catch (IOException e) {
      throw new ScrapeFailure("reading the body failed: " + e.getMessage());
    }
  }

  private synchronized void finish(long start, long startNanos, Body body, Throwable failure) {
    List<Sample> samples = new ArrayList<>();
    String error = "";
    int scraped = 0;
    if (failure == null) {
      try {
        scraped = parse(body, start, samples);
      } catch (ExpositionParseException e) {
        samples.clear();
        error = "parse error at " + e.getMessage();
      } catch (RuntimeException e) {
        samples.clear();
        error = "parse failed: " + e;
      }
    } else {
      error = describe(failure);
    }
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    boolean up = error.isEmpty();
    int postRelabel = samples.size();

    Set<SeriesRef> current = new HashSet<>(samples.size() * 2);
    for (Sample s : samples) current.add(new SeriesRef(s.name(), s.labels()));
    int added = 0;
    for (SeriesRef s : current) if (!lastSeries.contains(s)) added++;
    for (SeriesRef s : lastSeries) {
      if (!current.contains(s)) samples.add(Sample.staleMarker(s.name(), s.labels(), start));
    }
    lastSeries = current;

    Map<String, String> labels = target.labels();
    samples.add(new Sample("up", labels, start, up ? 1 : 0));
    samples.add(new Sample("scrape_duration_seconds", labels, start, seconds));
    samples.add(new Sample("scrape_samples_scraped", labels, start, scraped));
    samples.add(new Sample("scrape_samples_post_metric_relabeling", labels, start, postRelabel));
    samples.add(new Sample("scrape_series_added", labels, start, added));
    health = new TargetHealth(target.job(), target.url().toString(), labels, up ? "up" : "down", error, start,
        seconds, scraped, intervalMillis, timeoutMillis);
    sink.accept(new Batch(List.of(), List.of(), List.of(), List.of(), samples));
  }

  private int parse(Body body, long scrapeMillis, List<Sample> out) throws ExpositionParseException {
    ExpositionFormat format = ExpositionFormat.fromContentType(body.contentType());
    ExpositionParser[] cache = parsers.get();
    ExpositionParser parser = cache[format.ordinal()];
    if (parser == null) {
      // Scraping accepts what Prometheus accepts: Go clients expose negative histogram sums and
      // quantiles that strict OpenMetrics forbids; a target must not go down for that.
      parser = format == ExpositionFormat.OPENMETRICS
          ? new OpenMetricsParser(OpenMetricsParser.Strictness.ALLOW_NEGATIVE_OBSERVATIONS)
          : ExpositionParser.of(format);
      cache[format.ordinal()] = parser;
    }
    int[] count = {0};
    parser.parse(body.bytes(), 0, body.bytes().length, new ExpositionHandler() {
      @Override
      public void sample(String family, MetricType type, String name, String[] pairs, int labelCount,
          double value, long timestampMillis) {
        count[0]++;
        Map<String, String> labels = new HashMap<>(labelCount * 2 + 8);
        for (int i = 0; i < labelCount; i++) labels.put(pairs[2 * i], pairs[2 * i + 1]);
        attachTargetLabels(labels);
        if (!relabeler.isEmpty()) {
          labels.put(MetricRelabeler.NAME, name);
          if (!relabeler.apply(labels)) return;
          name = labels.remove(MetricRelabeler.NAME);
        }
        long ts = honorTimestamps && timestampMillis != NO_TIMESTAMP ? timestampMillis : scrapeMillis;
        out.add(new Sample(name, labels, ts, value));
      }
    });
    return count[0];
  }

  /** Target labels win over exposed ones (renamed {@code exported_*}) unless honor_labels is set. */
  private void attachTargetLabels(Map<String, String> labels) {
    for (Map.Entry<String, String> t : target.labels().entrySet()) {
      String exposed = labels.get(t.getKey());
      if (exposed == null) {
        labels.put(t.getKey(), t.getValue());
      } else if (!honorLabels) {
        String renamed = "exported_" + t.getKey();
        while (labels.containsKey(renamed)) renamed = "exported_" + renamed;
        labels.put(renamed, exposed);
        labels.put(t.getKey(), t.getValue());
      }
    }
  }

  private static String describe(Throwable failure) {
    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (t instanceof ScrapeFailure) return t.getMessage();
    if (t instanceof HttpTimeoutException) return "context deadline exceeded (scrape timeout)";
    if (t instanceof java.net.ConnectException) return "connection refused";
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  private static final class ScrapeFailure extends RuntimeException {
    ScrapeFailure(String message) {
      super(message, null, false, false);
    }
  }
}
