package dev.loupe.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.testing.MutableClock;
import dev.loupe.testing.RemoteWrite;
import dev.loupe.testing.TestServer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerts panel and the rules view in a real headless Chromium, against a real server whose
 * rules the test evaluates by hand over remote-written GPU temperatures: a firing alert (its
 * host label a piece of HTML that must stay text), pending ones after it, a resolved one last, and
 * a rule whose input never arrived.
 */
class AlertsPanelBrowserTest {
  /** A label value that would run script if the page put it in as HTML. */
  static final String XSS = "<img src=x onerror=alert(1)>";
  // The background evaluation is kept out of the way (1h): the test evaluates at its own times.
  static final String RULES = """
      rules:
        evaluation_interval: 1h
        builtin: {enabled: false}
        groups:
          - name: page
            rules:
              - alert: GpuTooHot
                signal: DCGM_FI_DEV_GPU_TEMP
                aggregation: max
                window: 30s
                by: [Hostname, gpu]
                condition: '> 80'
                for: 1m
                severity: critical
                dimension: compute
                annotations:
                  summary: 'GPU {{ $labels.gpu }} on {{ $labels.Hostname }} at {{ $value }} C'
              - alert: GpuWarm
                signal: DCGM_FI_DEV_GPU_TEMP
                aggregation: max
                window: 30s
                by: [Hostname, gpu]
                condition: '> 60'
                for: 10m
                severity: warning
                dimension: compute
              - alert: InfinibandSymbolErrors
                signal: node_infiniband_symbol_error_total
                aggregation: increase
                window: 5m
                by: [instance]
                condition: '> 0'
                severity: warning
                dimension: network
                missing_hint: node_exporter with its infiniband collector
      """;

  @TempDir Path dir;

  @Test
  void firingThenPendingThenResolvedWithLabelsAsTextAndTheRuleWhoseInputNeverCame() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.find();
    // The page judges "since" against the browser's clock: the server's ends at the real now.
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant t0 = now.minus(Duration.ofMinutes(3));
    MutableClock clock = new MutableClock(t0);
    try (TestServer loupe = TestServer.start(dir.resolve("data"), clock, RULES)) {
      // GPU 0 (on the host with the HTML name) hot throughout; GPU 1 warm; GPU 2 hot for 90 s, then cool.
      for (int s = 0; s <= 180; s += 15) {
        Instant t = t0.plusSeconds(s);
        clock.set(t);
        long ms = t.toEpochMilli();
        RemoteWrite.send(loupe,
            RemoteWrite.series("DCGM_FI_DEV_GPU_TEMP", Map.of("Hostname", XSS, "gpu", "0"), ms, 90),
            RemoteWrite.series("DCGM_FI_DEV_GPU_TEMP", Map.of("Hostname", "gpu-node-2", "gpu", "1"), ms, 65),
            RemoteWrite.series("DCGM_FI_DEV_GPU_TEMP", Map.of("Hostname", "gpu-node-2", "gpu", "2"), ms, s < 90 ? 90 : 50));
        loupe.server().evaluateRules();
      }
      clock.set(Instant.now());

      String dom = chromium.dumpDom(loupe.server().baseUri(), Duration.ofSeconds(5));
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "alerts-panel-browser-test.html"), dom); // to read when it fails
      assertThat(dom).doesNotContain("cannot reach Loupe");

      List<String> rows = matches(dom,
          "<li class=\"alert\" data-state=\"(\\w+)\" data-severity=\"(\\w+)\" data-rule=\"(\\w+)\"");
      assertThat(rows).as("firing first, then pending, then resolved").containsExactly(
          "firing critical GpuTooHot", "pending warning GpuWarm", "pending warning GpuWarm", "resolved critical GpuTooHot");
      String firing = alertRow(dom, 0);
      // The host's HTML is a label chip's text and part of the summary, escaped: never an element.
      assertThat(firing).contains("<span class=\"chip-key\">Hostname</span><span class=\"chip-value\">"
          + "&lt;img src=x onerror=alert(1)&gt;</span>");
      assertThat(firing).contains("<span class=\"chip-key\">gpu</span><span class=\"chip-value\">0</span>");
      assertThat(firing).contains("<span class=\"chip-key\">dimension</span><span class=\"chip-value\">compute</span>");
      assertThat(firing).contains("<div class=\"alert-summary\">GPU 0 on &lt;img src=x onerror=alert(1)&gt; at 90 C</div>");
      assertThat(firing).contains("<span class=\"alert-value\" title=\"value 90\">90 °C</span>");
      assertThat(firing).containsPattern("<span class=\"alert-since\" title=\"[^\"]+\">firing since 2 min (\\d+ s )?ago</span>");
      assertThat(withoutAttributeValues(dom)).as("no element made from a label").doesNotContain("<img");
      // The link to its signal: the query_range of the rule's metric narrowed to this alert's labels.
      Matcher link = Pattern.compile("<a class=\"signal-link\" href=\"api/v1/signals/query_range\\?query=([^&\"]+)&amp;")
          .matcher(firing);
      assertThat(link.find()).as(firing).isTrue();
      assertThat(URLDecoder.decode(link.group(1), StandardCharsets.UTF_8))
          .isEqualTo("DCGM_FI_DEV_GPU_TEMP{Hostname=\"" + XSS + "\", gpu=\"0\"}");
      assertThat(alertRow(dom, 1)).contains("pending since 3 min");
      assertThat(alertRow(dom, 3)).contains("gpu-node-2").containsPattern("resolved 1 min (\\d+ s )?ago");
      assertThat(dom).contains("<span id=\"alerts-counts\" class=\"muted\">1 firing · 2 pending · 1 resolved in the last hour</span>");

      // The rules view: the firing rule first; the rule whose input was never seen says so, with its hint.
      List<String> rules = matches(dom, "<tr class=\"rule\" data-rule=\"(\\w+)\" data-severity=\"\\w+\" "
          + "data-state=\"(\\w+)\" data-health=\"(\\w+)\" data-missing=\"(\\d)\"");
      assertThat(rules).containsExactly("GpuTooHot firing ok 0", "GpuWarm pending ok 0", "InfinibandSymbolErrors inactive ok 1");
      assertThat(dom).contains("<tr class=\"missing-input\" data-rule=\"InfinibandSymbolErrors\"><td colspan=\"6\">⚠ missing input: "
          + "node_infiniband_symbol_error_total never seen (node_exporter with its infiniband collector)</td></tr>");
      assertThat(dom).contains("3 rules · 1 firing · 1 pending · 1 with inputs never seen · evaluated every 1h");
      assertThat(dom).contains("<code>max by (Hostname, gpu) (DCGM_FI_DEV_GPU_TEMP[30s]) &gt; 80</code>");
      assertThat(dom).as("for, as the config writes it").contains("<td>1m</td>").contains("<td>10m</td>");

      // A notification's link (#/alerts?rule=…, see LoupeLinks) marks the rule's alerts and opens
      // the first one's signal chart with its threshold.
      String linked = chromium.dumpDom(loupe.server().baseUri().resolve("/#/alerts?rule=GpuTooHot"), Duration.ofSeconds(6));
      String first = alertRow(linked, 0);
      assertThat(first).contains("data-linked=\"true\"").contains("class=\"signal-svg\"")
          .contains("aria-label=\"DCGM_FI_DEV_GPU_TEMP{Hostname=").contains("class=\"threshold\"")
          .contains("<path class=\"series\" d=\"M");
      assertThat(alertRow(linked, 1)).doesNotContain("data-linked");

      Path png = Path.of("target", "alerts-panel-browser-test.png");
      chromium.screenshot(loupe.server().baseUri().resolve("/#/alerts?rule=GpuTooHot"), png, 1400, 1400, Duration.ofSeconds(6));
      assertThat(Files.size(png)).isGreaterThan(10_000);
      Path rulesPng = Path.of("target", "alerts-panel-browser-test-rules.png");
      chromium.screenshot(loupe.server().baseUri().resolve("/#/rules"), rulesPng, 1400, 1800, Duration.ofSeconds(5));
      assertThat(Files.size(rulesPng)).isGreaterThan(10_000);
    }
  }

  @Test
  void theEmptyPanelTellsNoRuleFromNotEvaluatedYetFromNothingFiring() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.find();
    MutableClock clock = new MutableClock(Instant.now());
    try (TestServer loupe = TestServer.start(dir.resolve("none"), clock,
        "rules:\n  evaluation_interval: 1h\n  builtin: {enabled: false}\n")) {
      assertThat(empty(chromium, loupe)).isEqualTo("no-rules");
    }
    try (TestServer loupe = TestServer.start(dir.resolve("some"), clock, RULES)) {
      assertThat(empty(chromium, loupe)).isEqualTo("not-evaluated");
      String dom = chromium.dumpDom(loupe.server().baseUri(), Duration.ofSeconds(5));
      assertThat(dom).contains("No rules evaluated yet: 3 rules wait for the first evaluation.");
      assertThat(dom).contains("data-health=\"unknown\"").contains("not yet");
      loupe.server().evaluateRules();
      dom = chromium.dumpDom(loupe.server().baseUri(), Duration.ofSeconds(5));
      assertThat(dom).contains("data-empty=\"none-firing\"").containsPattern("No alert firing · 3 of 3 rules evaluated, last (just now|\\d+ s ago)");
      assertThat(dom).doesNotContain("<li class=\"alert\"");
    }
  }

  private static String empty(HeadlessChromium chromium, TestServer loupe) throws Exception {
    String dom = chromium.dumpDom(loupe.server().baseUri(), Duration.ofSeconds(5));
    Matcher m = Pattern.compile("<div class=\"alerts-empty\" data-empty=\"([\\w-]+)\"").matcher(dom);
    assertThat(m.find()).as(dom).isTrue();
    return m.group(1);
  }

  /** The n-th alert row's markup. */
  private static String alertRow(String dom, int n) {
    String[] rows = dom.split("<li class=\"alert\" ");
    assertThat(rows.length).as("alert rows in %s", dom).isGreaterThan(n + 1);
    String row = rows[n + 1];
    int end = row.indexOf("</section>");
    return end < 0 ? row : row.substring(0, end);
  }

  /** The markup with every attribute's value emptied, so what is left is elements and text. */
  private static String withoutAttributeValues(String dom) {
    return dom.replaceAll("=\"[^\"]*\"", "=\"\"");
  }

  private static List<String> matches(String dom, String regex) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile(regex).matcher(dom);
    while (m.find()) {
      List<String> groups = new ArrayList<>();
      for (int i = 1; i <= m.groupCount(); i++) groups.add(m.group(i));
      out.add(String.join(" ", groups));
    }
    return out;
  }
}
