package dev.loupe.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.browser.HeadlessChromium;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's "done when", in a real headless Chromium against the demo's own traffic (its RAG
 * traces included) on a test clock that ends at the real now: from the red model tile to the
 * signal, the deployment, the version change and one slow trace of the new version in four
 * clicks, each a link the test follows as a user would, the range and paused refresh carried in
 * every URL. Screenshots of the overview, the version compare and the trace go to
 * {@code loupe.screenshots} (default {@code target/screenshots}; the README's come from here).
 */
class DemoPageBrowserTest {
  @TempDir Path dir;

  @Test
  void fromTheRedTileToASlowTraceOfTheNewVersionInFourClicks() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.find();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    MutableClock clock = new MutableClock(now.minus(Duration.ofMinutes(5)));
    String rules = DemoSimulator.rulesYaml().replace("evaluation_interval: 5s", "evaluation_interval: 1h");
    try (TestServer loupe = TestServer.start(dir, clock, rules);
        DemoSimulator sim = new DemoSimulator(loupe.server().baseUri(), clock, Duration.ofMinutes(1), 1.5, s -> {})) {
      sim.sendTracesTo(URI.create("http://127.0.0.1:" + loupe.server().otlpHttpPort() + "/"));
      sim.backfill();
      for (Duration elapsed = Duration.ZERO; clock.instant().isBefore(now); elapsed = elapsed.plusSeconds(5)) {
        if (elapsed.equals(Duration.ofMinutes(1))) sim.rollOut();
        clock.advance(Duration.ofSeconds(5));
        sim.sendUntilNow();
        loupe.server().flushRollups();
        loupe.server().evaluateRules();
      }
      JsonNode model = loupe.get("api/v1/health").json().at("/dimensions/model");
      assertThat(model.get("status").asText()).as(model.toString()).isIn("warning", "critical");
      JsonNode traces = loupe.get("api/v1/traces?limit=1000&start=" + now.minus(Duration.ofMinutes(40))).json().get("data");
      assertThat(traces.size()).as("the demo's RAG traces").isGreaterThan(100);

      URI base = loupe.server().baseUri();
      String range = "from=now-3h&amp;to=now&amp;refresh=off";
      String overview = chromium.dumpDom(base.resolve("/#/overview?from=now-3h&to=now&refresh=off"), Duration.ofSeconds(6));
      save("demo-page-overview.html", overview);
      assertThat(overview).contains("<div id=\"range-picker\" class=\"range-picker\" data-from=\"now-3h\" data-to=\"now\""
          + " data-refresh=\"off\">").contains("data-paused=\"true\"");
      // The strip: infrastructure beside AI over the same range, the AI side as red as the model tile.
      assertThat(overview).containsPattern("<div class=\"strip-side\" data-side=\"infra\" data-status=\"\\w+\">")
          .contains("<div class=\"strip-side\" data-side=\"ai\" data-status=\"" + model.get("status").asText() + "\">");
      assertThat(overview).contains("data-signal=\"GPU utilization\"").contains("data-signal=\"Latency P95\"");

      // 1. The red tile leads to the signal: the model page, latency by deployment and version.
      String tile = between(overview, "data-dimension=\"model\" data-status=\"" + model.get("status").asText() + "\"", "</article>");
      String signalLink = href(tile, "tile-link");
      assertThat(signalLink).isEqualTo("#/model?" + range);
      String signal = chromium.dumpDom(base.resolve("/" + unescape(signalLink)), Duration.ofSeconds(6));
      save("demo-page-signal.html", signal);
      assertThat(signal).contains("data-rendered=\"model\"");
      // 2. The deployment the tile names, flagged and first, to its own page.
      String card = between(signal, "<div class=\"chart\" data-deployment=\"chat-prod\" data-flagged=\"true\">", "</svg>");
      assertThat(card).contains("data-version=\"" + DemoSimulator.NEW_VERSION + "\"").contains("→ " + DemoSimulator.NEW_VERSION);
      String deploymentLink = href(card, "deployment-link");
      assertThat(deploymentLink).isEqualTo("#/model?" + range + "&amp;deployment=chat-prod");
      String deployment = chromium.dumpDom(base.resolve("/" + unescape(deploymentLink)), Duration.ofSeconds(6));
      save("demo-page-deployment.html", deployment);
      assertThat(deployment).contains("<h2 data-deployment=\"chat-prod\">chat-prod");
      for (String s : new String[] {"latency", "ttft", "tokens", "throughput", "errors", "throttled", "queue", "cache"}) {
        assertThat(deployment).contains("data-signal=\"" + s + "\"");
      }
      // 3. The version change, to the two versions side by side.
      String change = between(deployment, "<li data-from=\"" + DemoSimulator.OLD_VERSION + "\" data-to=\""
          + DemoSimulator.NEW_VERSION + "\">", "</li>");
      String compareLink = href(change, "compare-link");
      String compare = chromium.dumpDom(base.resolve("/" + unescape(compareLink)), Duration.ofSeconds(8));
      save("demo-page-compare.html", compare);
      assertThat(compare).contains("<tr data-signal=\"latency_ms\" data-regression=\"true\">")
          .contains("Every signal · " + DemoSimulator.OLD_VERSION + " → " + DemoSimulator.NEW_VERSION);
      // 4. One slow trace of the new version, to its waterfall.
      String slow = between(compare, "<div class=\"slow-traces\" data-version=\"" + DemoSimulator.NEW_VERSION + "\">", "</ul>");
      String traceLink = href(slow, "trace-link");
      assertThat(traceLink).matches("#/trace/[0-9a-f]{32}\\?" + range.replace("?", "\\?"));
      String trace = chromium.dumpDom(base.resolve("/" + unescape(traceLink)), Duration.ofSeconds(6));
      save("demo-page-trace.html", trace);
      assertThat(trace).contains("data-name=\"POST /v1/chat\"").contains("data-name=\"search kb-prod\"")
          .containsPattern("data-name=\"chat gpt-4o\" data-status=\"\\w+\" data-llm=\"true\"");
      String call = between(trace, "<div class=\"llm-call\" data-model=\"gpt-4o\" data-version=\"" + DemoSimulator.NEW_VERSION + "\">",
          "</dl>");
      assertThat(call).containsPattern("<dd data-fact=\"tokens_in\" title=\"\\d+\">\\d+</dd>")
          .containsPattern("<dd data-fact=\"cost\" title=\"\\$0\\.\\d+\">")
          .contains("<a href=\"#/model?" + range + "&amp;deployment=chat-prod\">chat-prod</a>");
      // The trace is among the slowest: slower than the old version's median latency.
      Matcher duration = Pattern.compile("<h2 data-trace=\"[0-9a-f]{32}\">POST /v1/chat <span class=\"muted\">([\\d.]+) (ms|s) ")
          .matcher(trace);
      assertThat(duration.find()).as(trace).isTrue();
      double ms = Double.parseDouble(duration.group(1)) * (duration.group(2).equals("s") ? 1000 : 1);
      assertThat(ms).isGreaterThan(820);

      Path shots = Path.of(System.getProperty("loupe.screenshots", "target/screenshots"));
      Files.createDirectories(shots);
      chromium.screenshot(base.resolve("/#/overview?from=now-1h&to=now&refresh=off"), shots.resolve("overview.png"), 1400, 1200,
          Duration.ofSeconds(6));
      chromium.screenshot(base.resolve("/" + unescape(compareLink).replace("now-3h", "now-1h")), shots.resolve("version-compare.png"),
          1400, 1500, Duration.ofSeconds(8));
      chromium.screenshot(base.resolve("/" + unescape(traceLink)), shots.resolve("trace.png"), 1400, 700, Duration.ofSeconds(6));
      for (String png : new String[] {"overview.png", "version-compare.png", "trace.png"}) {
        assertThat(Files.size(shots.resolve(png))).isGreaterThan(20_000);
      }
    }
  }

  /** The href of the first link of class {@code cls} in {@code html}, as written (entities kept). */
  private static String href(String html, String cls) {
    Matcher m = Pattern.compile("<a class=\"" + cls + "\" href=\"([^\"]+)\"").matcher(html);
    assertThat(m.find()).as("a link of class %s in %s", cls, html).isTrue();
    return m.group(1);
  }

  private static String between(String html, String from, String to) {
    int at = html.indexOf(from);
    assertThat(at).as("%s in the page", from).isGreaterThanOrEqualTo(0);
    int end = html.indexOf(to, at);
    return html.substring(at, end < 0 ? html.length() : end);
  }

  private static String unescape(String href) {
    return href.replace("&amp;", "&");
  }

  private static void save(String name, String dom) throws java.io.IOException {
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", name), dom); // to read when it fails
  }
}
