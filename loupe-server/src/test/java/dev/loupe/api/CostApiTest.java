package dev.loupe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.ingest.prometheus.remote.proto.TimeSeries;
import dev.loupe.model.ApiKeyHash;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.RemoteWrite;
import dev.loupe.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cost dimension through a real server: inferences posted are priced once at ingest (the
 * catalog, a reported cost, an unknown model) and read back with their cost source; spend per
 * model and version, per key and per tenant; GPU samples give GPU spend and idle waste per
 * cluster; budgets give spent, burn rates and forecast; the unpriced model is a finding of the
 * cost tile, which has data once something is priced.
 */
class CostApiTest {
  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  static final String CONFIG = """
      rules: {evaluation_interval: 1h}
      prices:
        models:
          - {model: gpt-4o, input: 2.50, output: 10.00, cache_read: 1.25, source: test}
          - {model: o3, input: 2.00, output: 8.00, cache_write: 4.00, reasoning: 20.00}
        gpus:
          - {model: NVIDIA H100 80GB HBM3, hourly: 4.00}
      budgets:
        - {name: org-daily, scope: organisation, limit: 240, period: daily}
        - {name: per-key-daily, scope: api_key, limit: 24, period: daily}
        - {name: per-user-24h, scope: user, limit: 50, period: rolling, window: 24h}
      """;

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0);

  @Test
  void inferencesArePricedOnceAtIngestAndSpendReadsBackPerGroup() {
    try (TestServer loupe = TestServer.start(dir, clock, CONFIG)) {
      JsonNode before = loupe.get("api/v1/health").json().at("/dimensions/cost");
      assertThat(before.path("status").asText()).isEqualTo("no_data");

      long t = T0.toEpochMilli();
      String body = String.join("\n",
          // 1000 × 2.50 + 200 × 10.00 per million
          line(t - 60_000, "chat-prod", "gpt-4o", "v1", "k-1", "acme", 1000, 200, ""),
          // 400 cached read at 1.25: 600 × 2.5 + 400 × 1.25 + 200 × 10
          line(t - 50_000, "chat-prod", "gpt-4o", "v1", "k-2", "globex", 1000, 200, ",\"cached_tokens\":400"),
          // a reported cost wins over the catalog
          line(t - 40_000, "chat-prod", "gpt-4o", "v2", "k-1", "acme", 1000, 200, ",\"cost\":0.5"),
          // cache writes and reasoning: 500 × 2 + 500 × 4 + 100 × 8 + 300 × 20
          line(t - 30_000, "think-prod", "o3", "2025-04-16", "k-2", "globex", 1000, 400,
              ",\"cache_write_tokens\":500,\"reasoning_tokens\":300"),
          line(t - 20_000, "exp-prod", "mystery-llm-7b", "1", "k-3", "acme", 5000, 1000, ""),
          line(t - 10_000, "exp-prod", "mystery-llm-7b", "1", "k-3", "acme", 3000, 500, ",\"status\":\"error\""));
      JsonNode answer = loupe.post("api/v1/inferences", body).json();
      assertThat(answer.get("accepted").asInt()).as(answer.toString()).isEqualTo(6);

      JsonNode stored = loupe.get("api/v1/inferences?start=" + iso(t - 120_000) + "&end=" + iso(t)).json().get("data");
      Map<String, String> sources = new LinkedHashMap<>();
      List<Double> costs = new ArrayList<>();
      for (JsonNode i : stored) {
        sources.merge(i.get("model").asText(), i.get("cost_source").asText(), (a, b) -> a + "," + b);
        costs.add(i.has("cost") ? i.get("cost").asDouble() : null);
      }
      assertThat(sources).containsEntry("gpt-4o", "catalog,catalog,reported").containsEntry("o3", "catalog")
          .containsEntry("mystery-llm-7b", "unknown,unknown");
      assertThat(costs.get(0)).isCloseTo(0.0045, within(1e-12));
      assertThat(costs.get(1)).isCloseTo(0.0040, within(1e-12));
      assertThat(costs.get(2)).isEqualTo(0.5);
      assertThat(costs.get(3)).isCloseTo(0.0098, within(1e-12));
      assertThat(costs.subList(4, 6)).as("unknown is not $0").containsOnlyNulls();
      assertThat(stored.get(3).get("cache_write_tokens").asLong()).isEqualTo(500);
      assertThat(stored.get(3).get("reasoning_tokens").asLong()).isEqualTo(300);

      JsonNode spend = loupe.get("api/v1/cost?group_by=model,model_version&start=" + iso(t - 120_000) + "&end=" + iso(t)).json();
      Map<String, Double> byVersion = new LinkedHashMap<>();
      for (JsonNode g : spend.get("data")) {
        byVersion.put(g.get("model").asText() + "/" + g.get("model_version").asText(), g.get("spend").asDouble());
      }
      assertThat(byVersion.keySet()).as("largest first").containsExactly("gpt-4o/v2", "o3/2025-04-16", "gpt-4o/v1",
          "mystery-llm-7b/1");
      assertThat(byVersion.get("gpt-4o/v1")).isCloseTo(0.0085, within(1e-12));
      assertThat(byVersion.get("mystery-llm-7b/1")).isEqualTo(0.0);
      JsonNode v1 = spend.get("data").get(2);
      assertThat(v1.at("/cost_per_inference/mean").asDouble()).isCloseTo(0.00425, within(1e-12));
      assertThat(v1.at("/cost_per_inference/p95").asDouble()).isBetween(0.0040, 0.0045);
      assertThat(v1.get("cost_per_1000_requests").asDouble()).isCloseTo(4.25, within(1e-9));
      JsonNode mystery = spend.get("data").get(3);
      assertThat(mystery.get("unknown_cost").asInt()).isEqualTo(2);
      assertThat(mystery.get("unpriced_tokens").asLong()).isEqualTo(9500);
      assertThat(mystery.get("cost_per_inference").get("mean").isNull()).as("no mean of nothing").isTrue();
      assertThat(spend.at("/total/spend").asDouble()).isCloseTo(0.5183, within(1e-12));
      assertThat(spend.at("/total/requests").asInt()).isEqualTo(6);
      assertThat(spend.at("/unpriced_models/0/model").asText()).isEqualTo("mystery-llm-7b");
      assertThat(spend.at("/unpriced_models/0/tokens").asLong()).isEqualTo(9500);

      JsonNode byKey = loupe.get("api/v1/cost?group_by=user&tenant=acme&start=" + iso(t - 120_000) + "&end=" + iso(t)).json();
      assertThat(byKey.get("data")).extracting(g -> g.get("user").asText())
          .containsExactly(ApiKeyHash.of("k-1"), ApiKeyHash.of("k-3"));
      assertThat(byKey.at("/data/0/spend").asDouble()).isCloseTo(0.5045, within(1e-12));
      assertThat(loupe.get("api/v1/cost?group_by=colour").status()).isEqualTo(400);
      assertThat(loupe.get("api/v1/cost?group_by=user&compare=previous&start=" + iso(t - 60_000) + "&end=" + iso(t)).json()
          .at("/data/0/previous_spend").isNumber()).isTrue();

      // The cost tile has data now, and the unpriced model is its finding.
      loupe.server().evaluateRules();
      JsonNode cost = loupe.get("api/v1/health").json().at("/dimensions/cost");
      assertThat(cost.path("status").asText()).as(cost.toString()).isEqualTo("warning");
      assertThat(cost.at("/reasons/0").asText()).contains("mystery-llm-7b has no price").contains("9.5k tokens");

      // /metrics counts the known spend per model and version.
      String metrics = loupe.get("metrics").body();
      assertThat(metrics).contains("# TYPE loupe_cost_spend_dollars_total counter");
      assertThat(metrics.lines().filter(l -> l.startsWith("loupe_cost_spend_dollars_total{")
          && l.contains("model_version=\"v2\"")).toList()).singleElement().satisfies(l -> assertThat(l).endsWith(" 0.5"));

      // The prices in force, with their sources, and the one entry pricing a model.
      JsonNode prices = loupe.get("api/v1/prices").json();
      assertThat(prices.at("/models/0/model").asText()).isEqualTo("gpt-4o");
      assertThat(prices.at("/models/0/source").asText()).isEqualTo("test");
      assertThat(prices.get("models").size()).as("config entries, then the shipped defaults").isGreaterThan(30);
      assertThat(loupe.get("api/v1/prices?model=openai/gpt-4o-2024-08-06").json().at("/price/input").asDouble())
          .isEqualTo(2.5);
      assertThat(loupe.get("api/v1/prices?model=mystery-llm-7b").json().get("price").isNull()).isTrue();
    }
  }

  @Test
  void gpuSamplesGiveSpendAndIdleWastePerCluster() {
    try (TestServer loupe = TestServer.start(dir, clock, CONFIG)) {
      long start = T0.toEpochMilli();
      // An hour at 15 s: an idle training GPU and a busy inference GPU in cluster a; an unpriced GPU in b.
      for (long ts = start; ts < start + 3_600_000; ts += 60_000) {
        List<TimeSeries> batch = new ArrayList<>();
        for (long s = ts; s < ts + 60_000; s += 15_000) {
          batch.add(RemoteWrite.series("DCGM_FI_DEV_GPU_UTIL",
              gpu("node-1", "0", "NVIDIA H100 80GB HBM3", "train-llm", "a"), s, 3));
          batch.add(RemoteWrite.series("DCGM_FI_DEV_GPU_UTIL",
              gpu("node-1", "1", "NVIDIA H100 80GB HBM3", "llm-serving", "a"), s, 80));
          batch.add(RemoteWrite.series("DCGM_FI_DEV_GPU_UTIL", gpu("node-2", "0", "Some Future GPU", "llm-serving", "b"),
              s, 50));
        }
        clock.set(Instant.ofEpochMilli(ts + 60_000));
        RemoteWrite.send(loupe, batch.toArray(TimeSeries[]::new));
      }
      long end = start + 3_600_000;
      JsonNode gpus = loupe.get("api/v1/cost/gpus?group_by=workload&start=" + iso(start) + "&end=" + iso(end)).json();
      Map<String, JsonNode> byGpu = new LinkedHashMap<>();
      for (JsonNode g : gpus.get("gpus")) byGpu.put(g.get("node").asText() + "/" + g.get("gpu").asText(), g);
      assertThat(byGpu.get("node-1/0").get("workload").asText()).isEqualTo("training");
      assertThat(byGpu.get("node-1/0").get("hours").asDouble()).isCloseTo(1.0, within(1e-9));
      assertThat(byGpu.get("node-1/0").get("spend").asDouble()).isCloseTo(4.0, within(1e-9));
      assertThat(byGpu.get("node-1/0").get("waste").asDouble()).as("idle all hour").isCloseTo(4.0, within(1e-9));
      assertThat(byGpu.get("node-1/1").get("waste").asDouble()).isEqualTo(0.0);
      assertThat(byGpu.get("node-2/0").get("hourly_price").isNull()).as("an unpriced GPU is not $0").isTrue();
      assertThat(gpus.at("/total/spend").asDouble()).isCloseTo(8.0, within(1e-9));
      assertThat(gpus.at("/total/unpriced_gpus").asInt()).isEqualTo(1);
      Map<String, Double> wasteShare = new LinkedHashMap<>();
      for (JsonNode c : gpus.get("clusters")) {
        wasteShare.put(c.get("cluster").asText(), c.get("waste_share").isNull() ? null : c.get("waste_share").asDouble());
      }
      assertThat(wasteShare).containsEntry("a", 0.5).containsEntry("b", null);
      assertThat(gpus.get("groups")).extracting(g -> g.get("workload").asText() + "="
          + Math.round(g.get("spend").asDouble() * 1e6) / 1e6).containsExactlyInAnyOrder("training=4.0", "inference=4.0");
      // Priced GPUs reporting give the cost dimension data, though no inference was priced.
      assertThat(loupe.get("api/v1/health").json().at("/dimensions/cost/status").asText()).isEqualTo("ok");
    }
  }

  @Test
  void budgetsSaySpentBurnRatesAndForecast() {
    clock.set(Instant.parse("2026-11-28T12:00:00Z"));
    try (TestServer loupe = TestServer.start(dir, clock, CONFIG)) {
      long now = clock.millis();
      // k-1 spends $1 a minute over the last 30 minutes; k-2 $1 at 03:00 only.
      StringBuilder body = new StringBuilder();
      for (int m = 0; m < 30; m++) {
        body.append(line(now - m * 60_000L - 1, "chat-prod", "gpt-4o", "v1", "k-1", "acme", 10, 10, ",\"cost\":1.0"))
            .append('\n');
      }
      body.append(line(now - 9 * 3_600_000L, "chat-prod", "gpt-4o", "v1", "k-2", "acme", 10, 10, ",\"cost\":1.0"));
      assertThat(loupe.post("api/v1/inferences", body.toString()).json().get("accepted").asInt()).isEqualTo(31);

      JsonNode budgets = loupe.get("api/v1/budgets").json().get("data");
      Map<String, JsonNode> each = new LinkedHashMap<>();
      for (JsonNode b : budgets) each.put(b.get("budget").asText() + "/" + b.get("subject").asText(), b);
      JsonNode org = each.get("org-daily/all");
      assertThat(org.get("spent").asDouble()).isEqualTo(31.0);
      assertThat(org.get("limit").asDouble()).isEqualTo(240.0);
      assertThat(org.get("even_rate_per_hour").asDouble()).isEqualTo(10.0);
      assertThat(org.at("/burn_rate/fast/multiple").asDouble()).as("$30 in the last hour at $10/h").isCloseTo(3.0, within(1e-9));
      assertThat(org.at("/burn_rate/slow/multiple").asDouble()).isCloseTo(0.5, within(1e-9));
      // $209 left at $30/h: at 18:58 today.
      assertThat(Instant.parse(org.at("/forecast/exhausted_at").asText()))
          .isEqualTo(Instant.parse("2026-11-28T12:00:00Z").plusMillis((long) Math.ceil(209 / 30.0 * 3_600_000)));
      JsonNode k1 = each.get("per-key-daily/" + ApiKeyHash.of("k-1"));
      assertThat(k1.get("spent").asDouble()).isEqualTo(30.0);
      assertThat(k1.get("exceeded").asBoolean()).isTrue();
      assertThat(k1.at("/burn_rate/fast/multiple").asDouble()).isCloseTo(30.0, within(1e-9));
      assertThat(k1.at("/burn_rate/fast/burning").asBoolean()).isTrue();
      assertThat(each.get("per-key-daily/" + ApiKeyHash.of("k-2")).get("spent").asDouble()).isEqualTo(1.0);
      assertThat(each.get("per-user-24h/" + ApiKeyHash.of("k-1")).get("period").asText()).isEqualTo("rolling");
    }
  }

  /**
   * A key whose spend jumps fires the fast burn-rate alert naming it, pending first and firing
   * once its 2 m {@code for} has passed on the test clock; a key at its even rate does not. A
   * rolling "any user over $50 in 24 h" budget fires per offending user only.
   */
  @Test
  void aKeyBurningItsBudgetFiresTheFastBurnAlertNamingIt() {
    try (TestServer loupe = TestServer.start(dir, clock, CONFIG)) {
      long t = T0.toEpochMilli();
      // Both keys spend $1/h (the even rate of $24 a day) for six hours, then k-leak spends $1 a minute.
      StringBuilder history = new StringBuilder();
      for (int h = 6; h >= 1; h--) {
        for (String key : List.of("k-leak", "k-calm")) {
          history.append(line(t - h * 3_600_000L + 1, "chat-prod", "gpt-4o", "v1", key, "acme", 10, 10,
              ",\"cost\":1.0")).append('\n');
        }
      }
      loupe.post("api/v1/inferences", history.toString());
      Map<String, List<String>> states = new LinkedHashMap<>();
      for (int m = 0; m < 40; m++) {
        clock.set(T0.plusSeconds(60L * m));
        loupe.post("api/v1/inferences", line(clock.millis(), "chat-prod", "gpt-4o", "v1", "k-leak", "acme", 10, 10,
            ",\"cost\":1.0"));
        loupe.server().evaluateRules();
        for (JsonNode a : loupe.get("api/v1/alerts").json().at("/data/alerts")) {
          if (!a.at("/labels/alertname").asText().equals("BudgetFastBurn")) continue;
          assertThat(a.at("/labels/subject").asText()).as(a + "\n" + loupe.get("api/v1/budgets").body()).isEqualTo(ApiKeyHash.of("k-leak"));
          String s = a.get("state").asText();
          List<String> mine = states.computeIfAbsent(a.at("/labels/budget").asText(), b -> new ArrayList<>());
          if (mine.isEmpty() || !mine.get(mine.size() - 1).endsWith(s)) mine.add(m + ":" + s);
        }
      }
      // At minute m the last hour holds m + 1 dollars: 14 × the $1/h of $24 a day at m = 13; the user's
      // rolling $50 in 24 h is burnt at 14 × $2.08/h from m = 29. The calm key, at its even rate, never.
      assertThat(states).containsEntry("per-key-daily", List.of("13:pending", "15:firing"))
          .containsEntry("per-user-24h", List.of("29:pending", "31:firing")).hasSize(2);
      JsonNode fired = null;
      for (JsonNode a : loupe.get("api/v1/alerts").json().at("/data/alerts")) {
        if (a.at("/labels/alertname").asText().equals("BudgetFastBurn")
            && a.at("/labels/budget").asText().equals("per-key-daily")) {
          fired = a;
        }
      }
      assertThat(fired.at("/labels/severity").asText()).isEqualTo("critical");
      assertThat(fired.at("/labels/budget").asText()).isEqualTo("per-key-daily");
      assertThat(fired.at("/annotations/summary").asText()).startsWith("api_key " + ApiKeyHash.of("k-leak")
          + " burns budget per-key-daily fast: its last 1h cost more than 14x the even rate");
      JsonNode cost = loupe.get("api/v1/health").json().at("/dimensions/cost");
      assertThat(cost.path("status").asText()).isEqualTo("critical");

      // Rolling $50 in 24 h: k-leak has spent 6 + 40 = 46 — not yet; ten more dollars and it is over, alone.
      StringBuilder more = new StringBuilder();
      for (int i = 0; i < 10; i++) {
        more.append(line(clock.millis() - i, "chat-prod", "gpt-4o", "v1", "k-leak", "acme", 10, 10, ",\"cost\":1.0"))
            .append('\n');
      }
      loupe.post("api/v1/inferences", more.toString());
      clock.advance(Duration.ofSeconds(15));
      loupe.server().evaluateRules();
      List<String> exceeded = new ArrayList<>();
      for (JsonNode a : loupe.get("api/v1/alerts").json().at("/data/alerts")) {
        if (a.at("/labels/alertname").asText().equals("BudgetExceeded") && a.get("state").asText().equals("firing")) {
          exceeded.add(a.at("/labels/budget").asText() + " " + a.at("/labels/subject").asText());
        }
      }
      assertThat(exceeded).containsExactlyInAnyOrder("per-user-24h " + ApiKeyHash.of("k-leak"),
          "per-key-daily " + ApiKeyHash.of("k-leak"));
    }
  }

  private static Map<String, String> gpu(String host, String gpu, String model, String namespace, String cluster) {
    return Map.of("Hostname", host, "gpu", gpu, "UUID", "GPU-" + host + "-" + gpu, "modelName", model,
        "namespace", namespace, "cluster", cluster);
  }

  private static String iso(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }

  private static String line(long ts, String deployment, String model, String version, String key, String tenant,
      long in, long out, String extra) {
    return "{\"timestamp\":" + ts + ",\"deployment\":\"" + deployment + "\",\"model\":\"" + model
        + "\",\"model_version\":\"" + version + "\",\"api_key\":\"" + key + "\",\"tenant\":\"" + tenant
        + "\",\"input_tokens\":" + in + ",\"output_tokens\":" + out + ",\"latency_ms\":300" + extra + "}";
  }
}
