package dev.loupe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code loupe prices …}: work with the price catalog. */
@Command(
    name = "prices",
    mixinStandardHelpOptions = true,
    description = "Work with the price catalog that prices inferences and GPU hours.",
    subcommands = PricesImportCommand.class)
final class PricesCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
