package dev.loupe.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One entry of {@code scrape_configs}, in Prometheus's own shape and with its defaults, so a
 * block copied from a {@code prometheus.yml} works unchanged. Intervals left out take the
 * {@code global} ones (see {@link #withGlobal}).
 */
public record ScrapeConfig(
    @JsonProperty("job_name") String jobName,
    @JsonProperty("scrape_interval") Duration scrapeInterval,
    @JsonProperty("scrape_timeout") Duration scrapeTimeout,
    @JsonProperty("metrics_path") String metricsPath,
    String scheme,
    Map<String, List<String>> params,
    @JsonProperty("honor_labels") Boolean honorLabels,
    @JsonProperty("honor_timestamps") Boolean honorTimestamps,
    @JsonProperty("static_configs") List<StaticConfig> staticConfigs,
    @JsonProperty("file_sd_configs") List<FileSdConfig> fileSdConfigs,
    @JsonProperty("metric_relabel_configs") List<RelabelConfig> metricRelabelConfigs) {

  public ScrapeConfig {
    if (jobName == null || jobName.isBlank()) {
      throw new IllegalArgumentException("job_name is required");
    }
    metricsPath = metricsPath == null ? "/metrics" : metricsPath;
    if (!metricsPath.startsWith("/")) {
      throw new IllegalArgumentException("metrics_path must start with '/', got '" + metricsPath + "'");
    }
    scheme = scheme == null ? "http" : scheme.toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("scheme must be http or https, got '" + scheme + "'");
    }
    params = params == null ? Map.of() : Map.copyOf(params);
    honorLabels = honorLabels != null && honorLabels;
    honorTimestamps = honorTimestamps == null || honorTimestamps;
    staticConfigs = staticConfigs == null ? List.of() : List.copyOf(staticConfigs);
    fileSdConfigs = fileSdConfigs == null ? List.of() : List.copyOf(fileSdConfigs);
    metricRelabelConfigs = metricRelabelConfigs == null ? List.of() : List.copyOf(metricRelabelConfigs);
    if (scrapeInterval != null && scrapeInterval.toMillis() <= 0) {
      throw new IllegalArgumentException("scrape_interval must be positive");
    }
    if (scrapeInterval != null && scrapeTimeout != null && scrapeTimeout.compareTo(scrapeInterval) > 0) {
      throw new IllegalArgumentException(
          "scrape_timeout " + DurationText.format(scrapeTimeout) + " is longer than scrape_interval "
              + DurationText.format(scrapeInterval));
    }
  }

  /** This config with the intervals it leaves out taken from {@code global}. */
  public ScrapeConfig withGlobal(Global global) {
    Duration interval = scrapeInterval != null ? scrapeInterval : global.scrapeInterval();
    Duration timeout = scrapeTimeout != null ? scrapeTimeout : global.scrapeTimeout();
    if (timeout.compareTo(interval) > 0) {
      // Prometheus caps the inherited timeout at the job's interval rather than failing.
      timeout = scrapeTimeout != null ? scrapeTimeout : interval;
    }
    return new ScrapeConfig(jobName, interval, timeout, metricsPath, scheme, params, honorLabels,
        honorTimestamps, staticConfigs, fileSdConfigs, metricRelabelConfigs);
  }

  /** Prometheus's {@code global} block: the defaults of every job. */
  public record Global(
      @JsonProperty("scrape_interval") Duration scrapeInterval,
      @JsonProperty("scrape_timeout") Duration scrapeTimeout,
      @JsonProperty("external_labels") Map<String, String> externalLabels) {
    public Global {
      scrapeInterval = scrapeInterval == null ? Duration.ofMinutes(1) : scrapeInterval;
      scrapeTimeout = scrapeTimeout == null ? Duration.ofSeconds(10) : scrapeTimeout;
      externalLabels = externalLabels == null ? Map.of() : Map.copyOf(externalLabels);
      if (scrapeInterval.toMillis() <= 0) throw new IllegalArgumentException("scrape_interval must be positive");
    }
  }

  /** Targets written in the config, with labels added to every series they expose. */
  public record StaticConfig(List<String> targets, Map<String, String> labels) {
    public StaticConfig {
      targets = targets == null ? List.of() : List.copyOf(targets);
      labels = labels == null ? Map.of() : Map.copyOf(labels);
      for (String t : targets) checkTarget(t);
      for (String name : labels.keySet()) checkLabelName(name);
    }
  }

  /** Target files (JSON or YAML, globs in the last path element) re-read when they change. */
  public record FileSdConfig(List<String> files, @JsonProperty("refresh_interval") Duration refreshInterval) {
    public FileSdConfig {
      if (files == null || files.isEmpty()) throw new IllegalArgumentException("files is required");
      files = List.copyOf(files);
      refreshInterval = refreshInterval == null ? Duration.ofMinutes(5) : refreshInterval;
      for (String f : files) {
        String name = f.substring(f.lastIndexOf('/') + 1);
        if (!(name.endsWith(".json") || name.endsWith(".yml") || name.endsWith(".yaml"))) {
          throw new IllegalArgumentException("file_sd file '" + f + "' must end in .json, .yml or .yaml");
        }
      }
    }
  }

  /** One step of {@code metric_relabel_configs}, applied to every scraped series. */
  public record RelabelConfig(
      @JsonProperty("source_labels") List<String> sourceLabels,
      String separator,
      String regex,
      @JsonProperty("target_label") String targetLabel,
      String replacement,
      String action,
      Long modulus) {
    static final Set<String> ACTIONS =
        Set.of("replace", "keep", "drop", "labeldrop", "labelkeep", "labelmap", "hashmod", "lowercase", "uppercase");

    public RelabelConfig {
      sourceLabels = sourceLabels == null ? List.of() : List.copyOf(sourceLabels);
      separator = separator == null ? ";" : separator;
      regex = regex == null ? "(.*)" : regex;
      replacement = replacement == null ? "$1" : replacement;
      action = action == null ? "replace" : action.toLowerCase(Locale.ROOT);
      if (!ACTIONS.contains(action)) {
        throw new IllegalArgumentException(
            "unknown relabel action '" + action + "' (valid: " + String.join(", ", new java.util.TreeSet<>(ACTIONS)) + ")");
      }
      try {
        Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("regex '" + regex + "' does not compile: " + e.getDescription());
      }
      boolean needsTarget = Set.of("replace", "hashmod", "lowercase", "uppercase").contains(action);
      if (needsTarget && (targetLabel == null || targetLabel.isEmpty())) {
        throw new IllegalArgumentException("relabel action " + action + " needs target_label");
      }
      if (action.equals("hashmod") && (modulus == null || modulus <= 0)) {
        throw new IllegalArgumentException("relabel action hashmod needs a positive modulus");
      }
      if ((action.equals("keep") || action.equals("drop") || action.equals("hashmod")) && sourceLabels.isEmpty()) {
        throw new IllegalArgumentException("relabel action " + action + " needs source_labels");
      }
    }
  }

  /** Throws naming the target unless it is {@code host:port}; file_sd files are checked the same way. */
  public static void checkTarget(String target) {
    URI uri;
    try {
      uri = URI.create("http://" + target);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("target '" + target + "' is not host:port");
    }
    if (uri.getHost() == null || uri.getPort() < 0 || (uri.getPath() != null && !uri.getPath().isEmpty())) {
      throw new IllegalArgumentException("target '" + target + "' is not host:port");
    }
  }

  static void checkLabelName(String name) {
    if (!dev.loupe.model.Checks.isLabelName(name)) {
      throw new IllegalArgumentException("'" + name + "' is not a valid label name");
    }
  }
}
