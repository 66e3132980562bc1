package dev.loupe.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.ingest.prometheus.remote.proto.TimeSeries;
import dev.loupe.model.ApiKeyHash;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.RemoteWrite;
import dev.loupe.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cost tile and panel in a real headless Chromium: today's spend against the organisation's
 * daily budget, spend per model and version, the top movers of the last hour, the breakdown by
 * tenant and API key, GPU spend with the idle training GPU's waste beside token spend, and the
 * unpriced model. The page asks for today (UTC) of wall-clock time, so the server's clock is now.
 */
class CostPanelBrowserTest {
  static final String CONFIG = """
      rules: {evaluation_interval: 1h}
      prices:
        models:
          - {model: gpt-4o, input: 2.50, output: 10.00}
        gpus:
          - {model: NVIDIA H100 80GB HBM3, hourly: 4.00}
      budgets:
        - {name: org-daily, scope: organisation, limit: 100, period: daily}
      """;

  @TempDir Path dir;

  @Test
  void theCostTileAndPanelShowSpendAgainstBudgetAndGpuWaste() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.find();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant today = now.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
    // Ten minutes back, or to just after midnight when the test runs in the first minutes of a UTC day.
    Instant from = now.minus(Duration.ofMinutes(10)).isAfter(today) ? now.minus(Duration.ofMinutes(10)) : today.plusSeconds(1);
    MutableClock clock = new MutableClock(now);
    try (TestServer loupe = TestServer.start(dir, clock, CONFIG)) {
      StringBuilder body = new StringBuilder();
      int i = 0;
      for (Instant t = from; t.isBefore(now); t = t.plusSeconds(5), i++) {
        // v2 of chat-prod writes longer answers; acme pays more than globex; one model has no price.
        body.append(line(t, "chat-prod", "gpt-4o", i % 2 == 0 ? "v1" : "v2", i % 3 == 0 ? "globex" : "acme",
            "k-" + (i % 2), 1000, i % 2 == 0 ? 200 : 600)).append('\n');
        if (i % 10 == 0) body.append(line(t, "exp-prod", "mystery-llm", "1", "acme", "k-9", 800, 100)).append('\n');
      }
      assertThat(loupe.post("api/v1/inferences", body.toString()).status()).isEqualTo(200);
      List<TimeSeries> samples = new ArrayList<>();
      for (Instant t = from; t.isBefore(now); t = t.plusSeconds(15)) {
        samples.add(RemoteWrite.series("DCGM_FI_DEV_GPU_UTIL", Map.of("Hostname", "train-node-1", "gpu", "0",
            "UUID", "GPU-t0", "modelName", "NVIDIA H100 80GB HBM3", "namespace", "train-llm"), t.toEpochMilli(), 2));
        samples.add(RemoteWrite.series("DCGM_FI_DEV_GPU_UTIL", Map.of("Hostname", "gpu-node-1", "gpu", "0",
            "UUID", "GPU-s0", "modelName", "NVIDIA H100 80GB HBM3", "namespace", "llm-serving"), t.toEpochMilli(), 70));
      }
      RemoteWrite.send(loupe, samples.toArray(TimeSeries[]::new));
      loupe.server().evaluateRules();

      String dom = chromium.dumpDom(loupe.server().baseUri(), Duration.ofSeconds(5));

      assertThat(dom).contains("data-dimension=\"cost\" data-status=\"warning\"");
      Matcher spend = Pattern.compile("<div class=\"cost-summary\" data-spend-today=\"([0-9.]+)\" data-budget=\"org-daily\">")
          .matcher(dom);
      assertThat(spend.find()).as(dom).isTrue();
      double today$ = Double.parseDouble(spend.group(1));
      assertThat(today$).isPositive();
      assertThat(dom).contains(" spent today of $100 (org-daily, ");
      assertThat(dom).contains("<li data-model=\"gpt-4o\" data-version=\"v2\">gpt-4o v2: $");
      assertThat(dom).contains("class=\"cost-movers\"").contains("▲ chat-prod v2");
      assertThat(dom).contains("GPUs $").contains("of it idle");
      assertThat(dom).contains("mystery-llm has no price");
      assertThat(dom).contains("<li data-model=\"mystery-llm\" data-version=\"1\">mystery-llm 1: unknown (");

      // The cost page: the tables over the page's range (the last hour, which holds all of today's spend here).
      dom = chromium.dumpDom(loupe.server().baseUri().resolve("/#/cost"), Duration.ofSeconds(5));
      Matcher totals = Pattern.compile("data-token-spend=\"([0-9.]+)\" data-gpu-spend=\"([0-9.]+)\" data-gpu-waste=\"([0-9.]+)\"")
          .matcher(dom);
      assertThat(totals.find()).isTrue();
      assertThat(Double.parseDouble(totals.group(1))).isEqualTo(today$);
      double gpu = Double.parseDouble(totals.group(2));
      double waste = Double.parseDouble(totals.group(3));
      assertThat(waste).as("the idle training GPU's half").isCloseTo(gpu / 2, org.assertj.core.data.Offset.offset(1e-6));
      assertThat(dom).contains("data-table=\"versions\"").contains("data-table=\"tenants\"")
          .contains("data-table=\"keys\"").contains("data-table=\"gpus\"").contains("data-table=\"budgets\"");
      assertThat(tableRows(dom, "tenants")).startsWith("acme", "globex");
      assertThat(tableRows(dom, "keys")).contains(ApiKeyHash.of("k-1"), ApiKeyHash.of("k-0"));
      assertThat(tableRows(dom, "gpus")).containsExactlyInAnyOrder("NVIDIA H100 80GB HBM3", "NVIDIA H100 80GB HBM3");
      assertThat(dom).contains("<li data-model=\"mystery-llm\">mystery-llm: ");
      assertThat(dom).doesNotContain("cost unavailable").doesNotContain("cannot reach Loupe");

      Path png = Path.of("target", "cost-panel-browser-test.png");
      Files.createDirectories(png.getParent());
      chromium.screenshot(loupe.server().baseUri().resolve("/#/cost"), png, 1400, 1600, Duration.ofSeconds(5));
      assertThat(Files.size(png)).isGreaterThan(10_000);
    }
  }

  /** The first cell of each row of one cost table. */
  private static List<String> tableRows(String dom, String table) {
    int at = dom.indexOf("data-table=\"" + table + "\"");
    assertThat(at).as("table %s", table).isPositive();
    String rest = dom.substring(at, dom.indexOf("</table>", at));
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<tr><td>([^<]*)</td>").matcher(rest);
    while (m.find()) out.add(m.group(1));
    return out;
  }

  private static String line(Instant t, String deployment, String model, String version, String tenant, String key,
      long in, long out) {
    return "{\"timestamp\":" + t.toEpochMilli() + ",\"deployment\":\"" + deployment + "\",\"model\":\"" + model
        + "\",\"model_version\":\"" + version + "\",\"tenant\":\"" + tenant + "\",\"api_key\":\"" + key
        + "\",\"input_tokens\":" + in + ",\"output_tokens\":" + out + ",\"latency_ms\":300}";
  }
}
