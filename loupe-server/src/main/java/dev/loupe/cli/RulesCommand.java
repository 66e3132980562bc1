package dev.loupe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code loupe rules …}: work with alerting rules. */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    description = "Work with alerting rules.",
    subcommands = RulesTestCommand.class)
final class RulesCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
