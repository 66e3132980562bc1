package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code loupe rules test FILE --since 14d}: asks a running Loupe to backtest the rules of FILE
 * (one rule, a list, or a rule file) over its stored history, and prints when each would have
 * gone pending, fired and resolved.
 */
@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    description = "Backtest rules over a running Loupe's stored history: when they would have gone pending, fired and resolved.")
final class RulesTestCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", arity = "0..1",
      description = "YAML or JSON: one rule, a list of rules, or a rule file with groups.")
  Path file;

  @Option(names = "--rule", paramLabel = "NAME",
      description = "Instead of FILE: a rule the server runs (built-in or its config's), NAME or NAME/severity.")
  String rule;

  @Option(names = "--since", defaultValue = "1d", description = "How far back to evaluate (default ${DEFAULT-VALUE}).")
  String since;

  @Option(names = "--interval", description = "Evaluation interval (default: the server's rules.evaluation_interval).")
  String interval;

  @Option(names = "--url", defaultValue = "http://127.0.0.1:9710", description = "The Loupe to ask (default ${DEFAULT-VALUE}).")
  URI url;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if ((file == null) == (rule == null)) {
      System.err.println("give a rule FILE or --rule NAME");
      return 2;
    }
    String body = "";
    if (file != null) {
      try {
        body = Files.readString(file);
      } catch (IOException e) {
        System.err.println(file + ": cannot read: " + e.getMessage());
        return 1;
      }
    }
    String query = "since=" + URLEncoder.encode(since, StandardCharsets.UTF_8)
        + (rule == null ? "" : "&rule=" + URLEncoder.encode(rule, StandardCharsets.UTF_8))
        + (interval == null ? "" : "&interval=" + URLEncoder.encode(interval, StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(url.resolve("/api/v1/rules/test?" + query))
        .header("Content-Type", "application/yaml")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> response;
    try {
      response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      System.err.println("cannot reach Loupe at " + url + ": " + e.getMessage());
      return 1;
    }
    JsonNode answer = new ObjectMapper().readTree(response.body());
    if (response.statusCode() != 200) {
      System.err.println((file != null ? file : rule) + ": " + answer.path("error").asText(response.body()));
      return 1;
    }
    JsonNode data = answer.path("data");
    System.out.println("backtest " + data.path("from").asText() + " .. " + data.path("to").asText()
        + " every " + data.path("interval").asText());
    for (JsonNode rule : data.path("rules")) {
      System.out.println();
      System.out.println(rule.path("name").asText() + " (" + rule.path("severity").asText() + "): "
          + rule.path("query").asText() + ", " + rule.path("evaluations").asInt() + " evaluations");
      for (JsonNode missing : rule.path("missing_inputs")) System.out.println("  " + missing.asText());
      if (rule.path("transitions").isEmpty()) System.out.println("  would never have gone pending");
      for (JsonNode t : rule.path("transitions")) {
        System.out.printf("  %s  %-9s %s value %s%n", t.path("at").asText(), t.path("state").asText(),
            labels(t.path("labels")), t.path("value").asText());
      }
    }
    return 0;
  }

  private static String labels(JsonNode labels) {
    StringBuilder out = new StringBuilder("{");
    for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("alertname")) continue;
      if (out.length() > 1) out.append(", ");
      out.append(e.getKey()).append("=\"").append(e.getValue().asText()).append('"');
    }
    return out.append('}').toString();
  }
}
