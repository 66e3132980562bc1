package dev.loupe.ingest.prometheus.scrape;

import dev.loupe.model.Batch;
import dev.loupe.server.ScrapeConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the scrape loops of every job: discovers targets from {@code static_configs} and
 * {@code file_sd_configs} (target files are checked every few seconds and re-read when they
 * change), starts a loop for each new target and stops (and ends the series of) each target
 * that went away. Each loop runs at its job's interval from a fixed offset derived from the
 * target's identity, so hundreds of targets spread over the interval instead of firing at once.
 */
public final class ScrapeEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScrapeEngine.class);
  private static final long FILE_CHECK_MILLIS = 5_000;
  /** How long scraped samples wait to be stored with other scrapes' (see ScrapeBuffer). */
  static final long FLUSH_MILLIS = 1_000;
  /** Scrapes in flight at most; beyond it a due scrape is skipped (and logged), not queued. */
  private static final int MAX_SCRAPE_THREADS = 64;

  private final List<ScrapeConfig> configs;
  private final Clock clock;
  private final Consumer<Batch> sink;
  private final ScrapeBuffer buffer;
  private final ExecutorService scrapePool;
  private final ScheduledExecutorService ticker;
  private final Map<String, RunningLoop> loops = new LinkedHashMap<>();
  private final Map<String, FileState> files = new HashMap<>();
  private final Map<String, MetricRelabeler> relabelers = new HashMap<>();
  private volatile boolean started;

  private record RunningLoop(ScrapeLoop loop, ScheduledFuture<?> schedule) {}

  private record FileState(long modified, long size, List<TargetGroup> groups, String error) {}

  public ScrapeEngine(List<ScrapeConfig> configs, Clock clock, Consumer<Batch> sink, int scrapeThreads) {
    this.configs = List.copyOf(configs);
    this.clock = clock;
    this.sink = sink;
    this.buffer = new ScrapeBuffer(this::deliver, FLUSH_MILLIS);
    // Scrapes block on I/O; a slow target holds its thread up to its timeout, so the pool grows
    // on demand (to a bound) instead of letting dead targets starve live ones.
    this.scrapePool = new java.util.concurrent.ThreadPoolExecutor(scrapeThreads, MAX_SCRAPE_THREADS, 60, TimeUnit.SECONDS,
        new java.util.concurrent.SynchronousQueue<>(), daemon("loupe-scrape"));
    this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("loupe-scrape-ticker"));
    for (ScrapeConfig c : configs) relabelers.put(c.jobName(), new MetricRelabeler(c.metricRelabelConfigs()));
  }

  /** Discovers targets and starts scheduled scraping. */
  public synchronized void start() {
    started = true;
    for (var e : loops.entrySet()) {
      if (e.getValue().schedule() == null) {
        ScrapeLoop loop = e.getValue().loop();
        long offset = offset(e.getKey(), loop.intervalMillis());
        e.setValue(new RunningLoop(loop,
            ticker.scheduleAtFixedRate(() -> scrapeLogged(loop), offset, loop.intervalMillis(), TimeUnit.MILLISECONDS)));
      }
    }
    sync();
    if (configs.stream().anyMatch(c -> !c.fileSdConfigs().isEmpty())) {
      ticker.scheduleWithFixedDelay(this::syncLogged, FILE_CHECK_MILLIS, FILE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** The health of every active target, ordered by job and URL. */
  public synchronized List<TargetHealth> targets() {
    return loops.values().stream()
        .map(r -> r.loop().health())
        .sorted(Comparator.comparing(TargetHealth::job).thenComparing(TargetHealth::scrapeUrl))
        .toList();
  }

  /** Errors of target files that could not be read, by file. */
  public synchronized Map<String, String> discoveryErrors() {
    Map<String, String> out = new TreeMap<>();
    files.forEach((f, s) -> {
      if (s.error() != null) out.put(f, s.error());
    });
    return out;
  }

  /** Re-reads changed target files and starts/stops loops to match. Called by the ticker. */
  public synchronized void sync() {
    Map<String, ScrapeLoop> wanted = new LinkedHashMap<>();
    for (ScrapeConfig c : configs) {
      for (TargetGroup g : groups(c)) {
        for (String address : g.targets()) {
          ScrapeTarget t = target(c, address, g.labels());
          String id = t.job() + " " + t.url() + " " + new TreeMap<>(t.labels());
          wanted.putIfAbsent(id, null);
          if (!loops.containsKey(id)) {
            wanted.put(id, new ScrapeLoop(t, c.scrapeInterval().toMillis(), c.scrapeTimeout().toMillis(),
                c.honorLabels(), c.honorTimestamps(), relabelers.get(c.jobName()), scrapePool, clock,
                buffer));
          }
        }
      }
    }
    boolean ended = false;
    for (var it = loops.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!wanted.containsKey(e.getKey())) {
        if (e.getValue().schedule() != null) e.getValue().schedule().cancel(false);
        e.getValue().loop().stop();
        ended = true;
        it.remove();
        LOG.info("target {} of job {} went away", e.getValue().loop().target().url(), e.getValue().loop().target().job());
      }
    }
    if (ended) buffer.flush(); // the end of a target's series is stored now, not a second later
    for (var e : wanted.entrySet()) {
      if (e.getValue() == null) continue;
      ScrapeLoop loop = e.getValue();
      long interval = loop.intervalMillis();
      long offset = offset(e.getKey(), interval);
      // Before start() (tests drive scrapes with scrapeAllNow) nothing is scheduled.
      ScheduledFuture<?> f =
          started ? ticker.scheduleAtFixedRate(() -> scrapeLogged(loop), offset, interval, TimeUnit.MILLISECONDS) : null;
      loops.put(e.getKey(), new RunningLoop(loop, f));
    }
  }

  /**
   * Where in its interval a target is scraped: fixed per target (so its samples are evenly
   * spaced) and spread across targets (so they don't all fire at once), like Prometheus's offset.
   */
  static long offset(String targetId, long intervalMillis) {
    long h = targetId.hashCode() * 0x9E3779B97F4A7C15L;
    h ^= h >>> 29;
    return Math.floorMod(h, intervalMillis);
  }

  /** Scrapes every target once now and waits for the samples to be handed over (tests, CLI). */
  public void scrapeAllNow() {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    synchronized (this) {
      for (RunningLoop r : loops.values()) all.add(r.loop().scrape());
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    buffer.flush();
  }

  /** A periodic task that throws is never run again, so nothing may escape it. */
  private static void scrapeLogged(ScrapeLoop loop) {
    try {
      loop.scrape().exceptionally(e -> {
        LOG.error("scrape of {} failed unexpectedly", loop.target().url(), e);
        return null;
      });
    } catch (RuntimeException | Error e) {
      LOG.error("scrape of {} could not start", loop.target().url(), e);
    }
  }

  private void deliver(Batch batch) {
    try {
      sink.accept(batch);
    } catch (RuntimeException e) {
      LOG.error("storing {} scraped samples failed; they are lost for this scrape", batch.size(), e);
    }
  }

  private void syncLogged() {
    try {
      sync();
    } catch (RuntimeException e) {
      LOG.error("target discovery failed; will retry", e);
    }
  }

  private List<TargetGroup> groups(ScrapeConfig c) {
    List<TargetGroup> out = new ArrayList<>();
    for (ScrapeConfig.StaticConfig s : c.staticConfigs()) {
      out.add(new TargetGroup(s.targets(), s.labels(), "static_configs"));
    }
    for (ScrapeConfig.FileSdConfig f : c.fileSdConfigs()) {
      for (String pattern : f.files()) {
        List<Path> paths;
        try {
          paths = FileSdReader.expand(pattern);
        } catch (IOException e) {
          LOG.warn("cannot list target files {}: {}", pattern, e.toString());
          continue;
        }
        for (Path p : paths) out.addAll(read(p, f.refreshInterval()));
      }
    }
    return out;
  }

  /** A file's groups, re-read only when its size or modification time changed. */
  private List<TargetGroup> read(Path p, Duration refresh) {
    String key = p.toAbsolutePath().toString();
    long modified;
    long size;
    try {
      modified = Files.getLastModifiedTime(p).toMillis();
      size = Files.size(p);
    } catch (IOException e) {
      files.remove(key);
      return List.of();
    }
    FileState known = files.get(key);
    if (known != null && known.modified() == modified && known.size() == size) return known.groups();
    try {
      List<TargetGroup> groups = FileSdReader.read(p);
      files.put(key, new FileState(modified, size, groups, null));
      LOG.info("read {} target groups from {}", groups.size(), p);
      return groups;
    } catch (FileSdReader.FileSdException e) {
      // Like Prometheus: keep the last good targets of a file that became unreadable.
      List<TargetGroup> previous = known == null ? List.of() : known.groups();
      files.put(key, new FileState(modified, size, previous, e.getMessage()));
      LOG.warn("target file unusable, keeping its previous targets: {}", e.getMessage());
      return previous;
    }
  }

  static ScrapeTarget target(ScrapeConfig c, String address, Map<String, String> groupLabels) {
    StringBuilder url = new StringBuilder(c.scheme()).append("://").append(address).append(c.metricsPath());
    char sep = '?';
    for (Map.Entry<String, List<String>> p : new TreeMap<>(c.params()).entrySet()) {
      for (String v : p.getValue()) {
        url.append(sep).append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8)).append('=')
            .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        sep = '&';
      }
    }
    Map<String, String> labels = new TreeMap<>();
    labels.put("job", c.jobName());
    labels.put("instance", address);
    groupLabels.forEach((k, v) -> {
      if (!k.startsWith("__")) labels.put(k, v);
    });
    return new ScrapeTarget(c.jobName(), URI.create(url.toString()), labels);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    buffer.close();
    scrapePool.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
