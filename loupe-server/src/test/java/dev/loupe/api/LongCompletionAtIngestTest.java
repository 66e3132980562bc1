package dev.loupe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs far longer than the deployment's baseline, through a running Loupe: each scanned
 * inference's output tokens teach its deployment's usual length; a completion many times longer is
 * a {@code long_completion} finding naming the deployment, with lengths as evidence and no text;
 * nothing is judged before the baseline has 100 completions; the baseline is kept across a restart.
 */
class LongCompletionAtIngestTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-08T10:00:00Z"));
  int seq;

  /** One inference of {@code deployment} at 09:00 plus {@code second} seconds. */
  String inference(String deployment, int second, long outputTokens) {
    return "{\"timestamp\":" + (Instant.parse("2026-12-08T09:00:00Z").toEpochMilli() + second * 1000L)
        + ",\"service\":\"support\",\"deployment\":\"" + deployment + "\",\"model\":\"gpt-4o\",\"request_id\":\"r-"
        + (++seq) + "\",\"api_key\":\"k-7\",\"output_tokens\":" + outputTokens
        + ",\"prompt\":\"Where is my order?\",\"completion\":\"It ships tomorrow, order SECRET-ORDER-TEXT.\"}";
  }

  /** {@code n} ordinary completions of 150 to 450 tokens. */
  String ordinary(String deployment, int n, int fromSecond, Random random) {
    List<String> lines = new ArrayList<>();
    for (int k = 0; k < n; k++) lines.add(inference(deployment, fromSecond + k, 150 + random.nextInt(300)));
    return String.join("\n", lines);
  }

  JsonNode longCompletions(TestServer loupe) throws InterruptedException {
    assertThat(loupe.server().awaitSecurityScans(Duration.ofMinutes(1))).isTrue();
    return loupe.get("api/v1/findings?kind=long_completion").json().get("data");
  }

  @Test
  void aCompletionFarLongerThanItsDeploymentsUsualIsAFindingAndTheBaselineSurvivesARestart() throws Exception {
    Random random = new Random(7);
    try (TestServer loupe = TestServer.start(dir, clock)) {
      // Too few completions to judge: 50 ordinary ones, then a huge one, are all learnt, none judged.
      loupe.post("api/v1/inferences", ordinary("support", 50, 0, random));
      loupe.post("api/v1/inferences", inference("support", 60, 8_000));
      assertThat(longCompletions(loupe)).isEmpty();

      loupe.post("api/v1/inferences", ordinary("support", 150, 100, random));
      // Three times the usual length stays under the limit (4x the median and 5 spreads above it).
      loupe.post("api/v1/inferences", inference("support", 300, 900));
      // Another deployment's baseline is its own: its first completions are not judged.
      loupe.post("api/v1/inferences", ordinary("batch", 20, 0, random) + "\n" + inference("batch", 30, 9_000));
      assertThat(longCompletions(loupe)).isEmpty();

      loupe.post("api/v1/inferences", inference("support", 310, 6_000));
      JsonNode found = longCompletions(loupe);
      assertThat(found).hasSize(1);
      JsonNode f = found.get(0);
      assertThat(f.get("severity").asText()).isEqualTo("warning");
      assertThat(f.at("/subject/deployment").asText()).isEqualTo("support");
      assertThat(f.at("/subject/request_id").asText()).isEqualTo("r-" + seq);
      assertThat(f.at("/evidence/length").asText()).isEqualTo("6000");
      assertThat(f.at("/evidence/unit").asText()).isEqualTo("tokens");
      assertThat(f.at("/evidence/median_length").asLong()).isBetween(250L, 350L);
      assertThat(f.get("reason").asText()).contains("6,000 tokens").contains("median");
      assertThat(f.toString()).as("lengths only, never the text").doesNotContain("SECRET-ORDER-TEXT");
    }
    try (TestServer again = TestServer.start(dir, clock)) {
      assertThat(again.server().store().security().states("completion_length")).containsKeys("support", "batch");
      // Restored: judged at once, without 100 new completions first.
      again.post("api/v1/inferences", inference("support", 400, 7_000));
      JsonNode found = longCompletions(again);
      assertThat(found).hasSize(2);
      assertThat(found.get(0).at("/evidence/length").asText()).as("newest first").isEqualTo("7000");
    }
  }
}
