package dev.loupe.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.model.ApiKeyHash;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's cost story on a test clock through a real server, with the demo's rules and budgets
 * evaluated every 5 s as the demo does: the cost tile has spend per model and version against the
 * organisation's budget; the batch key whose usage jumps 20× fires the fast burn-rate alert naming
 * its hash within minutes; the idle training GPUs are waste; the unpriced model is a finding.
 */
class DemoCostTrafficTest {
  @TempDir Path dir;

  @Test
  void aJumpingKeyFiresTheFastBurnAlertAndIdleGpusAndAnUnpricedModelShow() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T14:00:00Z"));
    String rules = DemoSimulator.rulesYaml().replace("evaluation_interval: 5s", "evaluation_interval: 1h");
    assertThat(rules).contains("BudgetFastBurn: {for: 30s}").contains("burn_rate: {fast_window: 5m, slow_window: 30m}");
    try (TestServer loupe = TestServer.start(dir, clock, rules);
        DemoSimulator sim = new DemoSimulator(loupe.server().baseUri(), clock, Duration.ofHours(1), 1.5, s -> { });
        DemoCostTraffic costs = new DemoCostTraffic(loupe.server().baseUri(), clock, Duration.ofMinutes(1), s -> { })) {
      sim.backfill();
      costs.backfill();
      Map<String, Duration> firstSeen = new LinkedHashMap<>();
      Duration elapsed = Duration.ZERO;
      while (elapsed.compareTo(Duration.ofMinutes(6)) < 0 && !firstSeen.containsKey("firing BudgetFastBurn")) {
        clock.advance(Duration.ofSeconds(5));
        elapsed = elapsed.plusSeconds(5);
        if (elapsed.equals(Duration.ofMinutes(1))) costs.jump();
        sim.sendUntilNow();
        costs.sendUntilNow();
        loupe.server().flushRollups();
        loupe.server().evaluateRules();
        for (JsonNode a : loupe.get("api/v1/alerts").json().at("/data/alerts")) {
          String name = a.at("/labels/alertname").asText();
          if (name.equals("BudgetFastBurn")) {
            assertThat(a.at("/labels/subject").asText()).isEqualTo(ApiKeyHash.of(DemoCostTraffic.LEAKY_KEY));
          }
          firstSeen.putIfAbsent(a.get("state").asText() + " " + name, elapsed);
        }
        if (elapsed.equals(Duration.ofSeconds(55))) {
          // Before the jump: the unpriced model is the cost tile's finding; no budget burns.
          JsonNode cost = loupe.get("api/v1/health").json().at("/dimensions/cost");
          assertThat(cost.path("status").asText()).as(cost.toString()).isEqualTo("warning");
          assertThat(cost.at("/reasons/0").asText()).startsWith(DemoCostTraffic.UNPRICED_MODEL + " has no price");
        }
      }
      System.out.println("demo cost alerts, first seen after the start: " + firstSeen);
      assertThat(firstSeen).containsKeys("firing CostUnpricedModel", "pending BudgetFastBurn", "firing BudgetFastBurn");
      assertThat(firstSeen.get("firing BudgetFastBurn").minus(Duration.ofMinutes(1))).as("after the jump")
          .isLessThanOrEqualTo(Duration.ofMinutes(4));
      assertThat(firstSeen).doesNotContainKeys("pending BudgetSlowBurn", "firing BudgetExceeded");

      JsonNode cost = loupe.get("api/v1/health").json().at("/dimensions/cost");
      assertThat(cost.path("status").asText()).isEqualTo("critical");
      assertThat(cost.at("/reasons/0").asText()).startsWith("api_key " + ApiKeyHash.of(DemoCostTraffic.LEAKY_KEY)
          + " burns budget per-key-daily fast: its last 5m");

      // The tile's figures: spend per model and version today, against the organisation's budget.
      JsonNode spend = loupe.get("api/v1/cost?group_by=model,model_version&start=2026-11-28T00:00:00Z").json();
      Map<String, Double> byVersion = new LinkedHashMap<>();
      for (JsonNode g : spend.get("data")) {
        byVersion.put(g.get("model").asText() + " " + g.get("model_version").asText(), g.get("spend").asDouble());
      }
      assertThat(byVersion).containsKeys("gpt-4o " + DemoSimulator.OLD_VERSION, "gpt-4o-mini 2024-07-18",
          "text-embedding-3-large 1", DemoCostTraffic.UNPRICED_MODEL + " 0.3");
      assertThat(byVersion.get("gpt-4o " + DemoSimulator.OLD_VERSION)).isGreaterThan(50);
      assertThat(spend.at("/unpriced_models/0/model").asText()).isEqualTo(DemoCostTraffic.UNPRICED_MODEL);
      JsonNode org = null;
      for (JsonNode b : loupe.get("api/v1/budgets").json().get("data")) {
        if (b.get("budget").asText().equals("org-daily")) org = b;
      }
      assertThat(org.get("limit").asDouble()).isEqualTo(6000.0);
      assertThat(org.get("spent").asDouble()).as("half an hour of demo traffic and a few minutes of the jumped key").isBetween(100.0, 600.0);

      // The idle training GPUs are waste; the serving GPUs are not.
      JsonNode gpus = loupe.get("api/v1/cost/gpus?start=2026-11-28T13:50:00Z").json();
      double idleWaste = 0;
      for (JsonNode g : gpus.get("gpus")) {
        if (g.get("node").asText().equals(DemoCostTraffic.IDLE_NODE)) {
          assertThat(g.get("workload").asText()).isEqualTo("training");
          assertThat(g.get("waste").asDouble()).isEqualTo(g.get("spend").asDouble()).isPositive();
          idleWaste += g.get("waste").asDouble();
        } else {
          assertThat(g.get("waste").asDouble()).isZero();
        }
      }
      assertThat(idleWaste).isPositive();
      assertThat(gpus.at("/total/waste").asDouble()).isEqualTo(idleWaste);
    }
  }
}
