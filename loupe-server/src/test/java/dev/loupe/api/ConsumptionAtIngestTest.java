package dev.loupe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.model.ApiKeyHash;
import dev.loupe.store.StoredFinding;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anomalous consumption through a running Loupe on a test clock: usage per API key, user and
 * tenant from the inferences stored, judged against each one's own baseline (kept across a
 * restart), the open hour judged as it fills, a new key's heavy use, and one key's share of the
 * day's spend; the pack's rule fires and the security tile names the key.
 */
class ConsumptionAtIngestTest {
  static final long HOUR = 3_600_000L;
  @TempDir Path dir;
  final Instant start = Instant.parse("2026-12-08T10:20:00Z");
  final MutableClock clock = new MutableClock(start);

  /** {@code n} inferences of {@code key}, {@code tokens} each, spread over the minute at {@code at}. */
  static String usage(Instant at, String key, int n, long tokens, double cost, String prefix) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(String.format(Locale.ROOT, "{\"timestamp\":\"%s\",\"service\":\"batch\",\"deployment\":\"batch-prod\","
          + "\"model\":\"gpt-4o-mini\",\"request_id\":\"%s-%d\",\"api_key\":\"%s\",\"tenant\":\"acme\",\"user\":\"u-%s\","
          + "\"input_tokens\":%d,\"output_tokens\":0,\"cost\":%.4f}%n", at.plusMillis(i * 50L), prefix, i, key, key,
          tokens, cost));
    }
    return b.toString();
  }

  @Test
  void aKeyWhoseUsageJumps20TimesIsASpikeWithinTheHourAndTheTileNamesIt() throws Exception {
    String key = ApiKeyHash.of("k-batch");
    try (TestServer loupe = TestServer.start(dir, clock)) {
      // 30 hours of history: 5 requests of 2,000 tokens an hour.
      StringBuilder history = new StringBuilder();
      for (int h = 30; h >= 1; h--) {
        history.append(usage(start.minusMillis(h * HOUR), "k-batch", 5, 2_000, 0.01, "h" + h));
      }
      assertThat(loupe.post("api/v1/inferences", history.toString()).json().get("accepted").asInt()).isEqualTo(150);
      assertThat(loupe.server().checkConsumption()).as("ordinary history").isEmpty();

      // Then a burst: 100 requests of 2,000 tokens within a minute, 20 times the usual hour.
      clock.advance(Duration.ofMinutes(1));
      assertThat(loupe.post("api/v1/inferences", usage(clock.instant().minusSeconds(30), "k-batch", 100, 2_000, 0.01, "b"))
          .status()).isEqualTo(200);
      List<StoredFinding> found = loupe.server().checkConsumption();
      // The key's user and tenant, only ever used through it, jump as much.
      assertThat(found).extracting(f -> f.kind() + " " + f.subject().describe()).containsExactlyInAnyOrder(
          "consumption_spike API key " + key, "consumption_spike user u-k-batch", "consumption_spike tenant acme");
      StoredFinding spike = found.stream().filter(f -> key.equals(f.subject().keyHash())).findFirst().orElseThrow();
      assertThat(spike.subject().keyHash()).isEqualTo(key);
      assertThat(spike.reason()).startsWith("API key " + key + " used 200,000 tokens in the hour from 10:00, 20× the usual 10,000");
      assertThat(Double.parseDouble(spike.evidence().get("token_ratio"))).isEqualTo(20.0, org.assertj.core.api.Assertions.within(0.5));
      assertThat(loupe.server().checkConsumption()).as("found once").isEmpty();

      loupe.server().evaluateRules();
      JsonNode security = loupe.get("api/v1/health").json().at("/dimensions/security");
      assertThat(security.get("status").asText()).isEqualTo("warning");
      assertThat(security.get("reasons").toString()).contains("API key " + key
          + ": consumption_spike (usage far from its own baseline or share of spend; see /api/v1/findings)");
      JsonNode listed = loupe.get("api/v1/findings?key=k-batch").json().get("data");
      assertThat(listed).hasSize(1);
      assertThat(listed.get(0).at("/subject/name").asText()).isEqualTo("API key " + key);
    }
    // After a restart the baseline and the hour's usage are back: the hour closes as the same spike.
    clock.advance(Duration.ofMinutes(50));
    try (TestServer again = TestServer.start(dir, clock)) {
      assertThat(again.server().checkConsumption()).isEmpty();
      assertThat(again.get("api/v1/findings?key=k-batch").json().get("data")).hasSize(1);
      assertThat(again.get("api/v1/findings").json().get("data")).hasSize(3);
      assertThat(again.server().store().security().states("consumption")).containsKey("api_key:" + key);
    }
  }

  @Test
  void heavyUseOfAKeyNewToLoupeIsNotNewsOnItsFirstDayButIsAfter() throws Exception {
    try (TestServer loupe = TestServer.start(dir, clock)) {
      assertThat(loupe.post("api/v1/inferences", usage(start.minusSeconds(60), "k-old", 2_100, 100, 0, "o")).status())
          .isEqualTo(200);
      assertThat(loupe.server().checkConsumption()).as("every key is new to a Loupe that just started").isEmpty();
      clock.advance(Duration.ofHours(26));
      assertThat(loupe.post("api/v1/inferences", usage(clock.instant().minusSeconds(60), "k-new", 2_100, 100, 0, "n"))
          .status()).isEqualTo(200);
      List<StoredFinding> found = loupe.server().checkConsumption();
      assertThat(found).filteredOn(f -> ApiKeyHash.of("k-new").equals(f.subject().keyHash()))
          .extracting(StoredFinding::kind).containsExactly("new_key_heavy_use");
      assertThat(found).extracting(StoredFinding::kind).doesNotContain("consumption_spike");
    }
  }

  @Test
  void oneKeyTakingMostOfTheDaysSpendIsACostConcentration() throws Exception {
    try (TestServer loupe = TestServer.start(dir, clock)) {
      Instant dayBefore = start.minus(Duration.ofHours(30));
      String even = usage(dayBefore, "k-a", 10, 100, 1.0, "a0") + usage(dayBefore, "k-b", 10, 100, 1.0, "b0")
          + usage(dayBefore, "k-c", 10, 100, 1.0, "c0");
      Instant at = start.minusSeconds(600);
      String body = usage(at, "k-a", 80, 100, 1.0, "a") + usage(at, "k-b", 10, 100, 1.0, "b")
          + usage(at, "k-c", 10, 100, 1.0, "c");
      assertThat(loupe.post("api/v1/inferences", body).status()).isEqualTo(200);
      assertThat(loupe.server().checkConsumption()).as("no day before to compare with: a first day tells nothing")
          .extracting(StoredFinding::kind).doesNotContain("cost_concentration");
      assertThat(loupe.post("api/v1/inferences", even).status()).isEqualTo(200);
      List<StoredFinding> found = loupe.server().checkConsumption();
      assertThat(found).filteredOn(f -> f.kind().equals("cost_concentration") && f.subject().keyHash() != null)
          .singleElement().satisfies(f -> {
        assertThat(f.subject().keyHash()).isEqualTo(ApiKeyHash.of("k-a"));
        assertThat(f.reason()).contains("took 80 % of the spend in the last 24 h");
      });
    }
  }
}
