package dev.loupe.cli;

import dev.loupe.server.ConfigException;
import dev.loupe.server.ConfigLoader;
import dev.loupe.server.DurationText;
import dev.loupe.server.LoupeConfig;
import dev.loupe.server.RuleFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code loupe check --config FILE}: validates a config file like {@code promtool check config};
 * {@code loupe check metrics} validates an exposition.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = "Validate a config file; exits non-zero naming the line and key of the first problem.",
    subcommands = CheckMetricsCommand.class)
final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  // Not required = true: picocli would then demand it of `check metrics` too.
  @Option(names = "--config", paramLabel = "FILE", description = "The loupe.yml to check (required unless a subcommand is given).")
  Path config;

  @Override
  public Integer call() {
    if (config == null) {
      throw new ParameterException(spec.commandLine(), "Missing required option: '--config=FILE'");
    }
    try {
      LoupeConfig c = ConfigLoader.load(config);
      System.out.println(config + ": ok (port " + c.server().port() + ", data in " + c.server().dataDir()
          + ", raw events kept " + DurationText.format(c.retention().inference())
          + ", " + rules(c) + ")");
      return 0;
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      return 1;
    }
  }

  private static String rules(LoupeConfig c) {
    int all = RuleFiles.load(c.rules()).size();
    int builtin = dev.loupe.server.BuiltinRules.load(c.rules().builtin()).size();
    return all + " alerting rules: " + builtin + " built-in, " + (all - builtin) + " of the config";
  }
}
