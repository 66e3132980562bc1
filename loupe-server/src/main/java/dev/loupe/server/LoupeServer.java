package dev.loupe.server;

import dev.loupe.api.AlertFamilies;
import dev.loupe.api.CostFamilies;
import dev.loupe.api.DerivedSignalsCollector;
import dev.loupe.api.HttpApi;
import dev.loupe.api.HttpListener;
import dev.loupe.auth.Authenticator;
import dev.loupe.auth.GrpcTokenInterceptor;
import dev.loupe.tls.TlsIdentity;
import io.grpc.TlsServerCredentials;
import javax.net.ssl.SSLContext;
import dev.loupe.api.InfrastructureSignalFamilies;
import dev.loupe.api.ModelSignalFamilies;
import dev.loupe.api.OtlpHttpApi;
import dev.loupe.dimension.HealthEvaluator;
import dev.loupe.dimension.compute.ComputeDimensionJudge;
import dev.loupe.dimension.compute.GpuFreshness;
import dev.loupe.dimension.data.DataDimensionJudge;
import dev.loupe.dimension.data.PipelineRuleSignals;
import dev.loupe.dimension.data.WatchedPipelines;
import dev.loupe.api.PipelineSignalFamilies;
import dev.loupe.dimension.compute.GpuRuleSignals;
import dev.loupe.dimension.cost.GpuSpend;
import dev.loupe.dimension.cost.InferencePricer;
import dev.loupe.dimension.cost.PriceCatalog;
import dev.loupe.ingest.CostEnricher;
import dev.loupe.model.CostSummary;
import dev.loupe.dimension.model.DeploymentLog;
import dev.loupe.model.InferenceRollup;
import dev.loupe.dimension.model.InferenceWindows;
import dev.loupe.dimension.model.ModelDimensionJudge;
import dev.loupe.dimension.network.NetworkDimensionJudge;
import dev.loupe.dimension.network.NetworkFreshness;
import dev.loupe.ingest.ConsumptionTracking;
import dev.loupe.ingest.ContentCapture;
import dev.loupe.ingest.SecurityIntake;
import dev.loupe.ingest.SecurityScanning;
import dev.loupe.dimension.security.ConsumptionSettings;
import dev.loupe.dimension.security.SecurityDimensionJudge;
import dev.loupe.ingest.IngestAdmission;
import dev.loupe.ingest.IngestMetrics;
import dev.loupe.dimension.model.quality.HeuristicScorer;
import dev.loupe.evaluate.EvaluationConfig;
import dev.loupe.evaluate.JudgeMetrics;
import dev.loupe.evaluate.LlmJudge;
import dev.loupe.ingest.IngestPipeline;
import dev.loupe.ingest.QualityEvaluation;
import dev.loupe.model.Batch;
import dev.loupe.ingest.ScoreAttachment;
import dev.loupe.ingest.events.JsonEventDecoder;
import dev.loupe.ingest.otlp.GenAiSpanMapping;
import dev.loupe.ingest.otlp.OtlpGrpcServices;
import dev.loupe.ingest.otlp.OtlpLogDecoder;
import dev.loupe.ingest.otlp.OtlpMetricDecoder;
import dev.loupe.dimension.model.ModelMetricReader;
import dev.loupe.ingest.otlp.OtlpTraceDecoder;
import dev.loupe.ingest.prometheus.remote.RemoteWriteDecoder;
import dev.loupe.ingest.prometheus.scrape.ScrapeEngine;
import dev.loupe.model.Alert;
import dev.loupe.model.Batch;
import dev.loupe.model.Sample;
import dev.loupe.notify.AlertDispatcher;
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
  /** How often retention runs: the most that data outlives its retention. */
  static final long RETENTION_EVERY_MINUTES = 5;
  /** Metric names the compute and network judges read, replayed from the store after a start. */
  static final List<String> METRIC_JUDGE_PREFIXES = List.of("DCGM_", "node_infiniband_", "probe_");
  /** Longer than the longest sustained condition (15 m of low training utilization). */
  static final java.time.Duration METRIC_JUDGE_HISTORY = java.time.Duration.ofMinutes(20);
  /** Most stored pipeline runs read back at a start (each pipeline keeps its last 8 weeks of them). */
  static final int PIPELINE_RUNS_REPLAYED = 200_000;
  /** How often the TLS files are checked for a replaced certificate. */
  static final java.time.Duration TLS_REFRESH = java.time.Duration.ofSeconds(1);

  private final LoupeConfig config;
  private final Clock clock;
  private final Store store;
  private final InferenceWindows windows;
  private final Javalin app;
  private final ScheduledExecutorService jobs;
  private final ScheduledExecutorService ruleJobs;
  private final RetentionJob retention;
  private final StoreVolume volume;
  private final ScrapeEngine scrapes;
  private final AlertDispatcher alerts;
  /** Volatile: ingest, which starts before it is made, hands it the batches it stores. */
  private volatile AlertingRules alerting;
  private volatile AlertSink alertSink = AlertSink.noop();
  private Javalin otlpHttp;
  private io.grpc.Server otlpGrpc;
  private TlsIdentity tls;
  private volatile boolean ready;
  private LlmJudge judge;
  private SecurityScanning scanning;
  private ConsumptionTracking consumption;

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
    this.volume = new StoreVolume(store, dataDir, clock);
    // What has started so far, stopped again if a later step fails, so a failed start leaks no port.
    List<Runnable> startedParts = new java.util.ArrayList<>();
    try {
      this.windows = new InferenceWindows(clock);
      DeploymentLog deployments = new DeploymentLog();
      HotSignalRebuild.run(store, windows, deployments, started, config.retention().deployment());

      PrometheusRegistry registry = new PrometheusRegistry();
      JvmMetrics.builder().register(registry);
      IngestMetrics metrics = new IngestMetrics(registry, clock);
      io.prometheus.metrics.core.metrics.CounterWithCallback.builder()
          .name("loupe_store_unreadable_rows_total")
          .help("Stored rows skipped by reads since the start because they no longer make a valid record, by table.")
          .labelNames("table")
          .callback(cb -> store.unreadableRows().forEach((table, n) -> cb.call(n, table)))
          .register(registry);
      // The security detectors read every inference's text before the capture policy applies.
      this.scanning = SecurityScanning.start(config.security().settings(), store.security(), clock,
          config.security().scanQueue());
      startedParts.add(scanning::close);
      scanning.register(registry);
      LoupeConfig.Capture keep = config.ingest().capture();
      ContentCapture capture = new ContentCapture(keep.defaultPrompts(), keep.defaultCompletions(), keep.deployments(),
          scanning::redact);
      this.consumption = new ConsumptionTracking(store.security(), ConsumptionSettings.DEFAULTS, clock);
      SecurityIntake security = new SecurityIntake(capture, scanning, consumption);
      ComputeDimensionJudge compute =
          new ComputeDimensionJudge(GpuFreshness.DEFAULTS, config.compute().classifier(), started);
      NetworkDimensionJudge network =
          new NetworkDimensionJudge(NetworkFreshness.DEFAULTS, config.network().matchers(), started);
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
      ScoreAttachment scoreAttachment = new ScoreAttachment(store, clock);
      ReportingSources sources = new ReportingSources(windows, config.network().matchers());
      CostReports costs = costReports(config, store, started);
      WatchedPipelines pipelines = new WatchedPipelines(config.data().specs(), config.data().indexAttributes(),
          config.data().zone(), started);
      pipelines.log().add(store.pipelineRuns(started - config.retention().pipelineRun().toMillis(), Long.MAX_VALUE,
          PIPELINE_RUNS_REPLAYED));
      IngestPipeline pipeline = new IngestPipeline(store, windows, deployments, capture, security, metrics,
          sampleObservers, scoreAttachment, costs.enricher(), (origin, batch) -> {
            sources.observe(origin, batch);
            pipelines.observe(batch);
            // Made further down; batches stored before it exist are replayed by its first evaluation.
            AlertingRules engine = this.alerting;
            if (engine != null) engine.observe(batch);
          }, qualityEvaluation(config.evaluation(), registry, startedParts));
      IngestAdmission admission = new IngestAdmission(config.ingest().maxInFlightRequests(),
          config.ingest().maxInFlightBodyBytes(), config.ingest().bodyReadTimeout());
      admission.register(registry);
      JsonEventDecoder decoder =
          new JsonEventDecoder(
              new TimestampAdmission(clock, config.ingest().maxFuture(), config.retention().inference()),
              new TimestampAdmission(clock, config.ingest().maxFuture(), config.retention().pipelineRun()));

      // Health reads the rule engine's last evaluation; the engine is made further down.
      HealthEvaluator health = new HealthEvaluator(clock,
          List.of(new ModelDimensionJudge(windows, started), compute, network,
              costs.judge(compute, clock, started), new DataDimensionJudge(pipelines),
              new SecurityDimensionJudge(security::lastObservedMillis, started)), this::ruleStatus);

      TimestampAdmission sampleAdmission =
          new TimestampAdmission(clock, config.ingest().maxFuture(), config.retention().sample());
      this.scrapes = new ScrapeEngine(config.scrapeConfigs(), clock,
          batch -> pipeline.accept(batch, IngestPipeline.Origin.SCRAPE), 2);
      List<String> exported = new java.util.ArrayList<>(ModelSignalFamilies.NAMES);
      exported.addAll(InfrastructureSignalFamilies.NAMES);
      exported.addAll(AlertFamilies.NAMES);
      exported.addAll(StoreVolume.familyNames());
      exported.add(SilenceSignals.NAME);
      exported.addAll(CostFamilies.NAMES);
      exported.addAll(PipelineSignalFamilies.NAMES);
      exported.addAll(IngestRejectionSignals.NAMES);
      this.alerting = new AlertingRules(config.rules(), rules, store, ruleInputs, deployments, config.limits(),
          config.compute().classifier(), network, sources, costs, pipelines, metrics.recent(), clock,
          alerts -> alertSink.accept(alerts));
      startedParts.add(alerting::close);
      GenAiSpanMapping genAi = new GenAiSpanMapping(otlp.modelVersionAttributes(), otlp.deploymentAttributes());
      registry.register(new DerivedSignalsCollector(exported, List.of(
          () -> ModelSignalFamilies.model(windows),
          () -> CostFamilies.spend(costs.enricher()),
          () -> ModelSignalFamilies.health(health),
          () -> InfrastructureSignalFamilies.compute(compute, alerting.engine().alerts(), clock.millis()),
          () -> InfrastructureSignalFamilies.network(network, alerting.engine().alerts(), clock.millis()),
          () -> AlertFamilies.of(alerting.engine().alerts()),
          () -> volume.families(config.limits().telemetry()),
          () -> SilenceSignals.families(sources, clock.millis()),
          () -> PipelineSignalFamilies.families(new PipelineRuleSignals((s, f, t) -> List.of(), pipelines),
              clock.millis()),
          () -> IngestRejectionSignals.families(metrics.recent(), clock.millis()))));
      this.retention = new RetentionJob(store, retentionPolicy(config.retention()), clock);
      String host = ListenAddress.host(config.server(), config.auth());
      Authenticator auth = authenticator(config.auth());
      LoupeConfig.Tls tlsFiles = config.server().tls();
      if (tlsFiles != null) {
        try {
          this.tls = TlsIdentity.load(Path.of(tlsFiles.certFile()), Path.of(tlsFiles.keyFile()), TLS_REFRESH);
        } catch (IllegalArgumentException e) {
          throw new ConfigException("config", 0, 0, "server.tls", e.getMessage());
        }
        startedParts.add(tls::close);
      }
      SSLContext sslContext = tls == null ? null : tls.sslContext();
      this.app =
          HttpApi.create(
              new HttpApi.Parts(store, pipeline, decoder, metrics, health, windows, registry, () -> ready,
                  config.ingest().maxBodyBytes(), clock,
                  new RemoteWriteDecoder(sampleAdmission, 8 * config.ingest().maxBodyBytes()), scrapes::targets,
                  compute, network, genAi, admission, alerting, scoreAttachment, deployments,
                  config.evaluation().drift().criteria(), costs, pipelines),
              auth, new HttpListener(host, config.server().port(), sslContext));
      app.start();
      startedParts.add(app::stop);
      // TODO(lead): pass rules.evaluation_interval once the rule engine's config is merged.
      this.alerts = AlertDispatcher.open(
          config.alerting().settings(externalUrl(config.server(), app.port()), config.rules()),
          dataDir, clock, registry);
      startedParts.add(alerts::close);
      alerts.start();
      this.alertSink = alerts.consumer()::accept;
      this.jobs = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loupe-jobs");
        t.setDaemon(true);
        return t;
      });
      jobs.scheduleWithFixedDelay(this::flushRollupsLogged, 10, 10, TimeUnit.SECONDS);
      // Every 5 minutes, so data outlives its retention by at most that; with nothing to delete,
      // DuckDB can skip row groups by the min/max of the time column (not benchmarked).
      jobs.scheduleWithFixedDelay(this::retainLogged, 1, RETENTION_EVERY_MINUTES, TimeUnit.MINUTES);
      jobs.scheduleWithFixedDelay(this::attachScoresLogged, 1, 1, TimeUnit.MINUTES);
      // Off the ingest path: the data directory's size and the writer's counts, once a minute
      // (the first a minute after the start, so its records per day cover a minute of writes).
      jobs.scheduleWithFixedDelay(this::measureStoreVolumeLogged, 1, 1, TimeUnit.MINUTES);
      jobs.scheduleWithFixedDelay(this::checkConsumptionLogged, 30, 30, TimeUnit.SECONDS);
      startedParts.add(jobs::shutdownNow);
      // Its own thread: an evaluation waits up to the interval for slow rule queries, and must not
      // hold back the rollup flush or retention.
      this.ruleJobs = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loupe-rules");
        t.setDaemon(true);
        return t;
      });
      long every = config.rules().evaluationInterval().toMillis();
      ruleJobs.scheduleAtFixedRate(this::evaluateRulesLogged, every, every, TimeUnit.MILLISECONDS);
      startedParts.add(ruleJobs::shutdownNow);
      // The same time admission as the JSON endpoints and remote_write, each against its own retention.
      OtlpTraceDecoder traces = new OtlpTraceDecoder(genAi,
          new TimestampAdmission(clock, config.ingest().maxFuture(), config.retention().span()));
      OtlpLogDecoder otlpLogs =
          new OtlpLogDecoder(new TimestampAdmission(clock, config.ingest().maxFuture(), config.retention().log()));
      OtlpMetricDecoder otlpMetrics =
          new OtlpMetricDecoder(otlp.modelVersionAttributes(), otlp.deploymentAttributes(), sampleAdmission);
      this.otlpHttp = OtlpHttpApi.create(
          traces, otlpLogs, otlpMetrics, pipeline, metrics, config.ingest().maxBodyBytes(), admission,
          auth, new HttpListener(host, config.otlp().httpPort(), sslContext));
      otlpHttp.start();
      startedParts.add(otlpHttp::stop);
      try {
        // grpc-java answers a larger message itself: RESOURCE_EXHAUSTED without a retry delay.
        java.net.InetSocketAddress grpcAddress = new java.net.InetSocketAddress(host, config.otlp().grpcPort());
        NettyServerBuilder grpc = (tls == null
            ? NettyServerBuilder.forAddress(grpcAddress)
            : NettyServerBuilder.forAddress(grpcAddress, TlsServerCredentials.newBuilder().keyManager(tls.keyManager()).build()))
            .intercept(new GrpcTokenInterceptor(auth))
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
      logListeners(auth);
      LOG.info("Loupe ready with data in {}", dataDir.toAbsolutePath());
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

  /**
   * The built-in evaluators (unless {@code evaluation.heuristics.enabled} is false) and the LLM
   * judge when enabled; the judge's worker stops with the server. Its scores, already tied to
   * their inference, go straight to the store.
   */
  private QualityEvaluation qualityEvaluation(EvaluationConfig config, PrometheusRegistry registry,
      List<Runnable> startedParts) {
    HeuristicScorer scorer = !config.heuristics().enabled() ? null
        : new HeuristicScorer(config.heuristics().settings(),
            e -> LOG.warn("a built-in quality evaluator failed; the inference keeps its other scores", e));
    LlmJudge judge = LlmJudge.start(config.judge(), clock, new JudgeMetrics(registry),
        score -> store.append(Batch.ofScores(List.of(score))), System::getenv);
    startedParts.add(judge::close);
    this.judge = judge;
    return new QualityEvaluation(scorer, judge.enabled() ? judge : null);
  }

  /**
   * The price catalog in force (a bad price file stops the start, naming it), the ingest step
   * that prices each inference once, and the reports the cost endpoints and rules read.
   */
  private static CostReports costReports(LoupeConfig config, Store store, long started) {
    PriceCatalog catalog = PriceCatalogFile.load(config.prices());
    CostEnricher enricher = config.prices().enabled() ? new CostEnricher(new InferencePricer(catalog)) : CostEnricher.OFF;
    // Whether spend was known just before a restart: the cost tile has data at once.
    for (CostSummary s : store.costSummary(started - CostReports.HOUR, started + 1, List.of(), List.of())) {
      if (s.lastPricedMillis() != null) enricher.pricedBefore(s.lastPricedMillis());
    }
    return new CostReports(store, catalog, enricher, config.budgets(),
        new GpuRuleSignals(new StoreSignalSource(store), config.compute().classifier()), GpuSpend.IDLE_BELOW);
  }

  private static Authenticator authenticator(dev.loupe.auth.AuthConfig auth) {
    try {
      return Authenticator.of(auth);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config", 0, 0, "auth.tokens_file", e.getMessage());
    }
  }

  /** Every listener with the address it is really bound to, and who may use it. */
  private void logListeners(Authenticator auth) {
    String scheme = tls == null ? "http" : "https";
    LOG.info("HTTP API, page and /metrics listening on {}://{}", scheme, text(HttpListener.boundAddress(app)));
    LOG.info("OTLP/HTTP listening on {}://{}", scheme, text(HttpListener.boundAddress(otlpHttp)));
    for (java.net.SocketAddress a : otlpGrpc.getListenSockets()) {
      LOG.info("OTLP/gRPC listening on {}{}", tls == null ? "" : "TLS ", text((java.net.InetSocketAddress) a));
    }
    if (auth.enabled()) {
      LOG.info("every request needs a token (auth.tokens); /healthz and /readyz are open");
    } else if (config.auth().allowAnonymous()) {
      LOG.warn("no auth.tokens and auth.allow_anonymous is true: anyone who reaches these addresses can read and write");
    } else {
      LOG.info("no auth.tokens configured: listening on loopback only; set auth.tokens to listen on other addresses");
    }
  }

  private static String text(java.net.InetSocketAddress a) {
    java.net.InetAddress ip = a.getAddress();
    if (ip != null && ip.isAnyLocalAddress()) {
      // The JVM binds 0.0.0.0 as the dual-stack [::] where it can: both mean every interface.
      return (ip instanceof java.net.Inet6Address ? "[::]" : "0.0.0.0") + ":" + a.getPort() + " (every interface)";
    }
    String host = ip == null ? a.getHostString() : ip.getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
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

  /** The address to reach this server on: its bound address, or loopback when bound to every interface. */
  public URI baseUri() {
    java.net.InetSocketAddress bound = HttpListener.boundAddress(app);
    java.net.InetAddress ip = bound.getAddress();
    String host = ip == null || ip.isAnyLocalAddress() ? "127.0.0.1" : ip.getHostAddress();
    return URI.create((tls == null ? "http" : "https") + "://" + (host.contains(":") ? "[" + host + "]" : host)
        + ":" + port() + "/");
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

  /** Where the rule engine hands each evaluation's alerts, for notifications. */
  public Consumer<List<Alert>> alertNotifications() {
    return alerts.consumer();
  }

  /** The notification dispatcher, for tests that drive it. */
  public AlertDispatcher alertDispatcher() {
    return alerts;
  }

  /** {@code server.external_url}, or {@code http://<hostname>:<port>} as Prometheus defaults it. */
  static URI externalUrl(LoupeConfig.Server s, int port) {
    if (s.externalUrl() != null) return s.externalUrl();
    String host = s.host() == null ? "" : s.host();
    if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.net.UnknownHostException e) {
        host = "localhost";
      }
    }
    return URI.create((s.tls() == null ? "http://" : "https://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
  }

  /** Persists the minute rollups that closed or changed; the periodic job calls it every 10 s. */
  public synchronized int flushRollups() {
    List<InferenceRollup> changed = windows.takeChangedClosedMinutes(clock.millis() - ROLLUP_GRACE_MILLIS);
    if (!changed.isEmpty()) {
      store.upsertRollups(changed);
    }
    // After the replacements above: a late sum adds to whatever the minute holds once they are in.
    List<InferenceRollup> late = windows.takeLateMinutes();
    if (!late.isEmpty()) {
      store.upsertRollups(LateRollupMerge.mergedWithStored(store, late));
    }
    return changed.size() + late.size();
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

  /** Each rule's status as of the last evaluation; none before the engine exists. */
  private List<dev.loupe.rule.RuleStatus> ruleStatus() {
    AlertingRules a = alerting;
    return a == null ? List.of() : a.engine().status();
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

  /**
   * Measures the store's volume now (bytes of the data directory, records per day) and stores it
   * as samples for the data rules; the periodic job calls it every minute.
   */
  public List<Sample> measureStoreVolume() {
    List<Sample> samples = volume.measure();
    store.append(Batch.ofSamples(samples));
    return samples;
  }

  private void measureStoreVolumeLogged() {
    try {
      measureStoreVolume();
    } catch (RuntimeException e) {
      LOG.error("measuring the store's volume failed; will retry", e);
    }
  }

  /** Applies the retention policy now; the periodic job calls it every {@value #RETENTION_EVERY_MINUTES} minutes. */
  public void applyRetention() {
    retention.run();
    // Findings, scan counts and usage hours are kept as long as the inferences they are about.
    store.security().deleteOlderThan(clock.millis() - config.retention().inference().toMillis());
  }

  /**
   * Stores usage per key, user and tenant, judges it against each one's baseline and the day's
   * spend; the periodic job calls it every 30 s. Returns the new findings.
   */
  public List<dev.loupe.store.StoredFinding> checkConsumption() {
    return consumption.check();
  }

  private void checkConsumptionLogged() {
    try {
      checkConsumption();
    } catch (RuntimeException e) {
      LOG.error("checking consumption per key, user and tenant failed; will retry", e);
    }
  }

  /** Waits until the security detectors have scanned what was queued; false when {@code timeout} passed first. */
  public boolean awaitSecurityScans(java.time.Duration timeout) throws InterruptedException {
    return scanning.awaitIdle(timeout);
  }

  private void flushRollupsLogged() {
    try {
      flushRollups();
    } catch (RuntimeException e) {
      LOG.error("rolling up minute signals failed; will retry", e);
    }
  }

  /**
   * Ties the scores of the last {@link #SCORE_ATTACH_HORIZON} that arrived before their inference
   * to it, now that it may be stored; the periodic job calls it every minute.
   */
  public long attachScores() {
    return store.attachScores(clock.millis() - SCORE_ATTACH_HORIZON.toMillis());
  }

  /** How long a score waits for the inference it judges to arrive. */
  static final java.time.Duration SCORE_ATTACH_HORIZON = java.time.Duration.ofHours(24);

  private void attachScoresLogged() {
    try {
      attachScores();
    } catch (RuntimeException e) {
      LOG.error("attaching scores to their inferences failed; will retry", e);
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
    m.put(RecordType.PIPELINE_RUN, r.pipelineRun());
    return new RetentionPolicy(m);
  }

  @Override
  public void close() {
    ready = false;
    jobs.shutdownNow();
    ruleJobs.shutdownNow();
    scrapes.close();
    alerting.close();
    if (otlpHttp != null) otlpHttp.stop();
    if (otlpGrpc != null) otlpGrpc.shutdownNow();
    app.stop();
    if (tls != null) tls.close();
    alerts.close();
    judge.close();
    scanning.close();
    try {
      consumption.check();
    } catch (RuntimeException e) {
      LOG.warn("the last usage hours could not be stored; they are counted again from new traffic", e);
    }
    try {
      flushRollups();
    } catch (RuntimeException e) {
      LOG.warn("final rollup flush failed; the minutes will be rebuilt from raw events", e);
    }
    store.close();
    LOG.info("Loupe stopped");
  }
}
