package dev.loupe.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.api.RuleApi;
import dev.loupe.dimension.compute.GpuRuleSignals;
import dev.loupe.dimension.compute.WorkloadClassifier;
import dev.loupe.dimension.data.PipelineRuleSignals;
import dev.loupe.dimension.data.WatchedPipelines;
import dev.loupe.ingest.RecentIngestCounts;
import dev.loupe.dimension.model.DeploymentLog;
import dev.loupe.dimension.network.NetworkDimensionJudge;
import dev.loupe.dimension.network.NetworkRuleSignals;
import dev.loupe.model.Batch;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.Sample;
import dev.loupe.model.SeriesSelector;
import dev.loupe.rule.AlertSink;
import dev.loupe.rule.Backtest;
import dev.loupe.rule.Rule;
import dev.loupe.rule.RuleEngine;
import dev.loupe.rule.SampleSignals;
import dev.loupe.rule.SignalSource;
import dev.loupe.stats.PageHinkleyParameters;
import dev.loupe.rule.VersionHistory;
import dev.loupe.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The server's side of alerting: the rule engine over the store, each rule's query on a small
 * pool with the evaluation interval as its time budget, the {@code ALERTS} samples stored after
 * each evaluation, and backtests of posted rules.
 */
final class AlertingRules implements RuleApi, AutoCloseable {
  /** Threads running rule queries; a stuck query holds one of them until it returns. */
  static final int QUERY_THREADS = 2;

  private final RulesConfig config;
  private final Store store;
  private final Clock clock;
  private final SignalSource source;
  private final QualityTrendSignals trends;
  private final VersionHistory versions;
  private final ExecutorService queries;
  private final RuleEngine engine;

  /** Without cost signals (no budgets, nothing priced). */
  AlertingRules(RulesConfig config, List<Rule> rules, Store store, RecentSamples recent, DeploymentLog deployments,
      LoupeConfig.Limits limits, WorkloadClassifier classifier, NetworkDimensionJudge network,
      ReportingSources sources, Clock clock, AlertSink sink) {
    this(config, rules, store, recent, deployments, limits, classifier, network, sources, CostReports.off(store), clock,
        sink);
  }

  AlertingRules(RulesConfig config, List<Rule> rules, Store store, RecentSamples recent, DeploymentLog deployments,
      LoupeConfig.Limits limits, WorkloadClassifier classifier, NetworkDimensionJudge network,
      ReportingSources sources, CostReports costs, Clock clock, AlertSink sink) {
    this(config, rules, store, recent, deployments, limits, classifier, network, sources, costs,
        new WatchedPipelines(List.of(), List.of(), java.time.ZoneOffset.UTC, clock.millis()),
        new RecentIngestCounts(clock), clock, sink);
  }

  /** {@code pipelines} and {@code ingest} feed the data dimension's signals. */
  AlertingRules(RulesConfig config, List<Rule> rules, Store store, RecentSamples recent, DeploymentLog deployments,
      LoupeConfig.Limits limits, WorkloadClassifier classifier, NetworkDimensionJudge network,
      ReportingSources sources, CostReports costs, WatchedPipelines pipelines, RecentIngestCounts ingest, Clock clock,
      AlertSink sink) {
    this.config = config;
    this.store = store;
    this.clock = clock;
    // The GPU and network signals of the pack are derived from the exporters' raw series at query
    // time; the network judge knows which ports were ACTIVE before the range a rule reads.
    SignalSource gpus = new GpuRuleSignals(new LimitSignals(new StoreSignalSource(store, recent), limits), classifier);
    SignalSource infrastructure = new NetworkRuleSignals(gpus, network.probeSelector(), network::firstActiveMillis);
    // The data dimension's pipelines and Loupe's own rejected records, computed at query time.
    SignalSource data = new IngestRejectionSignals(new PipelineRuleSignals(infrastructure, pipelines), ingest);
    this.trends = new QualityTrendSignals(new SilenceSignals(data, sources), store,
        PageHinkleyParameters.standardised());
    this.source = new SecuritySignals(
        new CostRuleSignals(new VersionRegressionSignals(trends, store, deployments), costs), store.security());
    this.versions = new DeploymentVersionHistory(deployments);
    this.queries = Executors.newFixedThreadPool(QUERY_THREADS, r -> {
      Thread t = new Thread(r, "loupe-rule-query");
      t.setDaemon(true);
      return t;
    });
    RuleEngine.Settings settings = RuleEngine.Settings.DEFAULTS
        .withRestore(config.forOutageTolerance(), config.forGracePeriod())
        .withExecutor(queries, config.evaluationInterval());
    this.engine = new RuleEngine(rules, source, versions, sink, settings);
  }

  /** Sees every stored batch: late scores make the quality streams replay their history. */
  void observe(dev.loupe.model.Batch stored) {
    if (!stored.scores().isEmpty()) trends.observe(stored.scores());
  }

  /** One evaluation now; its {@code ALERTS} samples are stored before this returns. */
  List<Sample> evaluate() {
    List<Sample> samples = engine.evaluate(clock.millis());
    if (!samples.isEmpty()) store.append(Batch.ofSamples(samples));
    return samples;
  }

  @Override
  public RuleEngine engine() {
    return engine;
  }

  @Override
  public Duration evaluationInterval() {
    return config.evaluationInterval();
  }

  @Override
  public List<Rule> parse(String body) {
    try {
      JsonNode tree = ConfigLoader.read(body, "body", JsonNode.class, null);
      if (tree == null || tree.isNull() || tree.isMissingNode()) throw new IllegalArgumentException("no rule in the body");
      if (tree.isObject() && tree.has("groups")) {
        List<Rule> out = new ArrayList<>();
        for (RulesConfig.RuleGroup g : RuleFiles.parse(body, "body").groups()) {
          for (RulesConfig.RuleSpec r : g.rules()) out.add(r.toRule());
        }
        return out;
      }
      if (tree.isArray()) {
        return Arrays.stream(ConfigLoader.read(body, "body", RulesConfig.RuleSpec[].class, new RulesConfig.RuleSpec[0]))
            .map(RulesConfig.RuleSpec::toRule).toList();
      }
      return List.of(ConfigLoader.read(body, "body", RulesConfig.RuleSpec.class, null).toRule());
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  @Override
  public Backtest.Result backtest(Rule rule, long fromMillis, long toMillis, Duration interval) {
    // Read the inputs once for the whole range instead of once per evaluation.
    long lookback = rule.lookback().toMillis();
    long preloadFrom = fromMillis - lookback;
    List<Sample> samples = new ArrayList<>();
    for (String input : rule.inputs()) {
      SeriesSelector all = new SeriesSelector(input, List.of());
      for (RangeSeries s : source.range(all, preloadFrom, toMillis)) {
        java.util.Map<String, String> labels = new java.util.TreeMap<>(s.labels());
        labels.remove("__name__");
        for (RangeSeries.Point p : s.points()) samples.add(new Sample(input, labels, p.timeMillis(), p.value()));
      }
    }
    SampleSignals preloaded = new SampleSignals(samples);
    SignalSource history = (selector, from, to) ->
        from >= preloadFrom && to <= toMillis ? preloaded.range(selector, from, to) : source.range(selector, from, to);
    return Backtest.run(rule, history, versions, fromMillis, toMillis, interval);
  }

  @Override
  public void close() {
    queries.shutdownNow();
  }
}
