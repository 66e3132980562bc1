package dev.loupe.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long the overview takes to draw over thirty days of the demo's data ({@link DemoMonth}) in
 * headless Chromium: the wall-clock time from the page's first script to its "rendered" console
 * line, as Chromium logged both (its requests to Loupe included). A measurement, not a test of the
 * suite (its name does not end in Test): run it with
 * {@code mvn -q -B -ntp -o -pl loupe-server -am test -Dtest=OverviewSpeed -Dsurefire.failIfNoSpecifiedTests=false};
 * it prints the runs and writes them to {@code target/overview-speed.txt} (BENCHMARKS.md).
 */
class OverviewSpeed {
  static final int RUNS = 7;

  @TempDir Path dir;

  @Test
  void overviewOverThirtyDaysOfDemoData() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.find();
    long t = System.nanoTime();
    long samples = DemoMonth.write(dir, System.currentTimeMillis());
    String written = String.format(Locale.ROOT, "30 days of demo data written in %.1f s (%,d samples, 3 deployments of"
        + " minute rollups, 43,200 scores)", (System.nanoTime() - t) / 1e9, samples);
    System.out.println(written);
    StringBuilder report = new StringBuilder(written).append('\n');
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC(), "rules: {evaluation_interval: 1h}\n")) {
      for (String range : new String[] {"now-30d", "now-1h"}) {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
          List<HeadlessChromium.ConsoleLine> lines = chromium.console(
              loupe.server().baseUri().resolve("/#/overview?from=" + range + "&to=now&refresh=off"), Duration.ofSeconds(30));
          HeadlessChromium.ConsoleLine start = find(lines, "loupe: scripts start");
          HeadlessChromium.ConsoleLine done = find(lines, "loupe: rendered overview");
          millis.add(Duration.between(start.at(), done.at()).toMillis());
        }
        List<Long> sorted = millis.stream().sorted().toList();
        String line = String.format(Locale.ROOT, "overview, %s to now: median %d ms, min %d ms, max %d ms over %d runs %s",
            range, sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1), RUNS, millis);
        System.out.println(line);
        report.append(line).append('\n');
      }
    }
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "overview-speed.txt"), report.toString());
  }

  private static HeadlessChromium.ConsoleLine find(List<HeadlessChromium.ConsoleLine> lines, String message) {
    return lines.stream().filter(l -> l.message().equals(message)).findFirst()
        .orElseThrow(() -> new AssertionError("no console line '" + message + "' in " + lines));
  }

  @Test
  void theMonthHoldsWhatTheOverviewDraws() throws Exception {
    DemoMonth.write(dir, System.currentTimeMillis());
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC(), "rules: {evaluation_interval: 1h}\n")) {
      long end = System.currentTimeMillis() / 1000;
      var latency = loupe.get("api/v1/signals/query_range?query=loupe_model_latency_seconds&start=" + (end - 30 * 86400)
          + "&end=" + end + "&step=10800").json().at("/data/result");
      assertThat(latency.size()).as("3 deployments, 4 versions, 3 quantiles").isEqualTo(12);
      var util = loupe.get("api/v1/signals/query_range?query=DCGM_FI_DEV_GPU_UTIL&start=" + (end - 30 * 86400)
          + "&end=" + end + "&step=10800").json().at("/data/result");
      assertThat(util.size()).isEqualTo(10);
      assertThat(util.get(0).get("values").size()).isGreaterThan(230);
    }
  }
}
