package dev.loupe.browser;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's real headless Chromium, driven from tests. Missing Chromium fails the test with how to
 * install it; it never skips.
 */
public final class HeadlessChromium {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private final Path binary;

  private HeadlessChromium(Path binary) {
    this.binary = binary;
  }

  public static HeadlessChromium find() {
    String override = System.getenv("LOUPE_CHROMIUM");
    List<Path> candidates = new ArrayList<>();
    if (override != null) candidates.add(Path.of(override));
    candidates.add(Path.of("/usr/bin/chromium"));
    candidates.add(Path.of("/usr/bin/chromium-browser"));
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty()) candidates.add(Path.of(dir, "chromium"));
    }
    for (Path p : candidates) {
      if (Files.isExecutable(p)) return new HeadlessChromium(p);
    }
    throw new AssertionError("Chromium is needed for the browser test and was not found. "
        + "Install it with: apt-get install -y chromium (or set LOUPE_CHROMIUM to its path)");
  }

  /** The DOM after the page's scripts ran for {@code budget} of virtual time. */
  public String dumpDom(URI url, Duration budget) throws IOException, InterruptedException {
    return run(List.of("--virtual-time-budget=" + budget.toMillis(), "--dump-dom", url.toString()), null);
  }

  /** Saves a screenshot of the page to {@code png}. */
  public Path screenshot(URI url, Path png, int width, int height, Duration budget)
      throws IOException, InterruptedException {
    run(List.of("--virtual-time-budget=" + budget.toMillis(), "--window-size=" + width + "," + height,
        "--screenshot=" + png.toAbsolutePath(), url.toString()), png);
    return png;
  }

  /** One console message of the page, at the wall-clock time Chromium logged it. */
  public record ConsoleLine(java.time.LocalTime at, String message) {}

  /**
   * The page's console messages, each with the real time Chromium wrote it to its log. Unlike the
   * page's own clock under {@code --virtual-time-budget}, which stands still while requests are
   * pending, these times include the wait for the server: the time between two lines is what a
   * user waits.
   */
  public List<ConsoleLine> console(URI url, Duration budget) throws IOException, InterruptedException {
    String log = runForLog(List.of("--enable-logging=stderr", "--v=0", "--virtual-time-budget=" + budget.toMillis(),
        "--dump-dom", url.toString()));
    // [pid:tid:MMDD/HHMMSS.micros:INFO:CONSOLE(n)] "message", source: …
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("\\[\\d+:\\d+:\\d{4}/(\\d{2})(\\d{2})(\\d{2})\\.(\\d{6}):INFO:CONSOLE[^\\]]*\\] \"(.*)\", source:")
        .matcher(log);
    List<ConsoleLine> out = new ArrayList<>();
    while (m.find()) {
      out.add(new ConsoleLine(java.time.LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
          Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)) * 1000), m.group(5)));
    }
    return out;
  }

  private String runForLog(List<String> args) throws IOException, InterruptedException {
    Path log = Files.createTempFile("loupe-chromium-", ".log");
    try {
      run(args, null, log);
      return Files.readString(log);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private String run(List<String> args, Path expectedFile) throws IOException, InterruptedException {
    return run(args, expectedFile, null);
  }

  private String run(List<String> args, Path expectedFile, Path keepStderr) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("loupe-chromium-");
    Path stderr = Files.createTempFile("loupe-chromium-", ".err");
    try {
      List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox",
          "--disable-gpu", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
          "--user-data-dir=" + profile));
      cmd.addAll(args);
      Process p = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new IOException("chromium did not finish within " + TIMEOUT + ": " + tail(stderr));
      }
      if (p.exitValue() != 0 || (expectedFile != null && !Files.exists(expectedFile))) {
        throw new IOException("chromium failed (exit " + p.exitValue() + "): " + tail(stderr));
      }
      if (keepStderr != null) Files.copy(stderr, keepStderr, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return new String(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(stderr);
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static String tail(Path file) throws IOException {
    String s = Files.readString(file);
    return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
  }
}
