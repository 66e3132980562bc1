package dev.loupe.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code loupe}: the command line entry point. Each subcommand is its own class. */
@Command(
    name = "loupe",
    mixinStandardHelpOptions = true,
    versionProvider = LoupeCommand.Version.class,
    description = "AI observability: watches compute, cost, model, security, network and data.",
    subcommands = {
      ServeCommand.class,
      DemoCommand.class,
      CheckCommand.class,
      RulesCommand.class,
      ExportRulesCommand.class,
      PricesCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class LoupeCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (code != 0 || !isServing(args)) {
      System.exit(code);
    }
  }

  /** The configured picocli command line (tests run commands through it). */
  public static CommandLine commandLine() {
    return new CommandLine(new LoupeCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  private static boolean isServing(String[] args) {
    return args.length > 0 && (args[0].equals("serve") || args[0].equals("demo"));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** The version Maven built into the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"loupe " + version(), "Java " + Runtime.version()};
    }
  }

  static String version() {
    try (InputStream in = LoupeCommand.class.getResourceAsStream("/dev/loupe/version.properties")) {
      Properties p = new Properties();
      if (in != null) p.load(in);
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
