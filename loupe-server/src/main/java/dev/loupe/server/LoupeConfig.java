package dev.loupe.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.loupe.auth.AuthConfig;
import dev.loupe.dimension.compute.WorkloadClass;
import dev.loupe.dimension.compute.WorkloadClassRule;
import dev.loupe.dimension.compute.WorkloadClassifier;
import dev.loupe.ingest.otlp.GenAiSpanMapping;
import dev.loupe.model.LabelMatcher;
import dev.loupe.model.SeriesSelector;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything {@code loupe.yml} can set. Every field has a default, so an empty file (or none) is
 * a working config. Keys are snake_case, as written in the file.
 */
public record LoupeConfig(
    Server server,
    Ingest ingest,
    Retention retention,
    Health health,
    ScrapeConfig.Global global,
    @JsonProperty("scrape_configs") List<ScrapeConfig> scrapeConfigs,
    Compute compute,
    Network network,
    Otlp otlp,
    AuthConfig auth,
    AlertingConfig alerting,
    RulesConfig rules,
    Limits limits,
    dev.loupe.evaluate.EvaluationConfig evaluation,
    PricesConfig prices,
    List<BudgetSpec> budgets,
    DataConfig data,
    SecurityConfig security) {
  public static final LoupeConfig DEFAULTS = new LoupeConfig(
      null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);

  /** A config without a {@code data:} or {@code security:} section. */
  public LoupeConfig(Server server, Ingest ingest, Retention retention, Health health, ScrapeConfig.Global global,
      List<ScrapeConfig> scrapeConfigs, Compute compute, Network network, Otlp otlp, AuthConfig auth,
      AlertingConfig alerting, RulesConfig rules, Limits limits, dev.loupe.evaluate.EvaluationConfig evaluation,
      PricesConfig prices, List<BudgetSpec> budgets) {
    this(server, ingest, retention, health, global, scrapeConfigs, compute, network, otlp, auth, alerting, rules, limits,
        evaluation, prices, budgets, null, null);
  }

  /** A config without a {@code security:} section. */
  public LoupeConfig(Server server, Ingest ingest, Retention retention, Health health, ScrapeConfig.Global global,
      List<ScrapeConfig> scrapeConfigs, Compute compute, Network network, Otlp otlp, AuthConfig auth,
      AlertingConfig alerting, RulesConfig rules, Limits limits, dev.loupe.evaluate.EvaluationConfig evaluation,
      PricesConfig prices, List<BudgetSpec> budgets, DataConfig data) {
    this(server, ingest, retention, health, global, scrapeConfigs, compute, network, otlp, auth, alerting, rules, limits,
        evaluation, prices, budgets, data, null);
  }

  @com.fasterxml.jackson.annotation.JsonCreator
  public LoupeConfig {
    server = server == null ? new Server(null, null, null) : server;
    auth = auth == null ? AuthConfig.NONE : auth;
    alerting = alerting == null ? new AlertingConfig(null, null, null, null) : alerting;
    ingest = ingest == null ? new Ingest(null, null, null, null, null, null) : ingest;
    retention = retention == null ? new Retention(null, null, null, null, null, null, null) : retention;
    health = health == null ? new Health(null, null, null, null) : health;
    global = global == null ? new ScrapeConfig.Global(null, null, null) : global;
    compute = compute == null ? new Compute(null, null) : compute;
    network = network == null ? new Network(null) : network;
    otlp = otlp == null ? new Otlp(null, null, null, null) : otlp;
    rules = rules == null ? RulesConfig.DEFAULTS : rules;
    limits = limits == null ? new Limits(null, null) : limits;
    data = data == null ? DataConfig.DEFAULTS : data;
    evaluation = evaluation == null ? dev.loupe.evaluate.EvaluationConfig.DEFAULTS : evaluation;
    prices = prices == null ? PricesConfig.DEFAULTS : prices;
    budgets = budgets == null ? List.of() : List.copyOf(budgets);
    Set<String> budgetNames = new HashSet<>();
    for (int i = 0; i < budgets.size(); i++) {
      if (!budgetNames.add(budgets.get(i).name())) {
        throw new ConfigValueException("budgets[" + i + "].name", "budget name '" + budgets.get(i).name()
            + "' is used twice; each budget needs a name of its own (alerts name it)");
      }
    }
    security = security == null ? SecurityConfig.DEFAULTS : security;
    ScrapeConfig.Global g = global;
    scrapeConfigs = scrapeConfigs == null ? List.of() : scrapeConfigs.stream().map(c -> c.withGlobal(g)).toList();
    Set<String> jobs = new HashSet<>();
    for (ScrapeConfig c : scrapeConfigs) {
      if (!jobs.add(c.jobName())) {
        throw new IllegalArgumentException("job_name '" + c.jobName() + "' is used by two scrape configs");
      }
    }
  }

  public LoupeConfig withServer(Server s) {
    return new LoupeConfig(s, ingest, retention, health, global, scrapeConfigs, compute, network, otlp, auth, alerting, rules, limits, evaluation, prices, budgets, data, security);
  }

  public LoupeConfig withOtlp(Otlp o) {
    return new LoupeConfig(server, ingest, retention, health, global, scrapeConfigs, compute, network, o, auth, alerting, rules, limits, evaluation, prices, budgets, data, security);
  }

  public LoupeConfig withScrapeConfigs(List<ScrapeConfig> configs) {
    return new LoupeConfig(server, ingest, retention, health, global, configs, compute, network, otlp, auth, alerting, rules, limits, evaluation, prices, budgets, data, security);

  }

  public LoupeConfig withRules(RulesConfig r) {
    return new LoupeConfig(server, ingest, retention, health, global, scrapeConfigs, compute, network, otlp, auth, alerting, r, limits, evaluation, prices, budgets, data, security);
  }

  public LoupeConfig withAuth(AuthConfig a) {
    return new LoupeConfig(server, ingest, retention, health, global, scrapeConfigs, compute, network, otlp, a, alerting, rules, limits, evaluation, prices, budgets, data, security);
  }

  public LoupeConfig withIngest(Ingest i) {
    return new LoupeConfig(server, i, retention, health, global, scrapeConfigs, compute, network, otlp, auth, alerting, rules, limits, evaluation, prices, budgets, data, security);
  }

  public LoupeConfig withEvaluation(dev.loupe.evaluate.EvaluationConfig e) {
    return new LoupeConfig(server, ingest, retention, health, global, scrapeConfigs, compute, network, otlp, auth, alerting, rules, limits, e, prices, budgets, data, security);
  }

  public LoupeConfig withAlerting(AlertingConfig a) {
    return new LoupeConfig(server, ingest, retention, health, global, scrapeConfigs, compute, network, otlp, auth, a, rules, limits, evaluation, prices, budgets, data, security);
  }

  public LoupeConfig withPrices(PricesConfig p) {
    return new LoupeConfig(server, ingest, retention, health, global, scrapeConfigs, compute, network, otlp, auth, alerting, rules, limits, evaluation, p, budgets, data, security);
  }

  public LoupeConfig withBudgets(List<BudgetSpec> b) {
    return new LoupeConfig(server, ingest, retention, health, global, scrapeConfigs, compute, network, otlp, auth, alerting, rules, limits, evaluation, prices, b, data, security);
  }

  public LoupeConfig withData(DataConfig d) {
    return new LoupeConfig(server, ingest, retention, health, global, scrapeConfigs, compute, network, otlp, auth, alerting, rules, limits, evaluation, prices, budgets, d, security);
  }

  public LoupeConfig withSecurity(SecurityConfig s) {
    return new LoupeConfig(server, ingest, retention, health, global, scrapeConfigs, compute, network, otlp, auth, alerting, rules, limits, evaluation, prices, budgets, data, s);
  }

  /**
   * Where Loupe listens and keeps its files. {@code host} governs the HTTP and both OTLP
   * listeners; null (unset) means loopback without tokens, every interface with them.
   * {@code tls} (null: plain) serves all three over TLS.
   * {@code external_url} is how users reach Loupe, for the links in notifications (default
   * {@code http://<hostname>:<port>}).
   */
  public record Server(String host, Integer port, @JsonProperty("data_dir") String dataDir, Tls tls,
      @JsonProperty("external_url") java.net.URI externalUrl) {
    public Server(String host, Integer port, String dataDir) {
      this(host, port, dataDir, null, null);
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    public Server {
      if (externalUrl != null && (externalUrl.getScheme() == null || externalUrl.getHost() == null)) {
        throw new IllegalArgumentException("external_url must be an absolute URL like https://loupe.example.com, got "
            + externalUrl);
      }
      port = port == null ? 9710 : port;
      dataDir = dataDir == null ? "./loupe-data" : dataDir;
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("must be 0..65535 (0 picks a free port), got " + port);
      }
    }

    public Server withPort(int p) {
      return new Server(host, p, dataDir, tls, externalUrl);
    }

    public Server withDataDir(String d) {
      return new Server(host, port, d, tls, externalUrl);
    }

    public Server withHost(String h) {
      return new Server(h, port, dataDir, tls, externalUrl);
    }
  }

  /** PEM files of the server's certificate chain and its PKCS#8 key, re-read when they change. */
  public record Tls(@JsonProperty("cert_file") String certFile, @JsonProperty("key_file") String keyFile) {
    public Tls {
      if (certFile == null || keyFile == null) {
        throw new IllegalArgumentException("tls needs both cert_file and key_file (PEM)");
      }
    }
  }

  /**
   * Limits and policies of the receivers. {@code max_in_flight_requests} bounds the pushed
   * requests (OTLP over HTTP and gRPC, remote_write, JSON) decoded or stored at once, and
   * {@code max_in_flight_body_bytes} the body bytes they hold together, read or being read; more
   * are answered "retry later". A body must arrive within {@code body_read_timeout} (else 408),
   * and is read before a place is taken, so slow senders hold no place.
   */
  public record Ingest(
      @JsonProperty("max_body_bytes") Long maxBodyBytes,
      @JsonProperty("max_future") Duration maxFuture,
      Capture capture,
      @JsonProperty("max_in_flight_requests") Integer maxInFlightRequests,
      @JsonProperty("max_in_flight_body_bytes") Long maxInFlightBodyBytes,
      @JsonProperty("body_read_timeout") Duration bodyReadTimeout) {
    /**
     * The default body byte budget: 8 bodies of the default 16 MiB. JSON bodies decode to about 6
     * times their size, so the worst case is about 900 MiB of the default 2 GiB heap (BENCHMARKS.md).
     */
    static final long DEFAULT_IN_FLIGHT_BODY_BYTES = 128L * 1024 * 1024;

    public Ingest withCapture(Capture c) {
      return new Ingest(maxBodyBytes, maxFuture, c, maxInFlightRequests, maxInFlightBodyBytes, bodyReadTimeout);
    }

    public Ingest {
      maxBodyBytes = maxBodyBytes == null ? 16L * 1024 * 1024 : maxBodyBytes;
      maxFuture = maxFuture == null ? Duration.ofMinutes(10) : maxFuture;
      capture = capture == null ? Capture.OFF : capture;
      maxInFlightRequests = maxInFlightRequests == null ? 64 : maxInFlightRequests;
      maxInFlightBodyBytes = maxInFlightBodyBytes == null
          ? Math.max(DEFAULT_IN_FLIGHT_BODY_BYTES, maxBodyBytes) : maxInFlightBodyBytes;
      bodyReadTimeout = bodyReadTimeout == null ? Duration.ofSeconds(30) : bodyReadTimeout;
      if (maxBodyBytes < 1024) {
        throw new IllegalArgumentException("max_body_bytes must be at least 1024, got " + maxBodyBytes);
      }
      if (maxInFlightRequests < 1) {
        throw new IllegalArgumentException(
            "max_in_flight_requests must be at least 1 (pushed requests handled at once), got " + maxInFlightRequests);
      }
      if (maxInFlightBodyBytes < maxBodyBytes) {
        throw new IllegalArgumentException("max_in_flight_body_bytes must be at least max_body_bytes ("
            + maxBodyBytes + "), or a body of the largest size could never be read; got " + maxInFlightBodyBytes);
      }
      if (bodyReadTimeout.isNegative() || bodyReadTimeout.isZero()) {
        throw new IllegalArgumentException("body_read_timeout must be positive, got " + bodyReadTimeout);
      }
    }
  }

  /**
   * What of prompt and completion text is kept, per deployment: {@code off} (the default: nothing),
   * {@code redacted} (personal data, secrets and canary tokens replaced by typed placeholders such
   * as {@code <EMAIL>}) or {@code full}. Written {@code capture: redacted}, or
   * {@code {default: off, deployments: {chat-prod: redacted}}}; the older
   * {@code {prompts: true, completions: true}} still reads (true is full for that field, for every
   * deployment). The security detectors read the text in memory whatever is kept.
   */
  public record Capture(
      dev.loupe.dimension.security.CapturePolicy defaultPrompts,
      dev.loupe.dimension.security.CapturePolicy defaultCompletions,
      Map<String, dev.loupe.dimension.security.CapturePolicy> deployments) {
    public static final Capture OFF = new Capture((Boolean) null, null);

    public Capture {
      defaultPrompts = defaultPrompts == null ? dev.loupe.dimension.security.CapturePolicy.OFF : defaultPrompts;
      defaultCompletions = defaultCompletions == null ? dev.loupe.dimension.security.CapturePolicy.OFF : defaultCompletions;
      deployments = deployments == null ? Map.of() : Map.copyOf(deployments);
    }

    /** The older form: a field set true is kept in full for every deployment. */
    public Capture(Boolean prompts, Boolean completions) {
      this(full(prompts), full(completions), null);
    }

    /** One policy by default, and per deployment. */
    public static Capture of(dev.loupe.dimension.security.CapturePolicy byDefault,
        Map<String, dev.loupe.dimension.security.CapturePolicy> deployments) {
      return new Capture(byDefault, byDefault, deployments);
    }

    /** Whether prompts are kept (in full or redacted) by default. */
    public boolean prompts() {
      return defaultPrompts != dev.loupe.dimension.security.CapturePolicy.OFF;
    }

    /** Whether completions are kept (in full or redacted) by default. */
    public boolean completions() {
      return defaultCompletions != dev.loupe.dimension.security.CapturePolicy.OFF;
    }

    /** Nothing is kept of any deployment: the default. */
    public boolean isOff() {
      return !prompts() && !completions() && deployments.values().stream()
          .allMatch(p -> p == dev.loupe.dimension.security.CapturePolicy.OFF);
    }

    private static dev.loupe.dimension.security.CapturePolicy full(Boolean keep) {
      return keep != null && keep ? dev.loupe.dimension.security.CapturePolicy.FULL
          : dev.loupe.dimension.security.CapturePolicy.OFF;
    }

    /** From the file: a policy name, or a map of the new or the older form. */
    @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
    static Capture read(com.fasterxml.jackson.databind.JsonNode node) {
      if (node == null || node.isNull()) return OFF;
      if (node.isBoolean()) return of(full(node.asBoolean()), Map.of());
      if (node.isTextual()) {
        try {
          return of(dev.loupe.dimension.security.CapturePolicy.parse(node.asText()), Map.of());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(e.getMessage());
        }
      }
      if (!node.isObject()) {
        throw new IllegalArgumentException("expected off, redacted or full, or a map such as"
            + " {default: off, deployments: {chat-prod: redacted}}");
      }
      java.util.List<Object> known = java.util.List.of("default", "deployments", "prompts", "completions");
      java.util.Iterator<String> names = node.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!known.contains(name)) {
          String near = ConfigLoader.nearest(name, known);
          throw new ConfigValueException(name, "unknown key" + (near == null ? "" : "; did you mean '" + near + "'?")
              + " (valid here: completions, default, deployments, prompts)");
        }
      }
      boolean older = node.has("prompts") || node.has("completions");
      if (older && (node.has("default") || node.has("deployments"))) {
        throw new ConfigValueException(node.has("prompts") ? "prompts" : "completions",
            "give either default and deployments (off, redacted or full) or the older prompts and completions, not both");
      }
      if (older) {
        return new Capture(node.has("prompts") ? legacy("prompts", node.get("prompts")) : null,
            node.has("completions") ? legacy("completions", node.get("completions")) : null, null);
      }
      dev.loupe.dimension.security.CapturePolicy byDefault =
          node.has("default") ? policy("default", node.get("default")) : null;
      Map<String, dev.loupe.dimension.security.CapturePolicy> per = new java.util.TreeMap<>();
      com.fasterxml.jackson.databind.JsonNode d = node.get("deployments");
      if (d != null && !d.isNull()) {
        if (!d.isObject()) {
          throw new ConfigValueException("deployments", "expected a map of deployment to policy, e.g. {chat-prod: redacted}");
        }
        d.fields().forEachRemaining(e -> per.put(e.getKey(), policy("deployments." + e.getKey(), e.getValue())));
      }
      return of(byDefault, per);
    }

    private static dev.loupe.dimension.security.CapturePolicy legacy(String key,
        com.fasterxml.jackson.databind.JsonNode v) {
      if (v.isBoolean()) return full(v.asBoolean());
      return policy(key, v);
    }

    private static dev.loupe.dimension.security.CapturePolicy policy(String key,
        com.fasterxml.jackson.databind.JsonNode v) {
      // YAML 1.1 reads a bare off as false (and on, yes as true): false is off, true is full.
      if (v != null && v.isBoolean()) return full(v.asBoolean());
      if (v == null || !v.isTextual()) {
        throw new ConfigValueException(key, "expected off, redacted or full, got "
            + (v == null || v.isNull() ? "nothing" : v.isContainerNode() ? "a " + (v.isArray() ? "list" : "map") : v.asText()));
      }
      try {
        return dev.loupe.dimension.security.CapturePolicy.parse(v.asText());
      } catch (IllegalArgumentException e) {
        throw new ConfigValueException(key, e.getMessage());
      }
    }
  }

  /**
   * How long each record type is kept; rollups far longer than raw events, pipeline runs 90 days
   * (weeks of them make a weekday's row-count baseline).
   */
  public record Retention(
      Duration inference, Duration log, Duration score, Duration sample, Duration span, Duration deployment,
      Duration rollup, @JsonProperty("pipeline_run") Duration pipelineRun) {
    /** Every type but pipeline runs. */
    public Retention(Duration inference, Duration log, Duration score, Duration sample, Duration span,
        Duration deployment, Duration rollup) {
      this(inference, log, score, sample, span, deployment, rollup, null);
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    public Retention {
      inference = inference == null ? Duration.ofDays(30) : inference;
      log = log == null ? Duration.ofDays(30) : log;
      score = score == null ? Duration.ofDays(30) : score;
      sample = sample == null ? Duration.ofDays(30) : sample;
      span = span == null ? Duration.ofDays(30) : span;
      deployment = deployment == null ? Duration.ofDays(400) : deployment;
      rollup = rollup == null ? Duration.ofDays(400) : rollup;
      pipelineRun = pipelineRun == null ? Duration.ofDays(90) : pipelineRun;
      for (Map.Entry<String, Duration> e :
          Map.of("inference", inference, "log", log, "score", score, "sample", sample, "span", span,
              "deployment", deployment, "rollup", rollup, "pipeline_run", pipelineRun).entrySet()) {
        if (e.getValue().compareTo(Duration.ofHours(1)) < 0) {
          throw new IllegalArgumentException(e.getKey() + " must be at least 1h, got " + e.getValue());
        }
      }
    }
  }

  /**
   * The former {@code health:} section. Its thresholds are rules of the built-in pack now
   * (ModelLatencyRegression); a key set here is refused with the place it moved to, so an old
   * config does not silently lose its setting.
   */
  public record Health(
      @JsonProperty("latency_regression_warning") Double latencyRegressionWarning,
      @JsonProperty("latency_regression_critical") Double latencyRegressionCritical,
      @JsonProperty("min_samples") Integer minSamples,
      @JsonProperty("current_window") Duration currentWindow) {
    public Health {
      moved("latency_regression_warning", latencyRegressionWarning, "ModelLatencyRegression/warning: {change: '> 40%'}");
      moved("latency_regression_critical", latencyRegressionCritical, "ModelLatencyRegression/critical: {change: '> 100%'}");
      moved("min_samples", minSamples, "ModelLatencyRegression: {when: {...condition: '>= 50'}}");
      moved("current_window", currentWindow, "ModelLatencyRegression: {window: 10m}");
    }

    private static void moved(String key, Object value, String override) {
      if (value != null) {
        throw new ConfigValueException(key, "the version regression is the built-in rule ModelLatencyRegression now;"
            + " set it under rules.builtin.override, e.g. " + override);
      }
    }
  }

  /**
   * Quotas Loupe compares usage with: per deployment its tokens-per-minute and requests-per-minute
   * limits (an Azure OpenAI deployment's TPM/RPM, or a gateway's), as the signals
   * {@code loupe_model_tpm_limit} and {@code loupe_model_rpm_limit}; and the budget of what Loupe
   * itself stores ({@code telemetry}).
   */
  public record Limits(Map<String, DeploymentLimit> deployments, Telemetry telemetry) {
    public Limits {
      deployments = deployments == null ? Map.of() : Map.copyOf(deployments);
      telemetry = telemetry == null ? Telemetry.NONE : telemetry;
    }

    /** Deployment limits only. */
    public Limits(Map<String, DeploymentLimit> deployments) {
      this(deployments, null);
    }
  }

  /**
   * The retention budget of the telemetry Loupe keeps: {@code max_stored_bytes} for the data
   * directory ({@code 50GB}, {@code 500MiB}) and {@code max_records_per_day} for what is stored in
   * a day, all tables together ({@code 1.4M}: 1,000 requests a minute make about 1.4 M log entries
   * a day). Either may be left out (null); they are the signals {@code loupe_store_bytes_budget}
   * and {@code loupe_store_records_per_day_budget}.
   */
  public record Telemetry(Long maxStoredBytes, Double maxRecordsPerDay) {
    public static final Telemetry NONE = new Telemetry(null, null);

    public Telemetry {
      if (maxStoredBytes != null && maxStoredBytes < 1) {
        throw new ConfigValueException("max_stored_bytes", "must be positive, got " + maxStoredBytes);
      }
      if (maxRecordsPerDay != null && !(maxRecordsPerDay > 0)) {
        throw new ConfigValueException("max_records_per_day", "must be positive, got " + maxRecordsPerDay);
      }
    }

    /** From the file, where sizes and counts are written with their units. */
    @com.fasterxml.jackson.annotation.JsonCreator
    static Telemetry read(@JsonProperty("max_stored_bytes") com.fasterxml.jackson.databind.JsonNode bytes,
        @JsonProperty("max_records_per_day") com.fasterxml.jackson.databind.JsonNode records) {
      return new Telemetry(
          scalar("max_stored_bytes", bytes, QuantityText::bytes),
          scalar("max_records_per_day", records, QuantityText::count));
    }

    private static <T> T scalar(String key, com.fasterxml.jackson.databind.JsonNode node,
        java.util.function.Function<String, T> parse) {
      if (node == null || node.isNull() || node.isMissingNode()) return null;
      if (!node.isValueNode()) {
        throw new ConfigValueException(key, "expected one value such as " + (key.endsWith("bytes") ? "50GB" : "1.4M")
            + ", got " + (node.isArray() ? "a list" : "a map of keys"));
      }
      try {
        return parse.apply(node.asText());
      } catch (IllegalArgumentException e) {
        throw new ConfigValueException(key, e.getMessage());
      }
    }
  }

  /** One deployment's limits; either may be left out. */
  public record DeploymentLimit(Double tpm, Double rpm) {
    public DeploymentLimit {
      if (tpm != null && !(tpm > 0)) throw new ConfigValueException("tpm", "must be positive, got " + tpm);
      if (rpm != null && !(rpm > 0)) throw new ConfigValueException("rpm", "must be positive, got " + rpm);
    }
  }

  /**
   * How GPUs are judged: each GPU's workload class comes from the first rule whose label matches
   * (low utilization is waste for training, often intended for latency-sensitive inference).
   */
  public record Compute(
      @JsonProperty("default_workload") String defaultWorkload,
      @JsonProperty("workload_classes") List<WorkloadRule> workloadClasses) {
    public Compute {
      defaultWorkload = defaultWorkload == null ? WorkloadClassifier.DEFAULT_CLASS.wireName() : defaultWorkload;
      WorkloadClass.fromWireName(defaultWorkload);
      workloadClasses = workloadClasses == null ? null : List.copyOf(workloadClasses);
    }

    /** The classifier; without {@code workload_classes}, the built-in rules. */
    public WorkloadClassifier classifier() {
      List<WorkloadClassRule> rules = workloadClasses == null
          ? WorkloadClassifier.DEFAULT_RULES
          : workloadClasses.stream().map(WorkloadRule::toRule).toList();
      return new WorkloadClassifier(rules, WorkloadClass.fromWireName(defaultWorkload));
    }
  }

  /** One workload class rule: GPUs whose {@code label} fully matches {@code regex} have {@code class}. */
  public record WorkloadRule(String label, String regex, @JsonProperty("class") String workloadClass) {
    public WorkloadRule {
      toRule(label, regex, workloadClass);
    }

    WorkloadClassRule toRule() {
      return toRule(label, regex, workloadClass);
    }

    private static WorkloadClassRule toRule(String label, String regex, String workloadClass) {
      if (workloadClass == null) throw new IllegalArgumentException("class is required (training or inference)");
      return new WorkloadClassRule(label, regex, WorkloadClass.fromWireName(workloadClass));
    }
  }

  /**
   * Which blackbox-style probes are network probes between nodes, as a selector's label part
   * ({@code '{job="ib-mesh"}'}); empty means every {@code probe_success} series.
   */
  public record Network(@JsonProperty("probe_selector") String probeSelector) {
    public Network {
      probeSelector = probeSelector == null ? "" : probeSelector.trim();
      matchers(probeSelector);
    }

    public List<LabelMatcher> matchers() {
      return matchers(probeSelector);
    }

    private static List<LabelMatcher> matchers(String selector) {
      if (selector.isEmpty()) return List.of();
      if (!selector.startsWith("{")) {
        throw new IllegalArgumentException("probe_selector is a label selector like '{job=\"ib-mesh\"}', got " + selector);
      }
      return SeriesSelector.parse("probe_success" + selector).matchers();
    }
  }

  /** The OpenTelemetry receivers: OTLP/HTTP and OTLP/gRPC on their own ports ({@code 0} picks a free one). */
  /**
   * The OTLP receivers, and where a span's or a metric's model version and deployment are read:
   * the first of these attributes present, on the span or data point, then on its resource.
   */
  public record Otlp(
      @JsonProperty("http_port") Integer httpPort,
      @JsonProperty("grpc_port") Integer grpcPort,
      @JsonProperty("model_version_attributes") List<String> modelVersionAttributes,
      @JsonProperty("deployment_attributes") List<String> deploymentAttributes) {
    public Otlp {
      httpPort = httpPort == null ? 4318 : httpPort;
      grpcPort = grpcPort == null ? 4317 : grpcPort;
      for (int p : new int[] {httpPort, grpcPort}) {
        if (p < 0 || p > 65535) throw new IllegalArgumentException("ports must be 0..65535 (0 picks a free port), got " + p);
      }
      modelVersionAttributes = attributeList("model_version_attributes", modelVersionAttributes, GenAiSpanMapping.VERSION_ATTRIBUTES);
      deploymentAttributes = attributeList("deployment_attributes", deploymentAttributes, GenAiSpanMapping.DEPLOYMENT_ATTRIBUTES);
    }

    /** The same settings on other ports (0 picks free ones). */
    public Otlp withPorts(int http, int grpc) {
      return new Otlp(http, grpc, modelVersionAttributes, deploymentAttributes);
    }

    private static List<String> attributeList(String key, List<String> given, List<String> defaults) {
      if (given == null) return defaults;
      for (String a : given) {
        if (a == null || a.isBlank()) throw new IllegalArgumentException(key + " must not contain an empty name");
      }
      return List.copyOf(given);
    }
  }
}
