package dev.loupe.cli;

import picocli.CommandLine.Command;

/** {@code loupe bench}: load generators that measure a running Loupe over loopback. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Load generators: measure Loupe end to end over loopback.",
    subcommands = {IngestBenchCommand.class, ScrapeBenchCommand.class, OtlpBenchCommand.class,
        StartupBenchCommand.class})
final class BenchCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
