package dev.loupe.api;

import dev.loupe.auth.Authenticator;
import dev.loupe.dimension.HealthEvaluator;
import dev.loupe.dimension.compute.ComputeDimensionJudge;
import dev.loupe.dimension.data.WatchedPipelines;
import dev.loupe.dimension.model.DeploymentLog;
import dev.loupe.dimension.model.InferenceWindows;
import dev.loupe.dimension.network.NetworkDimensionJudge;
import dev.loupe.ingest.IngestAdmission;
import dev.loupe.ingest.IngestMetrics;
import dev.loupe.ingest.GroundTruthScores;
import dev.loupe.ingest.IngestPipeline;
import dev.loupe.ingest.ScoreAttachment;
import dev.loupe.ingest.events.JsonEventDecoder;
import dev.loupe.ingest.otlp.GenAiSpanMapping;
import dev.loupe.ingest.prometheus.remote.RemoteWriteDecoder;
import dev.loupe.ingest.prometheus.scrape.TargetHealth;
import dev.loupe.store.Store;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP surface on port 9710: ingest, read API, health, {@code /metrics}, probes and the page. */
public final class HttpApi {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

  /** What the routes need from the rest of the server. */
  public record Parts(
      Store store,
      IngestPipeline pipeline,
      JsonEventDecoder decoder,
      IngestMetrics metrics,
      HealthEvaluator health,
      InferenceWindows windows,
      PrometheusRegistry registry,
      BooleanSupplier ready,
      long maxBodyBytes,
      Clock clock,
      RemoteWriteDecoder remoteWrite,
      Supplier<List<TargetHealth>> targets,
      ComputeDimensionJudge compute,
      NetworkDimensionJudge network,
      GenAiSpanMapping genAi,
      IngestAdmission admission,
      RuleApi rules,
      ScoreAttachment scores,
      DeploymentLog deployments,
      Map<String, dev.loupe.stats.DriftCriterion> driftCriteria,
      CostApi costs,
      WatchedPipelines pipelines) {}

  private HttpApi() {}

  /** Creates (does not start: {@code start()} binds {@code listener}) the app, every route behind {@code auth}. */
  public static Javalin create(Parts p, Authenticator auth, HttpListener listener) {
    return Javalin.create(config -> {
      listener.bind(config);
      configure(config, p, auth);
    });
  }

  private static void configure(JavalinConfig config, Parts p, Authenticator auth) {
    config.startup.showJavalinBanner = false;
    config.startup.showOldJavalinVersionWarning = false;
    // Ingest bodies are read by BodyReader with our own limit and 413 answer.
    config.http.maxRequestSize = Long.MAX_VALUE;
    config.staticFiles.add(
        sf -> {
          sf.hostedPath = "/";
          sf.directory = "/ui";
          sf.location = Location.CLASSPATH;
        });
    var r = config.routes;
    r.before(HttpAccess.api(auth));
    GroundTruthScores labels = new GroundTruthScores(p.scores());
    for (JsonEventDecoder.Kind kind : JsonEventDecoder.Kind.values()) {
      r.post(kind.path(), new IngestHandler(kind, p.decoder(), p.pipeline(), p.metrics(), p.maxBodyBytes(),
          p.admission(), kind == JsonEventDecoder.Kind.LABELS ? labels::resolve : d -> d));
    }
    r.post("/api/v1/write", new RemoteWriteHandler(p.remoteWrite(), p.pipeline(), p.metrics(), p.maxBodyBytes(), p.admission()));
    r.get("/api/v1/targets", new TargetsHandler(p.targets()));
    InfrastructureHandler infrastructure = new InfrastructureHandler(p.compute(), p.network(), p.clock(),
        () -> p.rules().engine().alerts());
    r.get("/api/v1/gpus", infrastructure::gpus);
    TracesHandler traces = new TracesHandler(p.store(), p.genAi(), p.clock());
    r.get("/api/v1/traces", traces::list);
    r.get("/api/v1/traces/{traceId}", traces::one);
    r.get("/api/v1/network", infrastructure::network);
    r.get("/api/v1/pipelines", new PipelinesHandler(p.pipelines(), p.metrics().recent(), p.clock(),
        () -> p.rules().engine().alerts())::handle);
    r.get("/api/v1/pipelines/{name}/runs", new PipelineRunsHandler(p.store(), p.clock())::handle);
    Store store = p.store();
    RecordsHandler allInferences = new RecordsHandler(
        (from, to, limit) -> store.inferences(from, to, limit).stream().map(RecordJson::of).toList(), p.clock());
    r.get("/api/v1/inferences", ctx -> {
      String tenant = HttpAccess.principal(ctx).tenant();
      if (tenant == null) {
        allInferences.handle(ctx);
      } else {
        new RecordsHandler((from, to, limit) -> store.inferencesOfTenant(from, to, limit, tenant).stream()
            .map(RecordJson::of).toList(), p.clock()).handle(ctx);
      }
    });
    r.get("/api/v1/deployments", new RecordsHandler(
        (from, to, limit) -> store.deployments(from, to).stream().limit(limit).map(RecordJson::of).toList(), p.clock()));
    r.get("/api/v1/logs", new RecordsHandler(
        (from, to, limit) -> store.logs(from, to, limit).stream().map(RecordJson::of).toList(), p.clock()));
    r.get("/api/v1/scores", new RecordsHandler(
        (from, to, limit) -> store.scores(from, to, limit).stream().map(RecordJson::of).toList(), p.clock()));
    r.get("/api/v1/scores/summary", new ScoreSummaryHandler(store, p.clock()));
    r.get("/api/v1/findings", new FindingsHandler(store.security(), p.clock()));
    r.get("/api/v1/drift", new DriftHandler(store, p.deployments(), p.clock(), p.driftCriteria())::handle);
    r.get("/api/v1/versions/compare", new VersionCompareHandler(store, p.deployments(), p.clock())::handle);
    CostHandler cost = new CostHandler(store, p.costs(), p.clock());
    r.get("/api/v1/cost", cost::spend);
    r.get("/api/v1/cost/gpus", cost::gpus);
    r.get("/api/v1/budgets", cost::budgets);
    r.get("/api/v1/prices", cost::prices);
    r.get("/api/v1/health", new HealthHandler(p.health()));
    RulesHandler rules = new RulesHandler(p.rules(), p.clock());
    r.get("/api/v1/rules", rules::rules);
    r.post("/api/v1/rules/test", rules::test);
    r.get("/api/v1/alerts", rules::alerts);
    r.get("/api/v1/signals/query_range", new QueryRangeHandler(store));
    r.get("/api/v1/signals", new HotSignalsHandler(p.windows()));
    r.get("/metrics", new MetricsHandler(p.registry()));
    r.get("/healthz", ctx -> ctx.contentType("text/plain").result("ok\n"));
    r.get("/readyz", ctx -> {
      boolean ready = p.ready().getAsBoolean();
      ctx.status(ready ? 200 : 503).contentType("text/plain")
          .result(ready ? "ready: store open, schema version " + store.schemaVersion() + "\n" : "not ready\n");
    });
    r.exception(Exception.class, (e, ctx) -> {
      LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
      ApiJson.error(ctx, 500, "internal error: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()), List.of());
    });
    r.error(404, "*", ctx -> {
      // A handler's own 404 (an unknown trace) keeps its answer; only unmatched paths get this one.
      if (ctx.path().startsWith("/api/") && ctx.endpoints().matchedHttpEndpoint() == null) {
        ApiJson.write(ctx, 404, Map.of("error", "no such endpoint: " + ctx.method() + " " + ctx.path(),
            "details", List.of()));
      }
    });
  }
}
