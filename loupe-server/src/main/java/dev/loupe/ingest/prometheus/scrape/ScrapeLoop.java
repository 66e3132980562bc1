package dev.loupe.ingest.prometheus.scrape;

import dev.loupe.ingest.prometheus.exposition.ExpositionFormat;
import dev.loupe.ingest.prometheus.exposition.ExpositionHandler;
import dev.loupe.ingest.prometheus.exposition.ExpositionParseException;
import dev.loupe.ingest.prometheus.exposition.ExpositionParser;
import dev.loupe.ingest.prometheus.exposition.MetricType;
import dev.loupe.ingest.prometheus.exposition.OpenMetricsParser;
import dev.loupe.model.Batch;
import dev.loupe.model.Sample;
import dev.loupe.model.SortedLabels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
  private static final String TIMEOUT = "context deadline exceeded (scrape timeout)";

  private final ScrapeTarget target;
  private final long intervalMillis;
  private final long timeoutMillis;
  private final boolean honorLabels;
  private final boolean honorTimestamps;
  private final MetricRelabeler relabeler;
  private final Executor pool;
  private final Clock clock;
  private final Consumer<Batch> sink;
  private final AtomicBoolean inFlight = new AtomicBoolean();
  /** Parsers per parse thread, shared by every target: their name caches fill once, not per target. */
  private static final ThreadLocal<ExpositionParser[]> PARSERS =
      ThreadLocal.withInitial(() -> new ExpositionParser[ExpositionFormat.values().length]);

  /** Every series the target exposed in its last good scrape, with what it resolved to. */
  private final ScrapeSeriesTable series = new ScrapeSeriesTable();
  private volatile TargetHealth health;


  public ScrapeLoop(
      ScrapeTarget target,
      long intervalMillis,
      long timeoutMillis,
      boolean honorLabels,
      boolean honorTimestamps,
      MetricRelabeler relabeler,
      Executor pool,
      Clock clock,
      Consumer<Batch> sink) {
    this.target = target;
    this.intervalMillis = intervalMillis;
    this.timeoutMillis = timeoutMillis;
    this.honorLabels = honorLabels;
    this.honorTimestamps = honorTimestamps;
    this.relabeler = relabeler;
    this.pool = pool;
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
   * One scrape on the scrape pool; completes once its samples were handed to the sink. A scrape
   * still running when the next one is due is not doubled: the late call completes at once.
   */
  public CompletableFuture<Void> scrape() {
    if (!inFlight.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(null);
    }
    try {
      return CompletableFuture.runAsync(() -> {
        try {
          scrapeNow();
        } finally {
          inFlight.set(false);
        }
      }, pool);
    } catch (RuntimeException e) {
      inFlight.set(false); // the pool refused it: the next interval tries again
      throw e;
    }
  }

  /**
   * Fetches and parses in the calling thread. A blocking {@link HttpURLConnection} costs a
   * fraction of the CPU per request of the JDK's asynchronous client, and a scrape has nothing to
   * overlap with; keep-alive connections are reused across scrapes.
   */
  private void scrapeNow() {
    long start = clock.millis();
    long startNanos = System.nanoTime();
    Body body = null;
    Throwable failure = null;
    try {
      body = fetch(startNanos + timeoutMillis * 1_000_000);
    } catch (ScrapeFailure | IOException e) {
      failure = e;
    }
    finish(start, startNanos, body, failure);
  }

  /** Ends every series this target exposed (the target went away). */
  public synchronized void stop() {
    long now = clock.millis();
    List<Sample> markers = new ArrayList<>();
    series.beginScrape();
    for (ScrapeSeriesTable.Entry e : series.removeAll()) markers.add(Sample.staleMarker(e.name, e.labels, now));
    if (!markers.isEmpty()) sink.accept(Batch.ofSamples(markers));
  }

  private record Body(byte[] bytes, String contentType) {}

  private Body fetch(long deadlineNanos) throws IOException {
    HttpURLConnection c = (HttpURLConnection) target.url().toURL().openConnection();
    int timeout = (int) Math.max(1, timeoutMillis);
    c.setConnectTimeout(timeout);
    c.setReadTimeout(timeout);
    c.setUseCaches(false);
    c.setRequestProperty("Accept", ExpositionFormat.ACCEPT);
    c.setRequestProperty("Accept-Encoding", "gzip");
    c.setRequestProperty("User-Agent", "Loupe");
    c.setRequestProperty("X-Prometheus-Scrape-Timeout-Seconds", Double.toString(timeoutMillis / 1000.0));
    try {
      int status = c.getResponseCode();
      if (status != 200) {
        drain(c.getErrorStream());
        throw new ScrapeFailure("server returned HTTP status " + status);
      }
      try (InputStream raw = c.getInputStream()) {
        InputStream in = "gzip".equalsIgnoreCase(c.getContentEncoding()) ? new GZIPInputStream(raw, 16 * 1024) : raw;
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(16 * 1024, c.getContentLength()));
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
          out.write(buf, 0, n);
          if (out.size() > MAX_BODY_BYTES) throw new ScrapeFailure("body larger than " + MAX_BODY_BYTES + " bytes");
          if (System.nanoTime() > deadlineNanos) throw new ScrapeFailure(TIMEOUT);
        }
        String type = c.getContentType();
        return new Body(out.toByteArray(), type == null ? "" : type);
      }
    } catch (java.net.SocketTimeoutException e) {
      throw new ScrapeFailure(TIMEOUT);
    } catch (java.util.zip.ZipException e) {
      throw new ScrapeFailure("the gzip body is corrupt: " + e.getMessage());
    }
  }

  /** Reads an error answer to its end so the connection can be reused. */
  private static void drain(InputStream in) {
    if (in == null) return;
    try (in) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException ignored) {
      // the connection is dropped instead of reused
    }
  }

  private synchronized void finish(long start, long startNanos, Body body, Throwable failure) {
    List<Sample> samples = new ArrayList<>();
    String error = "";
    int scraped = 0;
    series.beginScrape();
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

    // A failed scrape ends every series, as in Prometheus; a good one ends those that vanished.
    int added = up ? series.added() : 0;
    for (ScrapeSeriesTable.Entry e : up ? series.removeUnseen() : series.removeAll()) {
      samples.add(Sample.staleMarker(e.name, e.labels, start));
    }

    Map<String, String> labels = target.labels();
    samples.add(new Sample("up", labels, start, up ? 1 : 0));
    samples.add(new Sample("scrape_duration_seconds", labels, start, seconds));
    samples.add(new Sample("scrape_samples_scraped", labels, start, scraped));
    samples.add(new Sample("scrape_samples_post_metric_relabeling", labels, start, postRelabel));
    samples.add(new Sample("scrape_series_added", labels, start, added));
    health = new TargetHealth(target.job(), target.url().toString(), labels, up ? "up" : "down", error, start,
        seconds, scraped, intervalMillis, timeoutMillis);
    sink.accept(Batch.ofSamples(samples));
  }

  private int parse(Body body, long scrapeMillis, List<Sample> out) throws ExpositionParseException {
    ExpositionFormat format = ExpositionFormat.fromContentType(body.contentType());
    ExpositionParser[] cache = PARSERS.get();
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
      /** The series text of the line being read when it was not known, for adding it. */
      private byte[] pendingBuf;
      private int pendingFrom;
      private int pendingTo;
      private int pendingHash;

      @Override
      public Object knownSeries(byte[] buf, int from, int to) {
        int hash = ScrapeSeriesTable.hash(buf, from, to);
        ScrapeSeriesTable.Entry e = series.find(buf, from, to, hash);
        if (e == null) {
          pendingBuf = buf;
          pendingFrom = from;
          pendingTo = to;
          pendingHash = hash;
        }
        return e;
      }

      @Override
      public void knownSample(Object known, double value, long timestampMillis) {
        count[0]++;
        emit((ScrapeSeriesTable.Entry) known, value, timestampMillis);
      }

      @Override
      public void sample(String family, MetricType type, String name, String[] pairs, int labelCount,
          double value, long timestampMillis) {
        count[0]++;
        byte[] key;
        int hash;
        if (pendingBuf != null) {
          key = java.util.Arrays.copyOfRange(pendingBuf, pendingFrom, pendingTo);
          hash = pendingHash;
          pendingBuf = null;
        } else {
          // OpenMetrics, or text the quick scan left to the full path: key on the decoded strings.
          key = syntheticKey(name, pairs, labelCount);
          hash = ScrapeSeriesTable.hash(key, 0, key.length);
          ScrapeSeriesTable.Entry e = series.find(key, 0, key.length, hash);
          if (e != null) {
            emit(e, value, timestampMillis);
            return;
          }
        }
        SeriesLabels resolved = resolve(name, pairs, labelCount);
        emit(series.add(key, hash, resolved.name(), resolved.labels()), value, timestampMillis);
      }

      private void emit(ScrapeSeriesTable.Entry e, double value, long timestampMillis) {
        if (e.dropped()) return;
        long ts = honorTimestamps && timestampMillis != NO_TIMESTAMP ? timestampMillis : scrapeMillis;
        out.add(new Sample(e.name, e.labels, ts, value));
      }
    });
    return count[0];
  }

  /** A key that cannot equal any raw series text: it starts with NUL, which no metric name does. */
  private static byte[] syntheticKey(String name, String[] pairs, int labelCount) {
    StringBuilder b = new StringBuilder("\u0000").append(name);
    for (int i = 0; i < 2 * labelCount; i++) b.append('\u0000').append(pairs[i]);
    return b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A scraped series after target labels and relabeling: its final name and labels, or dropped. */
  private record SeriesLabels(String name, SortedLabels labels) {}

  /** Done once per series, not per scrape: later scrapes find the result in the cache. */
  private SeriesLabels resolve(String name, String[] pairs, int labelCount) {
    Map<String, String> labels = new HashMap<>(labelCount * 2 + 8);
    for (int i = 0; i < labelCount; i++) labels.put(pairs[2 * i], pairs[2 * i + 1]);
    attachTargetLabels(labels);
    if (!relabeler.isEmpty()) {
      labels.put(MetricRelabeler.NAME, name);
      if (!relabeler.apply(labels)) return new SeriesLabels(null, null);
      name = labels.remove(MetricRelabeler.NAME);
    }
    return new SeriesLabels(name, SortedLabels.copyOf(labels));
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

  private static String describe(Throwable t) {
    if (t instanceof ScrapeFailure) return t.getMessage();
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
