package dev.loupe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real {@code promtool} run on files of a test ({@code check rules}, {@code test rules}).
 * A missing promtool fails the test with the command that installs it.
 */
public final class Promtool {
  /** What promtool printed (stdout and stderr together) and its exit code. */
  public record Run(int exitCode, String output) {}

  private Promtool() {}

  public static Run run(Path workDir, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ExternalServer.binary("promtool", "prometheus").toString());
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("promtool " + String.join(" ", args) + " did not finish in 60 s");
      }
      return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** {@code promtool check rules FILE}. */
  public static Run checkRules(Path file) {
    return run(file.toAbsolutePath().getParent(), "check", "rules", file.getFileName().toString());
  }
}
