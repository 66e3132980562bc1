package dev.loupe.cli;

import dev.loupe.server.ConfigException;
import dev.loupe.server.ConfigLoader;
import dev.loupe.server.LoupeConfig;
import dev.loupe.server.PrometheusRuleExport;
import dev.loupe.server.RuleFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loupe export-rules [--config FILE] [--output FILE]}: writes the rules Loupe would run
 * (the built-in pack as {@code rules.builtin} leaves it, then the config's own) as a Prometheus
 * rule file. Rules PromQL cannot say are named on stderr, with why, and in the file's comment.
 */
@Command(
    name = "export-rules",
    mixinStandardHelpOptions = true,
    description = "Write Loupe's alerting rules (built-in pack and the config's) as a Prometheus rule file for "
        + "promtool and Prometheus; rules PromQL cannot express are listed on stderr.")
final class ExportRulesCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "The loupe.yml whose rules to export. Default: none, the built-in pack alone.")
  Path config;

  @Option(names = "--output", paramLabel = "FILE", description = "Where to write the rule file. Default: standard output.")
  Path output;

  @Override
  public Integer call() {
    PrometheusRuleExport.Result result;
    try {
      LoupeConfig c = config == null ? LoupeConfig.DEFAULTS : ConfigLoader.load(config);
      String source = config == null ? "the built-in rule pack (no --config)" : config.toString();
      result = PrometheusRuleExport.export(RuleFiles.load(c.rules()), c.rules().evaluationInterval(), c.limits(), source);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      return 1;
    }
    if (output == null) {
      System.out.print(result.yaml());
      System.out.flush();
    } else {
      try {
        Files.writeString(output, result.yaml(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        System.err.println(output + ": cannot write: " + e.getMessage());
        return 1;
      }
    }
    for (PrometheusRuleExport.LeftOut l : result.leftOut()) System.err.println("left out " + l);
    System.err.println((output == null ? "wrote " : output + ": wrote ") + result.rules() + " rules in "
        + result.groups() + (result.groups() == 1 ? " group" : " groups")
        + (result.leftOut().isEmpty() ? "" : ", left out " + result.leftOut().size()));
    return 0;
  }
}
