package dev.loupe.server;

import dev.loupe.api.AlertFamilies;
import dev.loupe.api.DerivedSignalsCollector;
import dev.loupe.api.HttpApi;
import dev.loupe.api.InfrastructureSignalFamilies;
import dev.loupe.api.ModelSignalFamilies;
import dev.loupe.api.OtlpHttpApi;
import dev.loupe.dimension.HealthEvaluator;
import dev.loupe.dimension.compute.ComputeDimensionJudge;
import dev.loupe.dimension.compute.ComputeThresholds;
import dev.loupe.dimension.model.DeploymentLog;
import dev.loupe.dimension.model.InferenceRollup;
import dev.loupe.dimension.model.InferenceWindows;
import dev.loupe.dimension.model.ModelDimensionJudge;
import dev.loupe.dimension.model.VersionRegressionDetector;
import dev.loupe.dimension.network.NetworkDimensionJudge;
import dev.loupe.dimension.network.NetworkThresholds;
import dev.loupe.ingest.CapturePolicy;
import dev.loupe.ingest.IngestAdmission;
import dev.loupe.ingest.IngestMetrics;
import dev.loupe.ingest.IngestPipeline;
import dev.loupe.ingest.events.JsonEventDecoder;
import dev.loupe.ingest.otlp.GenAiSpanMapping;
import dev.loupe.ingest.otlp.OtlpGrpcServices;
import dev.loupe.ingest.otlp.OtlpLogDecoder;
import dev.loupe.ingest.otlp.OtlpMetricDecoder;
import dev.loupe.dimension.model.ModelMetricReader;
import dev.loupe.ingest.otlp.OtlpTraceDecoder;
import dev.loupe.ingest.prometheus.remote.RemoteWriteDecoder;
import dev.loupe.ingest.prometheus.scrape.ScrapeEngine;
import dev.loupe.model.Sample;
import dev.loupe.model.TimestampAdmission;
import dev.loupe.rule.AlertSink;
import dev.loupe.rule.Rule;
import dev.loupe.rule.RuleEngine;
import dev.loupe.store.RecordType;
import dev.loupe.store.Store;
import dev.loupe.store.duckdb.DuckDbStore;
import dev.loupe.store.duckdb.RetentionJob;
import dev.loupe.store.duckdb.RetentionPolicy;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.javalin.Javalin;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that assembles a running Loupe from its config: store, hot signals, ingest
 * pipeline, health, HTTP API and the periodic jobs. Nothing else wires parts together.
 */
public final class LoupeServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoupeServer.class);
  /** A minute is rolled up once it has been closed this long (late events re-roll it). */
  static final long ROLLUP_GRACE_MILLIS = 5_000;
  /** Metric names the compute and network judges read, replayed from the store after a start. */
  static final List<String> METRIC_JUDGE_PREFIXES = List.of("DCGM_", "node_infiniband_", "probe_");
  /** Longer than the longest sustained condition (15 m of low training utilization). */
  static final java.time.Duration METRIC_JUDGE_HISTORY = java.time.Duration.ofMinutes(20);

  private final LoupeConfig config;
  private final Clock clock;
  private final Store store;
  private final InferenceWindows windows;
  private final Javalin app;
  private final ScheduledExecutorService jobs;
  private final RetentionJob retention;
  private final ScrapeEngine scrapes;
  private final AlertingRules alerting;
  private volatile AlertSink alertSink = AlertSink.noop();
  private Javalin otlpHttp;
  private io.grpc.Server otlpGrpc;
  private volatile boolean ready;

  private LoupeServer(LoupeConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    long started = clock.millis();
    Path dataDir = Path.of(config.server().dataDir());
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data directory " + dataDir.toAbsolutePath(), e);
    }
    this.store = DuckDbStore.open(dataDir.resolve("loupe.duckdb"), clock);
    // What has started so far, stopped again if a later step fails, so a failed start leaks no port.
    List<Runnable> startedParts = new java.util.ArrayList<>();
    try {
      this.windows = new InferenceWindows(clock);
      DeploymentLog deployments = new DeploymentLog();
      HotSignalRebuild.run(store, windows, deployments, started, config.retention().deployment());

      PrometheusRegistry registry = new PrometheusRegistry();
      JvmMetrics.builder().register(registry);
      IngestMetrics metrics = new IngestMetrics(registry);
      CapturePolicy capture =
          new CapturePolicy(config.ingest().capture().prompts(), config.ingest().capture().completions());
      ComputeDimensionJudge compute =
          new ComputeDimensionJudge(ComputeThresholds.DEFAULTS, config.compute().classifier(), started);
      NetworkDimensionJudge network =
          new NetworkDimensionJudge(NetworkThresholds.DEFAULTS, config.network().matchers(), started);
      List<Consumer<List<Sample>>> sampleJudges = List.of(compute::observe, network::observe);
      SampleReplay.run(store, METRIC_JUDGE_PREFIXES, METRIC_JUDGE_HISTORY, started, sampleJudges);
      LoupeConfig.Otlp otlp = config.otlp();
      ModelMetricReader modelMetrics = new ModelMetricReader(
          labelNames(otlp.modelVersionAttributes(), "model_version"), labelNames(otlp.deploymentAttributes(), "deployment"));
      List<Consumer<List<Sample>>> sampleObservers = new java.util.ArrayList<>(sampleJudges);
      // Not among the replayed judges: the minutes these figures filled are rebuilt from rollups.
      sampleObservers.add(samples -> windows.recordReported(modelMetrics.read(samples)));
      List<Rule> rules = RuleFiles.load(config.rules());
      RecentSamples ruleInputs = RecentSamples.forRules(rules, config.rules().evaluationInterval(), clock);
      SampleReplay.run(store, ruleInputs.names(), ruleInputs.keep(), started, List.of(ruleInputs::observe));
      sampleObservers.add(ruleInputs::observe);
      IngestPipeline pipeline = new IngestPipeline(store, windows, deployments, capture, metrics, sampleObservers);
      IngestAdmission admission = new IngestAdmission(config.ingest().maxInFlightRequests());
      JsonEventDecoder decoder =
          new JsonEventDecoder(
              new TimestampAdmission(clock, config.ingest().maxFuture(), config.retention().inference()));

      LoupeConfig.Health h = config.health();
      VersionRegressionDetector detector =
          new VersionRegressionDetector(
              new VersionRegressionDetector.Settings(
                  h.latencyRegressionWarning(), h.latencyRegressionCritical(), h.minSamples(), h.currentWindow()),
              new StoredVersionBaseline(store, clock));
      HealthEvaluator health =
          new HealthEvaluator(clock,
              List.of(new ModelDimensionJudge(windows, deployments, detector, started), compute, network));

      TimestampAdmission sampleAdmission =
          new TimestampAdmission(clock, config.ingest().maxFuture(), config.retention().sample());
      this.scrapes = new ScrapeEngine(config.scrapeConfigs(), clock, pipeline::accept, 2);
      List<String> exported = new java.util.ArrayList<>(ModelSignalFamilies.NAMES);
      exported.addAll(InfrastructureSignalFamilies.NAMES);
      exported.addAll(AlertFamilies.NAMES);
      this.alerting = new AlertingRules(config.rules(), rules, store, ruleInputs, deployments, clock,
          alerts -> alertSink.accept(alerts));
      startedParts.add(alerting::close);
      GenAiSpanMapping genAi = new GenAiSpanMapping(otlp.modelVersionAttributes(), otlp.deploymentAttributes());
      registry.register(new DerivedSignalsCollector(exported, List.of(
          () -> ModelSignalFamilies.model(windows),
          () -> ModelSignalFamilies.health(health),
          () -> InfrastructureSignalFamilies.compute(compute, clock.millis()),
          () -> InfrastructureSignalFamilies.network(network, clock.millis()),
          () -> AlertFamilies.of(alerting.engine().alerts()))));
      this.retention = new RetentionJob(store, retentionPolicy(config.retention()), clock);
      this.app =
          HttpApi.create(
              new HttpApi.Parts(store, pipeline, decoder, metrics, health, windows, registry, () -> ready,
                  config.ingest().maxBodyBytes(), clock,
                  new RemoteWriteDecoder(sampleAdmission, 8 * config.ingest().maxBodyBytes()), scrapes::targets,
                  compute, network, genAi, admission, alerting));
      app.start(config.server().host(), config.server().port());
      startedParts.add(app::stop);
      this.jobs = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loupe-jobs");
        t.setDaemon(true);
        return t;
      });
      jobs.scheduleWithFixedDelay(this::flushRollupsLogged, 10, 10, TimeUnit.SECONDS);
      jobs.scheduleWithFixedDelay(this::retainLogged, 1, 60, TimeUnit.MINUTES);
      long every = config.rules().evaluationInterval().toMillis();
      jobs.scheduleAtFixedRate(this::evaluateRulesLogged, every, every, TimeUnit.MILLISECONDS);
      startedParts.add(jobs::shutdownNow);
      OtlpTraceDecoder traces =
          new OtlpTraceDecoder(genAi, config.ingest().capture().prompts(), config.ingest().capture().completions());
      OtlpLogDecoder otlpLogs = new OtlpLogDecoder();
      OtlpMetricDecoder otlpMetrics =
          new OtlpMetricDecoder(otlp.modelVersionAttributes(), otlp.deploymentAttributes());
      this.otlpHttp = OtlpHttpApi.create(
          traces, otlpLogs, otlpMetrics, pipeline, metrics, config.ingest().maxBodyBytes(), admission);
      otlpHttp.start(config.server().host(), config.otlp().httpPort());
      startedParts.add(otlpHttp::stop);
      try {
        // grpc-java answers a larger message itself: RESOURCE_EXHAUSTED without a retry delay.
        NettyServerBuilder grpc = NettyServerBuilder
            .forAddress(new java.net.InetSocketAddress(config.server().host(), config.otlp().grpcPort()))
            .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, config.ingest().maxBodyBytes()));
        new OtlpGrpcServices(pipeline, metrics, admission).services(traces, otlpLogs, otlpMetrics)
            .forEach(grpc::addService);
        this.otlpGrpc = grpc.build().start();
        startedParts.add(otlpGrpc::shutdownNow);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot listen for OTLP/gRPC on port " + config.otlp().grpcPort(), e);
      }
      scrapes.start();
      ready = true;
      LOG.info("Loupe listening on {} with data in {}", baseUri(), dataDir.toAbsolutePath());
    } catch (RuntimeException e) {
      for (int i = startedParts.size() - 1; i >= 0; i--) {
        try {
          startedParts.get(i).run();
        } catch (RuntimeException stopFailed) {
          e.addSuppressed(stopFailed);
        }
      }
      store.close();
      throw e;
    }
  }

  /** Attribute names as the labels OTLP metrics carry them, then Loupe's own label. */
  private static List<String> labelNames(List<String> attributes, String loupeLabel) {
    List<String> out = new java.util.ArrayList<>();
    for (String a : attributes) out.add(OtlpMetricDecoder.sanitize(a));
    out.add(loupeLabel);
    return out;
  }

  /** Starts a server; {@code port 0} picks a free one (see {@link #port()}). */
  public static LoupeServer start(LoupeConfig config, Clock clock) {
    return new LoupeServer(config, clock);
  }

  public int port() {
    return app.port();
  }

  /** The address to reach this server on loopback. */
  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + port() + "/");
  }

  /** The store, for tests that check what was kept. */
  public Store store() {
    return store;
  }

  /** The port of the OTLP/gRPC receiver. */
  public int otlpGrpcPort() {
    return otlpGrpc.getPort();
  }

  /** The port of the OTLP/HTTP receiver. */
  public int otlpHttpPort() {
    return otlpHttp.port();
  }

  /** The scrape engine, so tests and tools can scrape on demand. */
  public ScrapeEngine scrapes() {
    return scrapes;
  }

  public LoupeConfig config() {
    return config;
  }

  /** Persists the minute rollups that closed or changed; the periodic job calls it every 10 s. */
  public int flushRollups() {
    List<InferenceRollup> changed = windows.takeChangedClosedMinutes(clock.millis() - ROLLUP_GRACE_MILLIS);
    if (!changed.isEmpty()) {
      store.upsertRollups(changed);
    }
    return changed.size();
  }

  /**
   * Evaluates the alerting rules now and stores their {@code ALERTS} samples; the periodic job
   * calls it every {@code rules.evaluation_interval}. The first call restores the {@code for} state.
   */
  public List<Sample> evaluateRules() {
    return alerting.evaluate();
  }

  /** Where alerts go after each evaluation (notifiers); no-op until set. */
  public void alertSink(AlertSink sink) {
    this.alertSink = java.util.Objects.requireNonNull(sink, "sink");
  }

  /** The rule engine, for its rules' status and alerts. */
  public RuleEngine ruleEngine() {
    return alerting.engine();
  }

  private void evaluateRulesLogged() {
    try {
      evaluateRules();
    } catch (RuntimeException e) {
      LOG.error("evaluating alerting rules failed; will retry", e);
    }
  }

  /** Applies the retention policy now; the periodic job calls it hourly. */
  public void applyRetention() {
    retention.run();
  }

  private void flushRollupsLogged() {
    try {
      flushRollups();
    } catch (RuntimeException e) {
      LOG.error("rolling up minute signals failed; will retry", e);
    }
  }

  private void retainLogged() {
    try {
      applyRetention();
    } catch (RuntimeException e) {
      LOG.error("retention failed; will retry", e);
    }
  }

  static RetentionPolicy retentionPolicy(LoupeConfig.Retention r) {
    Map<RecordType, java.time.Duration> m = new EnumMap<>(RecordType.class);
    m.put(RecordType.INFERENCE, r.inference());
    m.put(RecordType.LOG, r.log());
    m.put(RecordType.SCORE, r.score());
    m.put(RecordType.SAMPLE, r.sample());
    m.put(RecordType.SPAN, r.span());
    m.put(RecordType.DEPLOYMENT, r.deployment());
    m.put(RecordType.ROLLUP, r.rollup());
    return new RetentionPolicy(m);
  }

  @Override
  public void close() {
    ready = false;
    jobs.shutdownNow();
    scrapes.close();
    alerting.close();
    if (otlpHttp != null) otlpHttp.stop();
    if (otlpGrpc != null) otlpGrpc.shutdownNow();
    app.stop();
    try {
      flushRollups();
    } catch (RuntimeException e) {
      LOG.warn("final rollup flush failed; the minutes will be rebuilt from raw events", e);
    }
    store.close();
    LOG.info("Loupe stopped");
  }
}
