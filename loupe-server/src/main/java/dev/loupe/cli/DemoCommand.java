package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.demo.DemoCostTraffic;
import dev.loupe.demo.DemoSimulator;
import dev.loupe.demo.PipelineTraffic;
import dev.loupe.server.ConfigException;
import dev.loupe.server.ConfigLoader;
import dev.loupe.server.DurationText;
import dev.loupe.server.LoupeConfig;
import dev.loupe.server.LoupeServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loupe demo}: a server plus simulated traffic from three deployments; after a minute one
 * of them rolls out a slower model version and the model tile turns warning, and one GPU runs hot;
 * the demo's rules ({@code demo-rules.yml}, {@code for} shortened) fire alerts on both. Its data lives in a
 * temporary directory, removed when the demo stops (Ctrl-C, SIGTERM or {@code --exit-after}),
 * unless a data dir was given with {@code --data-dir} or the config file's {@code server.data_dir}.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run Loupe with simulated traffic from three deployments.",
      "After --change-after, chat-prod rolls out a model version whose latency is --latency-factor",
      "times higher; the model tile turns warning and names the version. One GPU runs hot.",
      "The RAG index kb-prod (chat-prod answers from it) stops refreshing and nightly-etl's run",
      "fails: the data tile names each, the model tile the stale index.",
      "Unless --config brings rules, the demo runs its own with `for` shortened to 30s, so the",
      "GPU temperature and latency alerts go pending and fire within minutes."
    })
final class DemoCommand implements Callable<Integer> {
  @Mixin ServerOptions options = new ServerOptions();

  @Option(names = "--change-after", paramLabel = "DURATION", defaultValue = "60s",
      description = "When the slower version rolls out. Default: ${DEFAULT-VALUE}")
  String changeAfter;

  @Option(names = "--latency-factor", paramLabel = "X", defaultValue = "1.5",
      description = "Latency of the new version relative to the old one. Default: ${DEFAULT-VALUE}")
  double latencyFactor;

  @Option(names = "--exit-after", paramLabel = "DURATION",
      description = "Stop by itself after this long (for scripts). Default: run until Ctrl-C.")
  String exitAfter;

  @Override
  public Integer call() throws Exception {
    Path temporary = Files.createTempDirectory("loupe-demo-");
    LoupeServer server;
    LoupeConfig config;
    boolean demoRules;
    try {
      config = options.load(temporary.toString());
      // The demo's own rules (short `for`) unless the given config brings rules of its own.
      demoRules = config.rules().groups().isEmpty() && config.rules().ruleFiles().isEmpty();
      LoupeConfig demo = ConfigLoader.parse(DemoSimulator.rulesYaml(), "demo-rules.yml");
      if (demoRules) config = config.withRules(demo.rules());
      // The demo's simulated text is kept and scored, unless the given config says what to keep and score.
      if (config.ingest().capture().isOff()) config = config.withIngest(config.ingest().withCapture(demo.ingest().capture()));
      // support-bot's canary, unless the given config has a security section of its own.
      if (config.security().equals(dev.loupe.server.SecurityConfig.DEFAULTS)) config = config.withSecurity(demo.security());
      if (config.evaluation().equals(dev.loupe.evaluate.EvaluationConfig.DEFAULTS)) config = config.withEvaluation(demo.evaluation());
      if (config.budgets().isEmpty()) config = config.withBudgets(demo.budgets());
      // The demo's pipelines (kb-refresh's cadence shortened) unless the given config has its own.
      if (config.data().pipelines().isEmpty()) {
        config = config.withData(ConfigLoader.parse(PipelineTraffic.configYaml(), "demo-pipelines.yml").data());
      }
      server = LoupeServer.start(config, Clock.systemUTC());
    } catch (ConfigException e) {
      deleteTree(temporary);
      System.err.println("loupe: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      deleteTree(temporary);
      throw e;
    }
    // The temporary directory goes when the demo stops, however it stops; a given data dir stays.
    boolean temporaryInUse = Path.of(server.config().server().dataDir()).equals(temporary);
    if (!temporaryInUse) deleteTree(temporary);
    Duration change = DurationText.parse(changeAfter);
    URI page = URI.create("http://localhost:" + server.port() + "/");
    DemoSimulator simulator =
        new DemoSimulator(server.baseUri(), Clock.systemUTC(), change, latencyFactor, DemoCommand::say);
    // Some chat-prod requests arrive as traces, through the OTLP/HTTP receiver as an instrumented service's would.
    simulator.sendTracesTo(URI.create(server.baseUri().getScheme() + "://" + server.baseUri().getHost() + ":"
        + server.otlpHttpPort() + "/"));
    DemoCostTraffic costs = new DemoCostTraffic(server.baseUri(), Clock.systemUTC(), change.plus(Duration.ofSeconds(30)),
        DemoCommand::say);
    PipelineTraffic pipelines = new PipelineTraffic(server.baseUri(), Clock.systemUTC(), DemoCommand::say);
    dev.loupe.demo.SecurityTraffic security =
        new dev.loupe.demo.SecurityTraffic(server.baseUri(), Clock.systemUTC(), DemoCommand::say);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      security.close();
      pipelines.close();
      costs.close();
      simulator.close();
      server.close();
      if (temporaryInUse) deleteTree(temporary);
    }, "loupe-demo-shutdown"));
    say("Loupe demo is running: open " + page);
    say("data in " + server.config().server().dataDir() + (temporaryInUse ? " (removed when the demo stops)" : "")
        + "; back-filling 30 minutes of traffic…");
    simulator.start();
    costs.start();
    pipelines.start();
    security.start();
    say("security: in 1m API key " + dev.loupe.demo.SecurityTraffic.BATCH_KEY + " uses 20x its usual hour, from 2m to 5m "
        + dev.loupe.demo.SecurityTraffic.DEPLOYMENT + " gets prompt injections, at 5m30s it leaks its canary token");
    say("simulating chat-prod, summarize-prod and embed-prod; in " + DurationText.format(change)
        + " chat-prod rolls out model_version " + DemoSimulator.NEW_VERSION + "; " + DemoSimulator.hotGpu()
        + " starts running hot; " + DurationText.format(change.plus(Duration.ofSeconds(30))) + " in, API key "
        + DemoCostTraffic.LEAKY_KEY + " calls 20x as often; " + DemoCostTraffic.UNPRICED_MODEL + " has no price and "
        + DemoCostTraffic.IDLE_NODE + "'s GPUs sit idle");
    if (demoRules) {
      say("demo rules: evaluated every " + DurationText.format(server.config().rules().evaluationInterval())
          + ", with `for` SHORTENED to 30s (real rules wait 2m-10m) so alerts go pending and fire within minutes;"
          + " see the page's Alerts panel");
    } else {
      say("alerting rules: the ones of your --config (the demo's own, with a short `for`, are not loaded)");
    }
    watch(server.baseUri(), exitAfter == null ? null : DurationText.parse(exitAfter));
    // --exit-after: end the process; the shutdown hook stops the simulator and the server.
    // (Returning alone would leave the server's threads running: the demo counts as serving.)
    say("demo: --exit-after reached, stopping");
    System.exit(0);
    return 0;
  }

  /**
   * Prints each change of the model tile's status and of each alert's state, so the demo tells
   * its story in the terminal too.
   */
  private static void watch(URI base, Duration exitAfter) throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    String last = null;
    Map<String, String[]> alertStates = new HashMap<>();
    long deadline = exitAfter == null ? Long.MAX_VALUE : System.nanoTime() + exitAfter.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> res =
            http.send(HttpRequest.newBuilder(base.resolve("api/v1/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode model = json.readTree(res.body()).path("dimensions").path("model");
        String status = model.path("status").asText();
        String reason = model.path("reasons").path(0).asText("");
        if (!status.equals(last)) {
          say("model tile: " + status + (reason.isEmpty() ? "" : " — " + reason));
          last = status;
        }
        HttpResponse<String> alerts =
            http.send(HttpRequest.newBuilder(base.resolve("api/v1/alerts")).build(),
                HttpResponse.BodyHandlers.ofString());
        // By the alert's labels (its identity): a line when it goes pending, fires, or is gone.
        java.util.Set<String> active = new java.util.HashSet<>();
        for (JsonNode a : json.readTree(alerts.body()).path("data").path("alerts")) {
          String key = a.path("labels").toString();
          String state = a.path("state").asText();
          String line = a.path("labels").path("alertname").asText() + " (" + a.path("labels").path("severity").asText()
              + ") " + a.path("annotations").path("summary").asText("");
          active.add(key);
          String[] before = alertStates.put(key, new String[] {state, line});
          if (before == null || !before[0].equals(state)) say("alert " + state + ": " + line);
        }
        for (String gone : new java.util.ArrayList<>(alertStates.keySet())) {
          if (!active.contains(gone)) say("alert resolved: " + alertStates.remove(gone)[1]);
        }
      } catch (java.io.IOException e) {
        say("cannot read health or alerts: " + e.getMessage());
      }
      Thread.sleep(Math.min(5_000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
    }
  }

  /** Deletes a directory and what it holds; a failure is said, never thrown, as the demo is stopping. */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException | UncheckedIOException e) {
      System.err.println("loupe: cannot remove the demo's data in " + dir + ": " + e.getMessage());
    }
  }

  static void say(String line) {
    System.out.println("[" + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "] " + line);
    System.out.flush();
  }
}
