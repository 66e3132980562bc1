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
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, item 11: an inference dated before the hot hour (a late or back-filled one) lands in
 * its minute's rollup like a live one, and a second one into the same minute adds to it.
 */
class LateInferenceRollupTest {
  static final Instant NOW = Instant.parse("2026-11-28T12:00:30Z");
  static final Instant TWO_HOURS_AGO = Instant.parse("2026-11-28T10:00:00Z");

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(NOW);

  @Test
  void aLateInferenceIsCountedInItsMinuteAndASecondOneInTheSameMinuteAddsToIt() {
    try (TestServer loupe = TestServer.start(dir, clock)) {
      post(loupe, TWO_HOURS_AGO.plusSeconds(10), 400);
      loupe.server().flushRollups();
      assertThat(valueInMinute(loupe, "requests_per_second{deployment=\"chat-prod\"}")).isCloseTo(1 / 60.0, Offset.offset(1e-9));

      post(loupe, TWO_HOURS_AGO.plusSeconds(50), 600);
      loupe.server().flushRollups();
      assertThat(valueInMinute(loupe, "requests_per_second{deployment=\"chat-prod\"}")).isCloseTo(2 / 60.0, Offset.offset(1e-9));
      // The sketches merged too: the P99 is now the slower, second call's.
      assertThat(valueInMinute(loupe, "latency_seconds{deployment=\"chat-prod\",quantile=\"0.99\"}"))
          .isCloseTo(0.6, Offset.offset(0.01));
      assertThat(loupe.get("api/v1/inferences?start=2026-11-28T10:00:00Z&end=2026-11-28T10:01:00Z").json()
          .get("data")).hasSize(2);
    }
    // A restart reads the merged rollup back from the store, not from memory.
    try (TestServer again = TestServer.start(dir, clock)) {
      assertThat(valueInMinute(again, "requests_per_second{deployment=\"chat-prod\"}")).isCloseTo(2 / 60.0, Offset.offset(1e-9));
    }
  }

  private static void post(TestServer loupe, Instant at, double latencyMs) {
    TestServer.Answer a = loupe.post("api/v1/inferences", "{\"timestamp\":\"" + at + "\",\"service\":\"chat-api\","
        + "\"deployment\":\"chat-prod\",\"model\":\"gpt-4o\",\"model_version\":\"v1\",\"latency_ms\":" + latencyMs
        + ",\"input_tokens\":10,\"output_tokens\":5}");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
  }

  /** The value query_range gives at a 60 s step around the 10:00 minute: the only minute with data. */
  private static double valueInMinute(TestServer loupe, String signal) {
    long minute = TWO_HOURS_AGO.getEpochSecond();
    TestServer.Answer a = loupe.get("api/v1/signals/query_range?query="
        + URLEncoder.encode("loupe_model_" + signal, StandardCharsets.UTF_8)
        + "&start=" + (minute - 300) + "&end=" + (minute + 300) + "&step=60");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    JsonNode result = a.json().at("/data/result");
    assertThat(result).as(a.body()).hasSize(1);
    JsonNode values = result.get(0).get("values");
    assertThat(values).as(a.body()).hasSize(1);
    // A point stands for the minute that ends at its time, as a Prometheus rate looks back.
    assertThat(values.get(0).get(0).asDouble()).isEqualTo(minute + 60.0);
    return Double.parseDouble(values.get(0).get(1).asText());
  }
}
