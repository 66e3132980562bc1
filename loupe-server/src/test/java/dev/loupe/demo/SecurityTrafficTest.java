package dev.loupe.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.model.ApiKeyHash;
import dev.loupe.testing.MutableClock;
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
 * The demo's security story through a real server with the demo's config, on a test clock ticked
 * every 5 s as the demo evaluates: the batch key's 20x hour turns the security tile warning naming
 * the key, the injection burst a warning naming support-bot, the canary leak critical naming it;
 * the burst's alert resolves after it ends, and nothing else in the security dimension fires; the
 * reporting job whose key jumps is steady, never a silent deployment in the model tile.
 */
class SecurityTrafficTest {
  @TempDir Path dir;

  @Test
  void aKeyJumpAnInjectionBurstAndACanaryLeakEachTurnTheSecurityTile() throws Exception {
    Instant start = Instant.parse("2026-11-28T14:00:00Z");
    MutableClock clock = new MutableClock(start);
    String yaml = DemoSimulator.rulesYaml().replace("evaluation_interval: 5s", "evaluation_interval: 1h");
    String key = ApiKeyHash.of(SecurityTraffic.BATCH_KEY);
    Map<String, String> firstSeen = new LinkedHashMap<>();
    List<String> said = new ArrayList<>();
    List<String> otherAlerts = new ArrayList<>();
    try (TestServer loupe = TestServer.start(dir, clock, yaml);
        SecurityTraffic traffic = new SecurityTraffic(loupe.server().baseUri(), clock, said::add)) {
      traffic.backfill();
      for (int s = 5; s <= 12 * 60; s += 5) {
        clock.advance(Duration.ofSeconds(5));
        traffic.sendUntilNow();
        assertThat(loupe.server().awaitSecurityScans(Duration.ofMinutes(1))).isTrue();
        loupe.server().checkConsumption();
        loupe.server().evaluateRules();
        JsonNode security = loupe.get("api/v1/health").json().at("/dimensions/security");
        String state = security.get("status").asText() + " " + security.get("reasons");
        for (JsonNode a : loupe.get("api/v1/alerts").json().at("/data/alerts")) {
          if (!"security".equals(a.at("/labels/dimension").asText())) {
            otherAlerts.add(s + "s " + a.at("/labels/alertname").asText() + " " + a.at("/labels/deployment").asText());
            continue;
          }
          firstSeen.putIfAbsent(a.get("state").asText() + " " + a.at("/labels/alertname").asText() + " "
              + a.at("/labels/subject").asText(a.at("/labels/deployment").asText()), s + "s " + state);
        }
        if (s == 100) {
          assertThat(security.get("status").asText()).as("after the key's jump").isEqualTo("warning");
          assertThat(security.get("reasons").toString()).contains("API key " + key);
        }
        if (s == 300) {
          assertThat(security.get("status").asText()).as("during the injection burst").isEqualTo("warning");
          assertThat(security.get("reasons").toString())
              .contains("support-bot: ").contains("of prompts in 5 minutes are injection or jailbreak attempts");
        }
        if (s == 340) {
          assertThat(security.get("status").asText()).as("after the canary leak").isEqualTo("critical");
          assertThat(security.get("reasons").get(0).asText()).isEqualTo("support-bot leaked a canary token in 1"
              + " completion(s) in the last hour: its system prompt was disclosed");
        }
      }
      System.out.println("security alerts, first seen: " + firstSeen);
      // Rules without `for` fire at the evaluation that first sees the finding; the injection rate waits 30 s.
      assertThat(firstSeen.keySet()).containsExactlyInAnyOrder(
          "firing SecurityConsumptionAnomaly API key " + key,
          "pending SecurityPromptInjectionRate support-bot", "firing SecurityPromptInjectionRate support-bot",
          "firing SecurityCanaryLeak support-bot");
      assertThat(firstSeen.get("firing SecurityConsumptionAnomaly API key " + key)).startsWith("60s warning");
      assertThat(firstSeen.get("pending SecurityPromptInjectionRate support-bot")).startsWith("150s warning");
      assertThat(firstSeen.get("firing SecurityPromptInjectionRate support-bot")).startsWith("180s warning");
      assertThat(firstSeen.get("firing SecurityCanaryLeak support-bot")).startsWith("330s critical");
      assertThat(otherAlerts).as("the demo's security traffic alone alerts in no other dimension").isEmpty();
      assertThat(said).anyMatch(l -> l.contains("uses 20x")).anyMatch(l -> l.contains("leaked its system prompt"));
      // The burst ended at 5m: its alert is gone by 12m, the leak's hour is not over.
      List<String> firing = new ArrayList<>();
      for (JsonNode a : loupe.get("api/v1/alerts").json().at("/data/alerts")) firing.add(a.at("/labels/alertname").asText());
      assertThat(firing).doesNotContain("SecurityPromptInjectionRate").contains("SecurityCanaryLeak");
      JsonNode leak = loupe.get("api/v1/findings?kind=canary_leak").json().at("/data/0");
      assertThat(leak.at("/subject/deployment").asText()).isEqualTo(SecurityTraffic.DEPLOYMENT);
      assertThat(leak.at("/evidence/excerpt").asText()).contains("<CANARY>").doesNotContain(SecurityTraffic.CANARY);
    }
  }
}
