package dev.loupe.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loupe.testing.TestClock;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RecordInvariantsTest {
  static final long TS = 1_795_860_000_000L;
  static final SeriesKey KEY = new SeriesKey("chat-api", "chat-prod", "gpt-4o", "v1");

  static Inference inference(Long in, Long out, Long cached, Double latency, Double ttft, Integer http) {
    return new Inference(TS, KEY, null, null, null, null, null, in, out, cached, latency, ttft, null, http,
        null, null, null, null, null, null);
  }

  static void rejects(String field, Supplier<?> make) {
    assertThatThrownBy(make::get)
        .isInstanceOf(InvalidRecordException.class)
        .satisfies(e -> assertThat(((InvalidRecordException) e).field()).isEqualTo(field))
        .hasMessageStartingWith(field + ": ");
  }

  @Test
  void inferenceInvariantsNameTheirField() {
    rejects("input_tokens", () -> inference(-1L, null, null, null, null, null));
    rejects("output_tokens", () -> inference(null, -5L, null, null, null, null));
    rejects("cached_tokens", () -> inference(10L, null, 11L, null, null, null));
    rejects("latency_ms", () -> inference(null, null, null, Double.NaN, null, null));
    rejects("latency_ms", () -> inference(null, null, null, -0.5, null, null));
    rejects("ttft_ms", () -> inference(null, null, null, 100.0, 150.0, null));
    rejects("http_status", () -> inference(null, null, null, null, null, 999));
    rejects("timestamp", () -> new Inference(0, KEY, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null));
    rejects("model", () -> new Inference(TS, new SeriesKey(null, "d", null, null), null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, null));
    rejects("deployment", () -> new Inference(TS, new SeriesKey(null, null, "m", null), null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, null, null));
    rejects("model", () -> new SeriesKey("s", "d", "x".repeat(300), "v"));
  }

  @Test
  void derivedFields() {
    assertThat(inference(null, null, null, null, null, 429).outcome()).isEqualTo(Outcome.THROTTLED);
    assertThat(inference(null, null, null, null, null, 503).outcome()).isEqualTo(Outcome.ERROR);
    assertThat(inference(null, null, null, null, null, 200).outcome()).isEqualTo(Outcome.OK);
    assertThat(inference(null, null, null, null, null, null).outcome()).isEqualTo(Outcome.OK);
    assertThat(inference(100L, 20L, null, null, null, null).totalTokens()).isEqualTo(120);
    assertThat(inference(null, null, null, null, null, null).totalTokens()).isNull();
    SeriesKey partial = new SeriesKey("svc", " ", "m", null);
    assertThat(partial.deployment()).isEqualTo(Checks.UNKNOWN);
    assertThat(partial.modelVersion()).isEqualTo(Checks.UNKNOWN);
    assertThat(partial.label("model")).isEqualTo("m");
    assertThat(partial.label("tenant")).isNull();
  }

  @Test
  void otherRecords() {
    rejects("to_version", () -> new Deployment(TS, "s", "d", "m", "v1", " "));
    rejects("to_version", () -> new Deployment(TS, "s", "d", "m", "v1", "v1"));
    rejects("deployment", () -> new Deployment(TS, null, null, "m", null, "v2"));
    rejects("request_id", () -> new Score(TS, "helpfulness", 1, ScoreSource.HUMAN, " ", null, null));
    rejects("value", () -> new Score(TS, "helpfulness", Double.POSITIVE_INFINITY, null, "r", null, null));
    rejects("name", () -> new Score(TS, "", 1, null, "r", null, null));
    rejects("end_time", () -> new Span("t", "s", null, "n", 10, 5, "ok", null, null));
    rejects("finished_at", () -> new PipelineRun("p", true, TS, TS - 1, null, null, null, null));
    rejects("rows_in", () -> new PipelineRun("p", true, TS, TS, -1L, null, null, null));
    assertThat(new Score(TS, "n", 0.5, null, null, "t", null).source()).isEqualTo(ScoreSource.HEURISTIC);
  }

  @Test
  void wireEnums() {
    assertThat(Outcome.parse("status", "Throttled")).isEqualTo(Outcome.THROTTLED);
    assertThat(Outcome.parse("status", "success")).isEqualTo(Outcome.OK);
    rejects("status", () -> Outcome.parse("status", "meh"));
    rejects("status", () -> Outcome.parse("status", null));
    assertThat(ScoreSource.parse("source", "llm-judge")).isEqualTo(ScoreSource.LLM_JUDGE);
    rejects("source", () -> ScoreSource.parse("source", "oracle"));
  }

  @Test
  void apiKeysAreHashedStablyAndNeverKeptInClear() {
    String h = ApiKeyHash.of("sk-live-123456");
    assertThat(h).startsWith("sha256:").hasSize(7 + 16).doesNotContain("123456");
    assertThat(ApiKeyHash.of("sk-live-123456")).isEqualTo(h);
    assertThat(ApiKeyHash.of("sk-live-123457")).isNotEqualTo(h);
    assertThat(ApiKeyHash.of(null)).isNull();
  }

  @Test
  void timestampAdmissionRejectsFarFutureAndTooOld() {
    TestClock clock = new TestClock(java.time.Instant.ofEpochMilli(TS));
    TimestampAdmission admission = new TimestampAdmission(clock, Duration.ofMinutes(10), Duration.ofDays(30));
    admission.check("timestamp", TS + Duration.ofMinutes(9).toMillis());
    admission.check("timestamp", TS - Duration.ofDays(29).toMillis());
    rejects("timestamp", () -> {
      admission.check("timestamp", TS + Duration.ofMinutes(11).toMillis());
      return null;
    });
    rejects("timestamp", () -> {
      admission.check("timestamp", TS - Duration.ofDays(31).toMillis());
      return null;
    });
    clock.advance(Duration.ofMinutes(5));
    admission.check("timestamp", TS + Duration.ofMinutes(14).toMillis());
  }
}
