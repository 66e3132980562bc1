package dev.loupe.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.testing.MutableClock;
import dev.loupe.testing.RemoteWrite;
import dev.loupe.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page in a real headless Chromium against a running server fed with events: the six tiles
 * render with their statuses on the overview and the model page's latency chart draws each
 * version's lines and the rollout.
 */
class PageBrowserTest {
  @TempDir Path dir;

  @Test
  void tilesAndLatencyChartRender() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.find();
    // The page asks for the last hour of wall-clock time, so the server's clock ends at now. It
    // starts 12 minutes earlier, when a slower version rolls out, and moves 15 s at a time with the
    // rules evaluated at each step, as the server's job does: the pack's latency regression fires
    // 10 minutes after it goes pending, the hot GPU's critical temperature after 2.
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant change = now.minus(Duration.ofMinutes(12));
    MutableClock clock = new MutableClock(change);
    try (TestServer loupe = TestServer.start(dir.resolve("data"), clock, "rules: {evaluation_interval: 1h}\n")) {
      feed(loupe, "v1", now.minus(Duration.ofMinutes(40)), change, 800);
      loupe.post("api/v1/deployments", "{\"timestamp\":" + change.toEpochMilli() + ",\"service\":\"chat-api\","
          + "\"deployment\":\"chat-prod\",\"model\":\"gpt-4o\",\"from_version\":\"v1\",\"to_version\":\"v2\"}");
      for (Instant t = change; t.isBefore(now); t = t.plusSeconds(15)) {
        Instant next = t.plusSeconds(15);
        clock.set(next);
        feed(loupe, "v2", t, next, 1300);
        // Two GPUs: one at 86 °C from 4 minutes before the end (critical), one cool.
        double hot = next.isAfter(now.minus(Duration.ofMinutes(4))) ? 86 : 60;
        RemoteWrite.send(loupe,
            RemoteWrite.series("DCGM_FI_DEV_GPU_TEMP", Map.of("Hostname", "gpu-node-1", "gpu", "0"), next.toEpochMilli(), hot),
            RemoteWrite.series("DCGM_FI_DEV_GPU_TEMP", Map.of("Hostname", "gpu-node-1", "gpu", "1"), next.toEpochMilli(), 55));
        loupe.server().flushRollups();
        loupe.server().evaluateRules();
      }

      String dom = chromium.dumpDom(loupe.server().baseUri(), Duration.ofSeconds(5));

      List<String> tiles = matches(dom, "<article class=\"tile\" data-dimension=\"(\\w+)\" data-status=\"(\\w+)\"");
      assertThat(tiles).containsExactly("compute=critical", "cost=no_data", "model=warning", "security=no_data",
          "network=no_data", "data=no_data");
      assertThat(dom).contains("<ul class=\"units\" data-units=\"compute\">");
      List<String> gpus = matches(dom, "<li data-status=\"(\\w+)\"><span class=\"dot\"></span><span class=\"unit-name\" title=\"gpu-node-1 GPU \\d[^\"]*\">gpu-node-1 GPU (\\d)");
      assertThat(gpus).as("worst first").containsExactly("critical=0", "ok=1");
      assertThat(dom).contains("P95 latency +").contains("model_version v2");
      // The model tile's firing alert is a reason of its own; rules waiting for inputs never seen are folded.
      assertThat(dom).containsPattern("<li class=\"waiting\"><details><summary>\\d+ rules wait for inputs never seen"
          + "</summary><ul><li>\\w+: missing input: ");
      assertThat(pill(dom)).isEqualTo("overall: critical · 2 of 6 dimensions reporting");
      assertThat(dom).doesNotContain("cannot reach Loupe");

      // The model tile leads to the model page, which draws the latency of each deployment by version.
      assertThat(dom).contains("<a class=\"tile-link\" href=\"#/model\">model</a>");
      dom = chromium.dumpDom(loupe.server().baseUri().resolve("/#/model"), Duration.ofSeconds(5));
      assertThat(dom).contains("data-deployment=\"chat-prod\"");
      List<String> paths = matches(dom, "<path class=\"series\" d=\"(M[^\"]+)\"[^>]*data-version=\"(\\w+)\"");
      assertThat(paths).as("a line per version and quantile").hasSize(6);
      for (String p : paths) {
        assertThat(p.split("=")[0].split("L").length).as("points in %s", p).isGreaterThan(3);
      }
      assertThat(dom).contains("class=\"deploy-marker\"").contains("→ v2");
      assertThat(pill(dom)).isEqualTo("overall: critical · 2 of 6 dimensions reporting");
      assertThat(dom).doesNotContain("cannot reach Loupe");
      assertThat(dom).as("the deployment the model tile names comes first, flagged")
          .contains("<div class=\"chart\" data-deployment=\"chat-prod\" data-flagged=\"true\">");

      Path png = Path.of("target", "page-browser-test.png");
      Files.createDirectories(png.getParent());
      chromium.screenshot(loupe.server().baseUri(), png, 1400, 1000, Duration.ofSeconds(5));
      assertThat(Files.size(png)).isGreaterThan(10_000);
    }
  }

  @Test
  void anEmptyServerSaysNoDataEverywhere() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.find();
    try (TestServer loupe = TestServer.start(dir.resolve("empty"), new MutableClock(Instant.now()))) {
      String dom = chromium.dumpDom(loupe.server().baseUri(), Duration.ofSeconds(5));
      assertThat(matches(dom, "data-dimension=\"(\\w+)\" data-status=\"(\\w+)\""))
          .hasSize(6).allMatch(s -> s.endsWith("=no_data"));
      assertThat(pill(dom)).isEqualTo("overall: no data · 0 of 6 dimensions reporting");
      String model = chromium.dumpDom(loupe.server().baseUri().resolve("/#/model"), Duration.ofSeconds(5));
      assertThat(model).contains("class=\"empty\"").contains("No inference data yet");
    }
  }

  /**
   * Issue 9, item 12: inferences in the open minute only make the model tile OK while the chart
   * (closed minutes) has nothing yet: the pill says one dimension reports, and the chart does not
   * say there is no inference data under a tile that judged some.
   */
  @Test
  void withOnlyTheModelReportingThePillSaysSoAndTheChartAgreesWithTheTile() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.find();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    try (TestServer loupe = TestServer.start(dir.resolve("live"), new MutableClock(now))) {
      feed(loupe, "v1", now.minusSeconds(20), now, 800);
      String dom = chromium.dumpDom(loupe.server().baseUri(), Duration.ofSeconds(5));
      assertThat(matches(dom, "data-dimension=\"(\\w+)\" data-status=\"(\\w+)\""))
          .containsExactly("compute=no_data", "cost=no_data", "model=ok", "security=no_data", "network=no_data",
              "data=no_data");
      assertThat(pill(dom)).isEqualTo("overall: ok · 1 of 6 dimensions reporting");
      String model = chromium.dumpDom(loupe.server().baseUri().resolve("/#/model"), Duration.ofSeconds(5));
      assertThat(model).doesNotContain("No inference data yet").contains("Inferences are arriving");

      Path png = Path.of("target", "page-browser-test-model-only.png");
      Files.createDirectories(png.getParent());
      chromium.screenshot(loupe.server().baseUri(), png, 1400, 1000, Duration.ofSeconds(5));
      assertThat(Files.size(png)).isGreaterThan(10_000);
    }
  }

  private static String pill(String dom) {
    Matcher m = Pattern.compile("<div id=\"overall\"[^>]*>([^<]*)</div>").matcher(dom);
    assertThat(m.find()).as("the overall pill in %s", dom).isTrue();
    return m.group(1);
  }

  @Test
  void withTokensThePageAsksForOneAndShowsTheTilesWithIt() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.find();
    String token = "page-0123456789abcdef";
    String yaml = "auth:\n  tokens:\n    - {name: viewer, token: " + token + ", scopes: [read]}\n";
    try (TestServer loupe = TestServer.start(dir.resolve("auth"), new MutableClock(Instant.now()), yaml)) {
      String asked = chromium.dumpDom(loupe.server().baseUri(), Duration.ofSeconds(5));
      assertThat(asked).contains("id=\"token-form\"").contains("this Loupe needs a token")
          .contains("type=\"password\"");
      assertThat(matches(asked, "data-dimension=\"(\\w+)\" data-status=\"(\\w+)\"")).isEmpty();

      String wrong = chromium.dumpDom(loupe.server().baseUri().resolve("/#token=not-the-token"), Duration.ofSeconds(5));
      assertThat(wrong).contains("the token was not accepted");

      // The token as a link carries it: read once into the tab's sessionStorage, then sent as Bearer.
      String shown = chromium.dumpDom(loupe.server().baseUri().resolve("/#token=" + token), Duration.ofSeconds(5));
      assertThat(matches(shown, "data-dimension=\"(\\w+)\" data-status=\"(\\w+)\"")).hasSize(6);
      assertThat(shown).doesNotContain("cannot reach Loupe").doesNotContain(token);
      assertThat(shown).satisfiesAnyOf(d -> assertThat(d).doesNotContain("id=\"token-form\""),
          d -> assertThat(d).contains("id=\"token-form\" class=\"token-form\" hidden"));
      // A read token sees the alerts and the rules (the built-in pack's, here).
      assertThat(shown).contains("<div class=\"alerts-empty\" data-empty=");
      assertThat(shown).contains("<tr class=\"rule\" data-rule=\"GpuTemperatureHigh\"").doesNotContain("data-rules=\"forbidden\"");

      // The token in a notification's link (#/alerts?rule=…&token=…) is taken and the route kept.
      String routed = chromium.dumpDom(loupe.server().baseUri().resolve("/#/rules?x=1&token=" + token), Duration.ofSeconds(5));
      assertThat(routed).contains("<details id=\"rules-view\" class=\"rules-view\" open=\"\">")
          .contains("<tr class=\"rule\"").doesNotContain(token);
    }
  }

  private static List<String> matches(String dom, String regex) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile(regex).matcher(dom);
    while (m.find()) out.add(m.group(1) + "=" + m.group(2));
    return out;
  }

  private static void feed(TestServer loupe, String version, Instant from, Instant to, double base) {
    Random r = new Random(version.hashCode());
    StringBuilder body = new StringBuilder();
    for (Instant t = from; t.isBefore(to); t = t.plusMillis(500)) {
      body.append("{\"timestamp\":").append(t.toEpochMilli())
          .append(",\"service\":\"chat-api\",\"deployment\":\"chat-prod\",\"model\":\"gpt-4o\",\"model_version\":\"")
          .append(version).append("\",\"latency_ms\":").append(base * (0.7 + 0.6 * r.nextDouble())).append("}\n");
    }
    assertThat(loupe.post("api/v1/inferences", body.toString()).status()).isEqualTo(200);
  }
}
