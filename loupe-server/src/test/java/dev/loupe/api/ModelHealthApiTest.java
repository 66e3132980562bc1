package dev.loupe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * From HTTP requests to a dimension turning yellow: a slower model version rolls out, the pack's
 * ModelLatencyRegression rule goes pending and fires 10 minutes later, the model dimension says so
 * naming both versions, the chart query shows it, and a restart keeps it.
 */
class ModelHealthApiTest {
  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  @TempDir Path dir;
  MutableClock clock = new MutableClock(T0.plus(Duration.ofMinutes(25)));
  // The test evaluates the rules itself, at the times it sets.
  static final String CONFIG = "rules: {evaluation_interval: 1h}\n";

  /** Every 15 s up to {@code until}: v2's calls of those 15 s, closed minutes flushed, rules evaluated. */
  private void runV2(TestServer loupe, Instant until) {
    Instant t = clock.instant();
    while (t.isBefore(until)) {
      Instant next = t.plusSeconds(15);
      clock.set(next);
      feed(loupe, "v2", t, next, 1200, next.getEpochSecond());
      loupe.server().flushRollups();
      loupe.server().evaluateRules();
      t = next;
    }
  }

  @Test
  void versionRegressionTurnsTheModelTileWarningAndSurvivesARestart() {
    try (TestServer loupe = TestServer.start(dir, clock, CONFIG)) {
      JsonNode before = loupe.get("api/v1/health").json();
      assertThat(before.get("dimensions").get("model").get("status").asText()).isEqualTo("no_data");
      assertThat(before.get("dimensions").get("model").get("reasons").get(0).asText())
          .contains("no inference telemetry");

      feed(loupe, "v1", T0, T0.plus(Duration.ofMinutes(25)), 800, 1);
      JsonNode healthy = loupe.get("api/v1/health").json();
      assertThat(healthy.get("dimensions").get("model").get("status").asText()).isEqualTo("ok");

      loupe.post("api/v1/deployments", "{\"timestamp\":\"2026-11-28T10:25:00Z\",\"service\":\"chat-api\","
          + "\"deployment\":\"chat-prod\",\"model\":\"gpt-4o\",\"from_version\":\"v1\",\"to_version\":\"v2\"}");
      // v2's first minute is flushed at 10:26:05 and read at 10:26:15: pending; firing 10 minutes later.
      runV2(loupe, T0.plus(Duration.ofMinutes(36)));
      JsonNode pending = loupe.get("api/v1/alerts").json().at("/data/alerts");
      assertThat(pending).hasSize(1);
      assertThat(pending.get(0).path("state").asText()).isEqualTo("pending");
      assertThat(pending.get(0).path("activeAt").asText()).isEqualTo("2026-11-28T10:26:15Z");
      assertThat(loupe.get("api/v1/health").json().at("/dimensions/model/status").asText())
          .as("pending changes no colour").isEqualTo("ok");
      runV2(loupe, T0.plus(Duration.ofMinutes(36)).plusSeconds(15));
      assertRegression(loupe.get("api/v1/health").json());
      JsonNode firing = loupe.get("api/v1/alerts").json().at("/data/alerts/0");
      assertThat(firing.path("labels").path("alertname").asText()).isEqualTo("ModelLatencyRegression");
      assertThat(firing.path("labels").path("previous_model_version").asText()).isEqualTo("v1");
      runV2(loupe, T0.plus(Duration.ofMinutes(40)));

      JsonNode hot = loupe.get("api/v1/signals").json().get("data");
      assertThat(hot).hasSize(2);
      JsonNode v2 = hot.get(1);
      assertThat(v2.get("model_version").asText()).isEqualTo("v2");
      JsonNode fiveMin = v2.get("windows").get("5m");
      assertThat(fiveMin.get("requests").asLong()).isEqualTo(300);
      assertThat(fiveMin.get("latency_p95_ms").asDouble()).isBetween(1200 * 1.1, 1200 * 1.3);
      assertThat(fiveMin.get("ttft_p95_ms").isNull()).isTrue();
      assertThat(fiveMin.get("tokens_per_minute").asDouble()).isCloseTo(150 * 60, org.assertj.core.data.Offset.offset(1.0));
      assertThat(hot.get(0).get("windows").has("5m")).as("v1 stopped at 10:25").isFalse();

      String metrics = loupe.get("metrics").body();
      String v2Labels = "deployment=\"chat-prod\",model=\"gpt-4o\",model_version=\"v2\"";
      Matcher p95 = Pattern.compile("loupe_model_latency_seconds\\{" + Pattern.quote(v2Labels)
          + ",quantile=\"0.95\",service=\"chat-api\"} (\\S+)").matcher(metrics);
      assertThat(p95.find()).as("P95 of v2 on /metrics:\n" + metrics).isTrue();
      assertThat(Double.parseDouble(p95.group(1))).isBetween(1.2 * 1.1, 1.2 * 1.3);
      assertThat(metrics).containsPattern("loupe_model_requests_per_second\\{" + Pattern.quote(v2Labels)
          + ",service=\"chat-api\"} (1\\.0|0\\.9)");
      assertThat(metrics).containsPattern("loupe_model_requests_per_minute\\{" + Pattern.quote(v2Labels)
          + ",service=\"chat-api\"} (60\\.0|5\\d\\.\\d+)");
      assertThat(metrics).contains("loupe_dimension_status{dimension=\"model\"} 1.0");
      assertThat(metrics).contains("loupe_dimension_status{dimension=\"compute\"} -1.0");
      assertThat(metrics).doesNotContain("model_version=\"v1\",quantile").as("v1 had no traffic in the last minute");

      loupe.server().flushRollups();
      JsonNode range = queryRange(loupe, "loupe_model_latency_seconds{deployment=\"chat-prod\",quantile=\"0.95\"}");
      assertThat(range.get("status").asText()).isEqualTo("success");
      assertThat(range.get("data").get("resultType").asText()).isEqualTo("matrix");
      JsonNode result = range.get("data").get("result");
      assertThat(result).hasSize(2);
      for (JsonNode series : result) {
        JsonNode metric = series.get("metric");
        assertThat(metric.get("__name__").asText()).isEqualTo("loupe_model_latency_seconds");
        assertThat(metric.get("quantile").asText()).isEqualTo("0.95");
        double base = metric.get("model_version").asText().equals("v1") ? 0.8 : 1.2;
        for (JsonNode point : series.get("values")) {
          assertThat(point.get(0).isNumber()).isTrue();
          assertThat(point.get(1).isTextual()).isTrue();
          // uniform ±25 % around the base: P95 lies near base × 1.225
          assertThat(Double.parseDouble(point.get(1).asText())).isBetween(base * 1.1, base * 1.3);
        }
      }
      JsonNode rate = queryRange(loupe, "loupe_model_requests_per_second{model_version=\"v1\"}");
      JsonNode v1Points = rate.get("data").get("result").get(0).get("values");
      // one event per second was sent
      assertThat(Double.parseDouble(v1Points.get(5).get(1).asText())).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.05));
    }

    // Restarted a minute later: the for state comes back from ALERTS_FOR_STATE, the alert fires again at once.
    clock.set(T0.plus(Duration.ofMinutes(41)));
    try (TestServer again = TestServer.start(dir, clock, CONFIG)) {
      runV2(again, T0.plus(Duration.ofMinutes(41)).plusSeconds(30));
      assertRegression(again.get("api/v1/health").json());
      assertThat(again.get("api/v1/alerts").json().at("/data/alerts/0/activeAt").asText())
          .isEqualTo("2026-11-28T10:26:15Z");
      assertThat(again.get("api/v1/inferences?start=2026-11-28T10:00:00Z&limit=100000").json().get("data"))
          .hasSize(25 * 60 + 15 * 60 + 30);
    }
  }

  @Test
  void badQueriesAreBadData() {
    try (TestServer loupe = TestServer.start(dir, clock)) {
      TestServer.Answer a = loupe.get("api/v1/signals/query_range?query="
          + URLEncoder.encode("loupe_model_latency_seconds{deployment=chat}", StandardCharsets.UTF_8)
          + "&start=0&end=60&step=15");
      assertThat(a.status()).isEqualTo(400);
      assertThat(a.json().get("errorType").asText()).isEqualTo("bad_data");
      assertThat(a.json().get("error").asText()).contains("column 40");

      TestServer.Answer unknown = loupe.get("api/v1/signals/query_range?query=nope&start=0&end=60&step=15");
      assertThat(unknown.status()).as("like Prometheus, a metric nobody sent is an empty result").isEqualTo(200);
      assertThat(unknown.json().at("/data/result").size()).isZero();

      TestServer.Answer tooMany = loupe.get("api/v1/signals/query_range?query=loupe_model_error_ratio&start=0&end=100000&step=1");
      assertThat(tooMany.status()).isEqualTo(400);
    }
  }

  private static void assertRegression(JsonNode health) {
    assertThat(health.get("status").asText()).isEqualTo("warning");
    JsonNode model = health.get("dimensions").get("model");
    assertThat(model.get("status").asText()).isEqualTo("warning");
    String reason = model.get("reasons").get(0).asText();
    assertThat(reason).contains("chat-prod").contains("model_version v2").contains("against v1");
    Matcher m = Pattern.compile("\\+(\\d+)(\\.\\d+)?%").matcher(reason);
    assertThat(m.find()).as(reason).isTrue();
    assertThat(Integer.parseInt(m.group(1))).isBetween(42, 58);
    assertThat(model.get("since").asText()).as("since the breach began").isEqualTo("2026-11-28T10:26:15Z");
    // The inferences carry tokens of a priced model: the cost dimension has data, and nothing fires there.
    assertThat(health.at("/dimensions/cost/status").asText()).isEqualTo("ok");
    for (String d : List.of("compute", "security", "network", "data")) {
      JsonNode dim = health.get("dimensions").get(d);
      assertThat(dim.get("status").asText()).isEqualTo("no_data");
      assertThat(dim.get("reasons").get(0).asText()).contains("telemetry received for " + d + " since");
    }
  }

  private static JsonNode queryRange(TestServer loupe, String query) {
    long start = T0.getEpochSecond() + 120;
    long end = T0.getEpochSecond() + 39 * 60;
    TestServer.Answer a = loupe.get("api/v1/signals/query_range?query="
        + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&start=" + start + "&end=" + end + "&step=60");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return a.json();
  }

  /** One successful call per second with latency uniform in base ±25 %. */
  private static void feed(TestServer loupe, String version, Instant from, Instant to, double base, long seed) {
    Random r = new Random(seed);
    List<String> lines = new ArrayList<>();
    for (Instant t = from; t.isBefore(to); t = t.plusSeconds(1)) {
      double latency = base * (0.75 + 0.5 * r.nextDouble());
      lines.add("{\"timestamp\":" + t.toEpochMilli() + ",\"service\":\"chat-api\",\"deployment\":\"chat-prod\","
          + "\"model\":\"gpt-4o\",\"model_version\":\"" + version + "\",\"latency_ms\":" + latency
          + ",\"input_tokens\":100,\"output_tokens\":50}");
      if (lines.size() == 500) {
        assertThat(loupe.post("api/v1/inferences", String.join("\n", lines)).status()).isEqualTo(200);
        lines.clear();
      }
    }
    if (!lines.isEmpty()) {
      assertThat(loupe.post("api/v1/inferences", String.join("\n", lines)).status()).isEqualTo(200);
    }
  }
}
