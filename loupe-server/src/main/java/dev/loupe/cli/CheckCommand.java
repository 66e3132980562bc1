package dev.loupe.cli;

import dev.loupe.server.ConfigException;
import dev.loupe.server.ConfigLoader;
import dev.loupe.server.DurationText;
import dev.loupe.server.LoupeConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code loupe check --config FILE}: validates a config file like {@code promtool check config}. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = "Validate a config file; exits non-zero naming the line and key of the first problem.")
final class CheckCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", required = true, description = "The loupe.yml to check.")
  Path config;

  @Override
  public Integer call() {
    try {
      LoupeConfig c = ConfigLoader.load(config);
      System.out.println(config + ": ok (port " + c.server().port() + ", data in " + c.server().dataDir()
          + ", raw events kept " + DurationText.format(c.retention().inference()) + ")");
      return 0;
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      return 1;
    }
  }
}
