package dev.loupe.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's story, driven by a test clock through a real server: three deployments, a healthy
 * model tile, then a slower version on chat-prod turns it warning within two minutes.
 */
class DemoSimulatorTest {
  @TempDir Path dir;

  @Test
  void modelTileTurnsWarningWithinTwoMinutesOfTheRollout() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T14:00:00Z"));
    List<String> said = new ArrayList<>();
    // A tile's status is its worst firing alert: the demo's rules, evaluated by hand every 5 s.
    try (TestServer loupe = TestServer.start(dir, clock, demoRulesEvaluatedByHand());
        DemoSimulator sim = new DemoSimulator(loupe.server().baseUri(), clock, Duration.ofMinutes(1), 1.5, said::add)) {
      sim.backfill();
      for (int s = 0; s < 60; s += 5) tick(loupe, sim, clock);
      JsonNode healthy = loupe.get("api/v1/health").json();
      assertThat(healthy.get("dimensions").get("model").get("status").asText()).isEqualTo("ok");
      JsonNode deployments = loupe.get("api/v1/inferences?start=2026-11-28T13:59:00Z&limit=100000").json().get("data");
      assertThat(deployments).extracting(n -> n.get("deployment").asText())
          .contains("chat-prod", "summarize-prod", "embed-prod");
      // The GPUs and InfiniBand ports behind them report too, healthy.
      assertThat(healthy.at("/dimensions/compute/status").asText()).as(healthy.toString()).isEqualTo("ok");
      assertThat(healthy.at("/dimensions/network/status").asText()).as(healthy.toString()).isEqualTo("ok");
      JsonNode gpus = loupe.get("api/v1/gpus").json().get("data");
      assertThat(gpus.size()).isEqualTo(8);
      assertThat(gpus).allMatch(g -> g.get("status").asText().equals("ok") && g.get("workload").asText().equals("inference"));
      assertThat(loupe.get("api/v1/network").json().at("/data/ports").size()).isEqualTo(2);

      sim.rollOut();
      assertThat(said).anyMatch(l -> l.contains(DemoSimulator.NEW_VERSION));
      Duration waited = Duration.ZERO;
      String status = "ok";
      JsonNode model = null;
      while (waited.compareTo(Duration.ofMinutes(2)) < 0 && !status.equals("warning")) {
        tick(loupe, sim, clock);
        waited = waited.plusSeconds(5);
        model = loupe.get("api/v1/health").json().get("dimensions").get("model");
        status = model.get("status").asText();
      }
      assertThat(status).as("model tile after %s", waited).isEqualTo("warning");
      assertThat(model.get("reasons").get(0).asText())
          .contains("chat-prod").contains(DemoSimulator.NEW_VERSION).contains(DemoSimulator.OLD_VERSION);
    }
  }

  /**
   * The demo's own rules over its traffic, evaluated every 5 s of the test clock as the demo does:
   * the hot GPU's temperature alert goes pending, then fires, within two minutes of the start;
   * the slower version's latency alert fires within three minutes of the rollout. Times are the
   * simulated clock's, so the test takes seconds.
   */
  @Test
  void theDemoRulesFireAGpuAlertWithinTwoMinutesAndALatencyAlertAfterTheRollout() throws Exception {
    Instant start = Instant.parse("2026-11-28T14:00:00Z");
    MutableClock clock = new MutableClock(start);
    assertThat(DemoSimulator.rulesYaml()).contains("evaluation_interval: 5s").contains("for: 30s")
        .contains("ModelLatencyRegression: {for: 30s}");
    try (TestServer loupe = TestServer.start(dir, clock, demoRulesEvaluatedByHand());
        DemoSimulator sim = new DemoSimulator(loupe.server().baseUri(), clock, Duration.ofMinutes(1), 1.5, s -> {})) {
      sim.backfill();
      java.util.Map<String, Duration> firstSeen = new java.util.LinkedHashMap<>();
      Duration elapsed = Duration.ZERO;
      while (elapsed.compareTo(Duration.ofMinutes(5)) < 0 && !firstSeen.containsKey("firing ModelLatencyRegression/warning")) {
        tick(loupe, sim, clock);
        elapsed = elapsed.plusSeconds(5);
        if (elapsed.equals(Duration.ofMinutes(1))) sim.rollOut();
        for (JsonNode a : loupe.get("api/v1/alerts").json().at("/data/alerts")) {
          firstSeen.putIfAbsent(a.get("state").asText() + " " + a.at("/labels/alertname").asText() + "/"
              + a.at("/labels/severity").asText(), elapsed);
        }
      }
      assertThat(firstSeen).as("alert states by when first seen").containsKeys(
          "pending GpuTemperatureHigh/warning", "firing GpuTemperatureHigh/warning",
          "pending GpuTemperatureHigh/critical", "firing GpuTemperatureHigh/critical",
          "pending ModelLatencyRegression/warning", "firing ModelLatencyRegression/warning");
      System.out.println("demo alerts, first seen after the start: " + firstSeen);
      assertThat(firstSeen.get("pending GpuTemperatureHigh/warning")).isLessThan(firstSeen.get("firing GpuTemperatureHigh/warning"));
      assertThat(firstSeen.get("firing GpuTemperatureHigh/warning")).isLessThanOrEqualTo(Duration.ofMinutes(2));
      assertThat(firstSeen.get("firing GpuTemperatureHigh/critical")).isLessThanOrEqualTo(Duration.ofMinutes(3));
      assertThat(firstSeen.get("firing ModelLatencyRegression/warning").minus(Duration.ofMinutes(1)))
          .as("after the rollout").isLessThanOrEqualTo(Duration.ofMinutes(3));

      JsonNode alerts = loupe.get("api/v1/alerts").json().at("/data/alerts");
      List<String> gpus = new ArrayList<>();
      JsonNode latency = null;
      for (JsonNode a : alerts) {
        assertThat(a.at("/labels/alertname").asText())
            .as("the demo's alerts are the hot GPU's and the slower, less grounded version's")
            .isIn("GpuTemperatureHigh", "ModelLatencyRegression", "ModelVersionRegression");
        if (a.at("/labels/alertname").asText().equals("GpuTemperatureHigh")) {
          gpus.add(a.at("/labels/Hostname").asText() + " GPU " + a.at("/labels/gpu").asText());
        } else if (a.at("/labels/alertname").asText().equals("ModelLatencyRegression")) {
          latency = a;
        }
      }
      assertThat(gpus).as("only the hot GPU").containsOnly(DemoSimulator.hotGpu());
      assertThat(latency.at("/labels/deployment").asText()).isEqualTo("chat-prod");
      assertThat(latency.at("/labels/model_version").asText()).isEqualTo(DemoSimulator.NEW_VERSION);
      assertThat(latency.at("/labels/previous_model_version").asText()).isEqualTo(DemoSimulator.OLD_VERSION);
      assertThat(Double.parseDouble(latency.get("value").asText())).as("P95 change").isBetween(0.4, 0.6);
      assertThat(latency.at("/labels/severity").asText()).isEqualTo("warning");
      assertThat(latency.at("/annotations/summary").asText()).startsWith("chat-prod P95 latency +");
      assertThat(latency.at("/signal/query").asText())
          .isEqualTo("loupe_model_latency_seconds{quantile=\"0.95\", service=\"chat-api\", deployment=\"chat-prod\"}");
    }
  }

  /**
   * The seed's story: the fine-tune answers less from its documents, and the built-in groundedness
   * evaluator's scores make ModelVersionRegression fire within three minutes of the rollout, naming
   * both versions; summarize-prod's three weeks of graded history hold a slow decline that the
   * sequential detector catches, with its start estimated within three days of the true one.
   */
  @Test
  void theFineTunesGroundednessDropAndTheSlowDeclineAreBothCaught() throws Exception {
    Instant start = Instant.parse("2026-11-28T14:00:00Z");
    MutableClock clock = new MutableClock(start);
    List<String> said = new ArrayList<>();
    try (TestServer loupe = TestServer.start(dir, clock, demoRulesEvaluatedByHand());
        DemoSimulator sim = new DemoSimulator(loupe.server().baseUri(), clock, Duration.ofMinutes(1), 1.5, said::add)) {
      sim.backfill();
      sim.backfillQualityHistory();
      assertThat(said).anyMatch(l -> l.contains("back-filling 19 days of summarize-prod"));
      JsonNode regression = null;
      JsonNode decline = null;
      Duration elapsed = Duration.ZERO;
      while (elapsed.compareTo(Duration.ofMinutes(5)) < 0 && (regression == null || decline == null)) {
        tick(loupe, sim, clock);
        elapsed = elapsed.plusSeconds(5);
        if (elapsed.equals(Duration.ofMinutes(1))) sim.rollOut();
        for (JsonNode a : loupe.get("api/v1/alerts").json().at("/data/alerts")) {
          if (!a.get("state").asText().equals("firing")) continue;
          String name = a.at("/labels/alertname").asText();
          if (name.equals("ModelVersionRegression") && regression == null) regression = a;
          if (name.equals("ModelQualityDegrading") && decline == null) decline = a;
        }
        if (regression != null) {
          assertThat(elapsed.minus(Duration.ofMinutes(1))).as("after the rollout").isLessThanOrEqualTo(Duration.ofMinutes(3));
        }
      }
      assertThat(regression).as("ModelVersionRegression fired").isNotNull();
      assertThat(regression.at("/labels/signal").asText()).isEqualTo("groundedness");
      assertThat(regression.at("/labels/model_version").asText()).isEqualTo(DemoSimulator.NEW_VERSION);
      assertThat(regression.at("/labels/previous_model_version").asText()).isEqualTo(DemoSimulator.OLD_VERSION);
      assertThat(Double.parseDouble(regression.get("value").asText())).isBetween(0.10, 0.25);

      assertThat(decline).as("ModelQualityDegrading fired").isNotNull();
      assertThat(decline.at("/labels/deployment").asText()).isEqualTo(QualityHistory.DEPLOYMENT);
      assertThat(decline.at("/labels/name").asText()).isEqualTo(QualityHistory.SCORE);
      Instant declineStart = Instant.ofEpochMilli(QualityHistory.declineStartMillis(
          start.minus(DemoSimulator.BACKFILL).toEpochMilli()));
      assertThat(Instant.parse(decline.at("/labels/since").asText()))
          .isBetween(declineStart.minus(Duration.ofDays(1)), declineStart.plus(Duration.ofDays(3)));

      JsonNode model = loupe.get("api/v1/health").json().at("/dimensions/model");
      assertThat(model.path("status").asText()).isEqualTo("warning");
      assertThat(model.path("reasons").toString()).contains("groundedness").contains(DemoSimulator.NEW_VERSION)
          .contains("summarize-prod: answer_quality drifting the wrong way since");
    }
  }

  /**
   * The demo's rules with the server's own evaluation pushed out of the way (1h): the test
   * evaluates at the demo's 5 s of simulated time, so results do not hang on the machine's speed.
   */
  private static String demoRulesEvaluatedByHand() {
    return DemoSimulator.rulesYaml().replace("evaluation_interval: 5s", "evaluation_interval: 1h");
  }

  /** Five simulated seconds of the demo: its traffic sent, closed minutes rolled up, rules evaluated. */
  private static void tick(TestServer loupe, DemoSimulator sim, MutableClock clock) throws Exception {
    clock.advance(Duration.ofSeconds(5));
    sim.sendUntilNow();
    loupe.server().flushRollups();
    loupe.server().evaluateRules();
  }

  @Test
  void trafficHasTheShapeItClaims() {
    TrafficModel m = new TrafficModel(
        new SimulatedDeployment("s", "d", "m", "chat", 10, 500, 0.3, 800, 200), "v1", 7);
    long t = Instant.parse("2026-11-28T15:00:00Z").toEpochMilli();
    List<java.util.Map<String, Object>> before = m.interval(t, t + 600_000);
    m.rollOut("v2", 1.5);
    List<java.util.Map<String, Object>> after = m.interval(t + 600_000, t + 1_200_000);
    assertThat(before.size()).isBetween(4000, 12000);
    assertThat(after).allMatch(e -> e.get("model_version").equals("v2"));
    double p95Before = p95(before);
    double p95After = p95(after);
    assertThat(p95After / p95Before).isBetween(1.4, 1.6);
    long errors = before.stream().filter(e -> "error".equals(e.get("status"))).count();
    assertThat(errors).isPositive().isLessThan(before.size() / 50);
    // afternoon (15:00) is busier than the small hours (03:00)
    assertThat(m.rateAt(t)).isGreaterThan(m.rateAt(t - 12 * 3_600_000L));
  }

  private static double p95(List<java.util.Map<String, Object>> events) {
    double[] l = events.stream().filter(e -> "ok".equals(e.get("status")))
        .mapToDouble(e -> ((Number) e.get("latency_ms")).doubleValue()).sorted().toArray();
    return l[(int) (l.length * 0.95)];
  }
}
