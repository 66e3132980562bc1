package dev.loupe.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * The demo's data story on a test clock through a real server, with the demo's pipeline config:
 * healthy at the start, then the nightly pipeline's run fails and the RAG index stops refreshing;
 * within three minutes the data tile names each, and the model tile says chat-prod answers from
 * the stale index.
 */
class PipelineTrafficTest {
  @TempDir Path dir;

  @Test
  void theDataTileNamesTheFailingNightlyPipelineAndTheStaleIndexWithinThreeMinutes() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T14:00:00Z")); // a Monday
    List<String> said = new ArrayList<>();
    String config = PipelineTraffic.configYaml() + "rules:\n  evaluation_interval: 1h\n";
    try (TestServer loupe = TestServer.start(dir, clock, config);
        PipelineTraffic traffic = new PipelineTraffic(loupe.server().baseUri(), clock, said::add)) {
      traffic.backfill();
      loupe.server().evaluateRules();
      JsonNode start = loupe.get("api/v1/health").json().at("/dimensions/data");
      assertThat(start.get("status").asText()).as(start.toString()).isEqualTo("ok");
      assertThat(start.at("/reasons/0").asText())
          .isEqualTo("2 pipelines watched: kb-refresh (index kb-prod → chat-prod), nightly-etl");
      JsonNode nightly = loupe.get("api/v1/pipelines").json().at("/data/1");
      assertThat(nightly.get("pipeline").asText()).isEqualTo(PipelineTraffic.NIGHTLY);
      assertThat(nightly.at("/rows/basis").asText()).as("four earlier Mondays").isEqualTo("Mondays");
      assertThat(Math.abs(nightly.at("/rows/deviation").asDouble())).isLessThan(4);
      assertThat(nightly.at("/failures/runs_7d").asInt()).isEqualTo(7);

      Map<String, Duration> firstSeen = new LinkedHashMap<>();
      Duration elapsed = Duration.ZERO;
      while (elapsed.compareTo(Duration.ofMinutes(4)) < 0) {
        clock.advance(Duration.ofSeconds(5));
        elapsed = elapsed.plusSeconds(5);
        traffic.sendUntilNow();
        loupe.server().evaluateRules();
        JsonNode health = loupe.get("api/v1/health").json();
        for (String d : List.of("data", "model")) {
          for (JsonNode r : health.at("/dimensions/" + d + "/reasons")) {
            String reason = r.asText();
            if (reason.startsWith(PipelineTraffic.NIGHTLY + " is failing")) firstSeen.putIfAbsent(d + ": failing", elapsed);
            if (reason.startsWith(PipelineTraffic.INDEX_PIPELINE + " is stale")) firstSeen.putIfAbsent(d + ": stale", elapsed);
            if (reason.startsWith("answers of chat-prod come from index kb-prod, stale for")) {
              firstSeen.putIfAbsent(d + ": answers from a stale index", elapsed);
            }
          }
        }
      }
      System.out.println("demo data findings, first seen after the start: " + firstSeen);
      // The re-run fails at 90 s; the last refresh finished at 13:58:40, stale 3 m later (14:01:40).
      assertThat(firstSeen).containsEntry("data: failing", Duration.ofSeconds(90))
          .containsEntry("data: stale", Duration.ofSeconds(105))
          .containsEntry("model: answers from a stale index", Duration.ofSeconds(105))
          .hasSize(3);
      JsonNode data = loupe.get("api/v1/health").json().at("/dimensions/data");
      assertThat(data.get("status").asText()).isEqualTo("warning");
      assertThat(said).anyMatch(l -> l.contains("nightly-etl's run failed"));
      assertThat(loupe.get("api/v1/pipelines").json().at("/data/1/last_run/error").asText())
          .startsWith("upstream export missing: s3://exports/orders/2026-11-30.parquet");
    }
  }
}
