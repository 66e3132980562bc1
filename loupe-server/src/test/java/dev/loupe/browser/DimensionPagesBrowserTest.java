package dev.loupe.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.loupe.ingest.prometheus.remote.proto.TimeSeries;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.RemoteWrite;
import dev.loupe.testing.TestServer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dimension pages in a real headless Chromium, each loaded from a URL with its range: one
 * deployment's model signals by version (latency P50/P95/P99, time to first token, tokens/s,
 * throughput, error and 429 rates, queue depth, cache hits) with its rollout marked in the new
 * version's colour and the values at a moment pinned in the URL; the cost tables; the GPU grid
 * and heat maps with an XID event; a port's throughput; a pipeline's failed run; and the security
 * page's place for its panel.
 */
class DimensionPagesBrowserTest {
  @TempDir java.nio.file.Path dir;

  static final String PRICES = """
      rules: {evaluation_interval: 1h}
      prices:
        models:
          - {model: gpt-4o, input: 2.50, output: 10.00}
      """;

  @Test
  void theModelPageShowsEverySignalOfADeploymentByVersionAndTheCostPageItsSpend() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.find();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    // One request a second from a whole minute 12 minutes back: v1 for six minutes (800 ms, first
    // token at 200 ms), then v2 (1.6 s, 400 ms). Each minute: 6 errors, 3 throttled (429) of 60.
    Instant start = now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(12));
    Instant change = start.plus(Duration.ofMinutes(6));
    MutableClock clock = new MutableClock(start);
    try (TestServer loupe = TestServer.start(dir, clock, PRICES)) {
      int i = 0;
      for (Instant t = start; t.isBefore(now); t = t.plusSeconds(15)) {
        Instant next = t.plusSeconds(15).isAfter(now) ? now : t.plusSeconds(15);
        if (t.equals(change)) {
          assertThat(loupe.post("api/v1/deployments", "{\"timestamp\":\"" + change + "\",\"service\":\"chat-api\","
              + "\"deployment\":\"chat-prod\",\"model\":\"gpt-4o\",\"from_version\":\"v1\",\"to_version\":\"v2\"}").status())
              .isEqualTo(200);
        }
        StringBuilder body = new StringBuilder();
        for (Instant s = t; s.isBefore(next); s = s.plusSeconds(1), i++) {
          boolean v2 = !s.isBefore(change);
          String status = i % 10 == 0 ? "error" : i % 20 == 5 ? "throttled" : "ok";
          body.append(String.format(Locale.ROOT, "{\"timestamp\":%d,\"service\":\"chat-api\",\"deployment\":\"chat-prod\","
                  + "\"model\":\"gpt-4o\",\"model_version\":\"%s\",\"request_id\":\"r-%d\",\"input_tokens\":500,"
                  + "\"output_tokens\":120,\"latency_ms\":%d,\"ttft_ms\":%d,\"status\":\"%s\",\"http_status\":%d,"
                  + "\"cache_hit\":%b}%n", s.toEpochMilli(), v2 ? "v2" : "v1", i, v2 ? 1600 : 800, v2 ? 400 : 200, status,
              status.equals("ok") ? 200 : status.equals("error") ? 500 : 429, i % 4 == 0));
        }
        assertThat(loupe.post("api/v1/inferences", body.toString()).status()).isEqualTo(200);
        RemoteWrite.send(loupe, RemoteWrite.series("vllm:num_requests_waiting",
            Map.of("instance", "vllm-0:8000", "model_name", "gpt-4o"), next.toEpochMilli(), 3));
        clock.set(next);
        loupe.server().flushRollups();
      }
      URI base = loupe.server().baseUri();
      // Pinned in the middle of a whole minute of v2: every chart shows its values there.
      long at = change.plus(Duration.ofMinutes(3)).plusSeconds(30).getEpochSecond();
      String model = chromium.dumpDom(base.resolve("/#/model?deployment=chat-prod&from=now-15m&to=now&refresh=off&at=" + at),
          Duration.ofSeconds(6));
      keepsTheRange(model, "model");
      assertThat(model).contains("<h2 data-deployment=\"chat-prod\">chat-prod")
          .contains("<a href=\"#/model?from=now-15m&amp;to=now&amp;refresh=off\" class=\"back\">← all deployments</a>");
      String latency = card(model, "latency");
      for (String v : new String[] {"v1", "v2"}) {
        for (String q : new String[] {"0.5", "0.95", "0.99"}) {
          assertThat(latency).containsPattern("<path class=\"series\" d=\"M[^\"]+\"[^>]*data-version=\"" + v
              + "\" data-quantile=\"" + q + "\"");
        }
      }
      assertThat(tip(latency)).containsExactly("v2 P50=1.6 s", "v2 P95=1.6 s", "v2 P99=1.6 s");
      assertThat(tip(card(model, "ttft"))).containsExactly("v2 P50=400 ms", "v2 P95=400 ms", "v2 P99=400 ms");
      assertThat(tip(card(model, "tokens"))).containsExactly("v2=120/s");
      assertThat(tip(card(model, "throughput"))).containsExactly("v2=1/s");
      assertThat(tip(card(model, "errors"))).containsExactly("v2=10 %");
      assertThat(tip(card(model, "throttled"))).containsExactly("v2=5 %");
      assertThat(card(model, "queue")).contains("vllm:num_requests_waiting").contains("<span class=\"tip-value\">3</span>");
      assertThat(card(model, "cache")).containsPattern("<li data-version=\"v2\"><i [^>]*></i><span>version v2: </span>"
          + "<strong>2\\d(\\.\\d+)? %</strong>");
      // The rollout: marked on every chart in v2's colour, the colour of v2's lines; listed with a link to compare.
      Matcher v2Line = Pattern.compile("stroke=\"(#[0-9a-f]{6})\"[^>]*data-version=\"v2\"").matcher(latency);
      assertThat(v2Line.find()).isTrue();
      assertThat(Pattern.compile("<g class=\"deploy-marker\" data-to-version=\"v2\" style=\"--marker: ([^;]+);\">")
          .matcher(model).results().map(m -> m.group(1)).toList()).hasSize(7)
          .allMatch(c -> c.equals(v2Line.group(1)) || c.equals(rgb(v2Line.group(1))));
      assertThat(model).contains("<li data-from=\"v1\" data-to=\"v2\">")
          .contains("href=\"#/compare?from=now-15m&amp;to=now&amp;refresh=off&amp;deployment=chat-prod&amp;a=v1&amp;b=v2\"");

      // The cost page over the same range: 720 requests of 500 tokens in ($2.50/M) and 120 out ($10/M).
      String cost = chromium.dumpDom(base.resolve("/#/cost?from=now-15m&to=now&refresh=off"), Duration.ofSeconds(6));
      keepsTheRange(cost, "cost");
      Matcher spend = Pattern.compile("data-token-spend=\"([0-9.]+)\"").matcher(cost);
      assertThat(spend.find()).as(cost).isTrue();
      long requests = Duration.between(start, now).toSeconds();
      assertThat(Double.parseDouble(spend.group(1))).isCloseTo(requests * (500 * 2.5 + 120 * 10) / 1e6, within(1e-9));
      // Per version: v1's 360 requests, v2's the rest, each $0.00245.
      String versions = cost.substring(cost.indexOf("data-table=\"versions\""), cost.indexOf("</table>", cost.indexOf("data-table=\"versions\"")));
      assertThat(versions).contains("<tr><td>gpt-4o</td><td>v1</td><td class=\"num\">$0.882</td><td class=\"num\">360</td>")
          .containsPattern("<tr><td>gpt-4o</td><td>v2</td><td class=\"num\">\\$[0-9.]+</td><td class=\"num\">" + (requests - 360)
              + "</td><td class=\"num\">\\$2.45</td><td class=\"num\">\\$0.00245</td>");
      for (String page : new String[] {model, cost}) assertThat(page).doesNotContain("cannot reach Loupe");
    }
  }

  /** The range and paused refresh from the URL: on the picker, in every view's link. */
  private static void keepsTheRange(String dom, String view) {
    assertThat(dom).contains("data-rendered=\"" + view + "\"")
        .contains("<div id=\"range-picker\" class=\"range-picker\" data-from=\"now-15m\" data-to=\"now\" data-refresh=\"off\">");
    for (String v : new String[] {"overview", "model", "compute", "network", "cost", "data", "security", "traces"}) {
      assertThat(dom).contains("<a href=\"#/" + v + "?from=now-15m&amp;to=now&amp;refresh=off\" data-nav=\"" + v + "\"");
    }
  }

  /** One chart card of the model page, by its signal. */
  private static String card(String dom, String signal) {
    int at = dom.indexOf("<div class=\"chart\" data-signal=\"" + signal + "\">");
    assertThat(at).as("the %s chart", signal).isGreaterThanOrEqualTo(0);
    int end = dom.indexOf("<div class=\"chart\"", at + 1);
    return dom.substring(at, end < 0 ? dom.length() : end);
  }

  /** The hover box's rows (series=value) of a chart: what a pinned moment shows without a pointer. */
  private static List<String> tip(String card) {
    int at = card.indexOf("<div class=\"plot-tip\"");
    assertThat(at).as("a hover box shown in %s", card).isGreaterThanOrEqualTo(0);
    return Pattern.compile("<li data-series=\"([^\"]+)\">.*?<span class=\"tip-value\">([^<]+)</span></li>")
        .matcher(card.substring(at)).results().map(m -> m.group(1) + "=" + m.group(2)).toList();
  }

  /** #e8590c as Chromium writes a style colour back: rgb(232, 89, 12). */
  private static String rgb(String hex) {
    int v = Integer.parseInt(hex.substring(1), 16);
    return "rgb(" + (v >> 16) + ", " + ((v >> 8) & 255) + ", " + (v & 255) + ")";
  }

  @Test
  void computeNetworkDataAndSecurityShowWhatWasSent() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.find();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    try (TestServer loupe = TestServer.start(dir, new MutableClock(now), "rules: {evaluation_interval: 1h}\n")) {
      List<TimeSeries> samples = new ArrayList<>();
      for (Instant t = now.minus(Duration.ofMinutes(10)); !t.isAfter(now); t = t.plusSeconds(15)) {
        long ms = t.toEpochMilli();
        long s = (ms - now.minus(Duration.ofMinutes(10)).toEpochMilli()) / 1000;
        for (int g = 0; g < 2; g++) {
          Map<String, String> gpu = Map.of("Hostname", "gpu-node-1", "gpu", String.valueOf(g), "UUID", "GPU-" + g,
              "modelName", "NVIDIA H100 80GB HBM3", "namespace", "llm-serving", "pod", "vllm-chat-with-a-long-pod-name-" + g);
          samples.add(RemoteWrite.series("DCGM_FI_DEV_GPU_UTIL", gpu, ms, g == 0 ? 90 : 10));
          samples.add(RemoteWrite.series("DCGM_FI_DEV_GPU_TEMP", gpu, ms, g == 0 ? 71 : 45));
          samples.add(RemoteWrite.series("DCGM_FI_DEV_FB_USED", gpu, ms, 60_000));
          samples.add(RemoteWrite.series("DCGM_FI_DEV_FB_FREE", gpu, ms, 20_000));
          // GPU 1 reports XID 79 (fallen off the bus) from five minutes before the end.
          samples.add(RemoteWrite.series("DCGM_FI_DEV_XID_ERRORS", gpu, ms, g == 1 && s >= 300 ? 79 : 0));
        }
        Map<String, String> port = Map.of("instance", "ib-node-1:9100", "device", "mlx5_0", "port", "1");
        samples.add(RemoteWrite.series("node_infiniband_port_data_received_bytes_total", port, ms, s * 5e9));
        samples.add(RemoteWrite.series("node_infiniband_port_data_transmitted_bytes_total", port, ms, s * 4e9));
        samples.add(RemoteWrite.series("node_infiniband_state_id", port, ms, 4));
      }
      RemoteWrite.send(loupe, samples.toArray(TimeSeries[]::new));
      String run = "{\"status\":\"%s\",\"started_at\":\"%s\",\"finished_at\":\"%s\",\"rows_out\":1000%s}";
      assertThat(loupe.post("api/v1/pipelines/orders-etl/runs", "[" + String.format(run, "success",
          now.minus(Duration.ofMinutes(9)), now.minus(Duration.ofMinutes(8)), "") + "," + String.format(run, "failed",
          now.minus(Duration.ofMinutes(3)), now.minus(Duration.ofMinutes(2)), ",\"error\":\"s3://exports/orders.parquet not found\"")
          + "]").status()).isEqualTo(200);
      URI base = loupe.server().baseUri();

      String compute = chromium.dumpDom(base.resolve("/#/compute?from=now-15m&to=now"), Duration.ofSeconds(5));
      assertThat(compute).contains("data-rendered=\"compute\"").contains("data-from=\"now-15m\"");
      assertThat(compute).contains("<tr data-gpu=\"gpu-node-1 GPU 0\" data-status=\"")
          .contains("<td class=\"wrap\" title=\"llm-serving/vllm-chat-with-a-long-pod-name-1\">");
      for (String metric : new String[] {"DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_FB_USED"}) {
        assertThat(compute).contains("data-heatmap=\"" + metric + "\"");
      }
      assertThat(compute).containsPattern("<g class=\"heat-row\" data-row=\"gpu-node-1 GPU 0\"><rect class=\"cell\"[^>]*>"
          + "<title>[^<]*gpu=0[^<]*: 90 %</title>");
      assertThat(compute).containsPattern("<title>[^<]*gpu=1[^<]*: 45 °C</title>");
      assertThat(compute).containsPattern("<li data-gpu=\"gpu-node-1 GPU 1\"><time [^>]*>[^<]+</time> gpu-node-1 GPU 1: XID 79</li>");

      String network = chromium.dumpDom(base.resolve("/#/network?from=now-15m&to=now"), Duration.ofSeconds(5));
      assertThat(network).contains("<tr data-port=\"ib-node-1:9100 mlx5_0 port 1\"");
      String rx = network.substring(network.indexOf("data-signal=\"rx\""));
      // 5 GB/s received is 40 Gb/s.
      assertThat(rx.substring(0, rx.indexOf("</svg>"))).contains("<path class=\"series\" d=\"M").contains("40 Gb/s");

      String data = chromium.dumpDom(base.resolve("/#/data?from=now-15m&to=now"), Duration.ofSeconds(5));
      assertThat(data).containsPattern("<tr data-pipeline=\"orders-etl\" data-status=\"\\w+\">")
          .contains("s3://exports/orders.parquet not found")
          .contains("data-run-status=\"success\"").contains("data-run-status=\"failed\"");

      String security = chromium.dumpDom(base.resolve("/#/security?from=now-15m&to=now"), Duration.ofSeconds(5));
      // No inference was sent: the findings panel (security.js) says none were found in the range.
      assertThat(security).contains("data-rendered=\"security\"").contains("data-security=\"none\"")
          .doesNotContain("data-security=\"no-panel\"");
      for (String page : new String[] {compute, network, data, security}) assertThat(page).doesNotContain("cannot reach Loupe");
    }
  }
}
