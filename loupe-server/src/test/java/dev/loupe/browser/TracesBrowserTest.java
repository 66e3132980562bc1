package dev.loupe.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The traces list and one trace's waterfall in a real headless Chromium, over two RAG traces sent
 * through the OTLP/HTTP receiver as JSON: the list keeps its filters and range in the URL, sorts
 * the slowest first, and the waterfall shows each span's self time and share, and the model call's
 * model, version, tokens, cost and score; the model page links the slow inference to its trace.
 */
class TracesBrowserTest {
  static final String FAST = "0af7651916cd43dd8448eb211c80319c";
  static final String SLOW = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String CONFIG = """
      rules: {evaluation_interval: 1h}
      prices:
        models:
          - {model: gpt-4o, input: 2.50, output: 10.00}
      """;

  @TempDir java.nio.file.Path dir;

  @Test
  void theListFiltersAndSortsFromTheUrlAndTheWaterfallShowsTheModelCall() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.find();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    try (TestServer loupe = TestServer.start(dir, new MutableClock(now), CONFIG)) {
      // The fast trace on v1 a minute ago; the slow one on v2 half a minute ago: 3 s, of which the model call 2.7 s.
      postTrace(loupe, FAST, "v1", "req-fast", now.minusSeconds(60), 100, 300);
      postTrace(loupe, SLOW, "v2", "req-slow", now.minusSeconds(30), 200, 2700);
      assertThat(loupe.post("api/v1/scores", "{\"timestamp\":\"" + now.minusSeconds(29) + "\",\"name\":\"helpfulness\","
          + "\"value\":0.25,\"source\":\"human\",\"request_id\":\"req-slow\",\"comment\":\"slow & vague\"}").status()).isEqualTo(200);
      URI base = loupe.server().baseUri();

      // An inference links to its trace: the slowest of the deployment's last minutes is the slow trace's
      // (first, while both are within the model page's two minutes of raw inferences).
      String model = chromium.dumpDom(base.resolve("/#/model?deployment=rag-prod&from=now-15m&to=now"), Duration.ofSeconds(5));
      String slowest = model.substring(model.indexOf("id=\"slowest\""));
      assertThat(slowest).contains("<tr data-request=\"req-slow\">")
          .contains("<a class=\"trace-link\" href=\"#/trace/" + SLOW + "?from=now-15m&amp;to=now\">trace ▸</a>");
      assertThat(slowest.indexOf("req-slow")).isLessThan(slowest.indexOf("req-fast"));


      String all = chromium.dumpDom(base.resolve("/#/traces?from=now-15m&to=now&sort=slowest&refresh=off"), Duration.ofSeconds(5));
      assertThat(traceRows(all)).containsExactly(SLOW, FAST);
      assertThat(all).contains("data-from=\"now-15m\"").contains("<option value=\"slowest\">");
      assertThat(all).containsPattern("<circle class=\"trace-dot\"[^>]*><title>POST /ask · 3 s · ");

      String v2 = chromium.dumpDom(base.resolve("/#/traces?model_version=v2&from=now-15m&to=now"), Duration.ofSeconds(5));
      assertThat(traceRows(v2)).containsExactly(SLOW);
      assertThat(v2).contains("<input name=\"model_version\" value=\"v2\"");
      String none = chromium.dumpDom(base.resolve("/#/traces?model_version=v2&from="
          + URLEncoder.encode(now.minus(Duration.ofHours(3)).toString(), StandardCharsets.UTF_8) + "&to="
          + URLEncoder.encode(now.minus(Duration.ofHours(2)).toString(), StandardCharsets.UTF_8)), Duration.ofSeconds(5));
      assertThat(traceRows(none)).as("an absolute range before the traces").isEmpty();
      assertThat(none).contains("data-traces=\"none\"").contains("data-refresh=\"off\"");

      String trace = chromium.dumpDom(base.resolve("/#/trace/" + SLOW + "?from=now-15m&to=now"), Duration.ofSeconds(5));
      List<String> spans = matches(trace, "<details class=\"wf-span\" data-span=\"\\w+\" data-name=\"([^\"]+)\" data-status=\"(\\w+)\" "
          + "data-llm=\"(\\w+)\">");
      assertThat(spans).containsExactly("POST /ask unset false", "retrieve kb-prod unset false", "chat gpt-4o error true");
      // Self time and share: the root's own 100 ms of 3 s; the model call's 2.7 s, 90 %.
      List<String> selves = matches(trace, "<div class=\"num wf-self\">([^<]+)</div><div class=\"num wf-share\">([^<]+)</div>");
      assertThat(selves).containsExactly("100 ms 3.33 %", "200 ms 6.67 %", "2.7 s 90 %");
      String call = trace.substring(trace.indexOf("<div class=\"llm-call\" data-model=\"gpt-4o\" data-version=\"v2\">"));
      assertThat(call).contains("<dd data-fact=\"tokens_in\" title=\"1200\">1200</dd>")
          .contains("<dd data-fact=\"tokens_out\" title=\"300\">300</dd>")
          // 1,200 × $2.50 + 300 × $10 per million tokens.
          .contains("<dd data-fact=\"cost\" title=\"$0.00600\">$0.00600</dd>")
          .contains("<dd data-fact=\"request\" title=\"req-slow\">req-slow</dd>")
          .contains("<li data-score=\"helpfulness\" title=\"slow &amp; vague\">helpfulness 0.25 (human)</li>");
      assertThat(trace).contains("<td class=\"wrap\">db.collection.name</td><td class=\"wrap attr-value\" title=\"kb-prod\">kb-prod</td>");

    }
  }

  /** A RAG trace: the request, a retrieval from kb-prod, 100 ms later the model call (an error when slow). */
  private static void postTrace(TestServer loupe, String traceId, String version, String request, Instant start,
      long retrievalMs, long callMs) throws Exception {
    long t0 = start.toEpochMilli() * 1_000_000L;
    long ms = 1_000_000L;
    // 100 ms of the request's own between the retrieval and the model call.
    long end = t0 + (retrievalMs + 100 + callMs) * ms;
    String root = traceId.substring(0, 16);
    String spans = String.join(",",
        span(traceId, root, "", "POST /ask", t0, end, "[]", ""),
        span(traceId, "1" + root.substring(1), root, "retrieve kb-prod", t0, t0 + retrievalMs * ms,
            "[" + attr("db.collection.name", "kb-prod") + "]", ""),
        span(traceId, "2" + root.substring(1), root, "chat gpt-4o", t0 + (retrievalMs + 100) * ms, end,
            "[" + String.join(",", attr("gen_ai.operation.name", "chat"), attr("gen_ai.request.model", "gpt-4o"),
                attr("gen_ai.model.version", version), attr("gen_ai.deployment.name", "rag-prod"),
                attr("gen_ai.response.id", request), intAttr("gen_ai.usage.input_tokens", 1200),
                intAttr("gen_ai.usage.output_tokens", 300)) + "]",
            callMs > 1000 ? ",\"status\":{\"code\":2}" : ""));
    String body = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[" + attr("service.name", "rag-api") + "]},"
        + "\"scopeSpans\":[{\"spans\":[" + spans + "]}]}]}";
    var res = loupe.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + loupe.server().otlpHttpPort() + "/v1/traces"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    assertThat(res.status()).as(res.body()).isEqualTo(200);
  }

  private static String span(String trace, String id, String parent, String name, long start, long end, String attrs,
      String status) {
    return String.format(Locale.ROOT, "{\"traceId\":\"%s\",\"spanId\":\"%s\",\"parentSpanId\":\"%s\",\"name\":\"%s\","
        + "\"kind\":3,\"startTimeUnixNano\":\"%d\",\"endTimeUnixNano\":\"%d\",\"attributes\":%s%s}",
        trace, id, parent, name, start, end, attrs, status);
  }

  private static String attr(String key, String value) {
    return "{\"key\":\"" + key + "\",\"value\":{\"stringValue\":\"" + value + "\"}}";
  }

  private static String intAttr(String key, long value) {
    return "{\"key\":\"" + key + "\",\"value\":{\"intValue\":\"" + value + "\"}}";
  }

  private static List<String> traceRows(String dom) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<tr data-trace=\"([0-9a-f]{32})\"").matcher(dom);
    while (m.find()) out.add(m.group(1));
    return out;
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
