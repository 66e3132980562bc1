package dev.loupe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drift and version comparison over the API: a rollout whose version answers slower, with less
 * grounded answers and more truncations, drifts on exactly those features against the previous
 * version, and the comparison names each change with its test.
 */
class DriftApiTest {
  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  static final Instant ROLLOUT = T0.plusSeconds(3600);

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0);
  TestServer loupe;

  @BeforeEach
  void traffic() {
    // Output tokens are tested with PSI at a line of 0.2, as evaluation.drift lets a team choose.
    loupe = TestServer.start(dir, clock, "evaluation: {drift: {features: {output_tokens: {test: psi, warning: 0.2}}}}\n");
    Random random = new Random(42);
    StringBuilder inferences = new StringBuilder();
    StringBuilder scores = new StringBuilder();
    // 400 requests an hour on v1, then 400 on v2 (latency ×1.5, groundedness −20 %, a tenth truncated).
    for (int i = 0; i < 800; i++) {
      boolean v2 = i >= 400;
      long t = T0.toEpochMilli() + i * 9_000L;
      double latency = (v2 ? 600 : 400) * Math.exp(0.2 * random.nextGaussian());
      String finish = v2 && i % 10 == 0 ? "length" : "stop";
      inferences.append(String.format(java.util.Locale.ROOT,
          "{\"timestamp\":%d,\"service\":\"api\",\"deployment\":\"chat-prod\",\"model\":\"gpt-4o\",\"model_version\":\"%s\","
              + "\"request_id\":\"r-%d\",\"latency_ms\":%.1f,\"input_tokens\":%d,\"output_tokens\":%d,\"finish_reason\":\"%s\"}%n",
          t, v2 ? "v2" : "v1", i, latency, 500 + random.nextInt(100), 150 + random.nextInt(50), finish));
      double grounded = Math.min(1, Math.max(0, (v2 ? 0.64 : 0.80) + 0.08 * random.nextGaussian()));
      scores.append(String.format(java.util.Locale.ROOT,
          "{\"timestamp\":%d,\"name\":\"groundedness\",\"value\":%.4f,\"source\":\"heuristic\",\"request_id\":\"r-%d\"}%n",
          t + 500, grounded, i));
    }
    clock.set(T0.plusSeconds(2 * 3600));
    assertThat(loupe.post("api/v1/inferences", inferences.toString()).status()).isEqualTo(200);
    assertThat(loupe.post("api/v1/scores", scores.toString()).status()).isEqualTo(200);
    assertThat(loupe.post("api/v1/deployments", "{\"timestamp\":" + ROLLOUT.toEpochMilli()
        + ",\"service\":\"api\",\"deployment\":\"chat-prod\",\"model\":\"gpt-4o\",\"from_version\":\"v1\",\"to_version\":\"v2\"}")
        .status()).isEqualTo(200);
  }

  @org.junit.jupiter.api.AfterEach
  void stop() {
    loupe.close();
  }

  @Test
  void afterARolloutTheNewVersionIsTestedAgainstThePreviousOneFeatureByFeature() {
    JsonNode drift = loupe.get("api/v1/drift?deployment=chat-prod&start=" + ROLLOUT).json();
    assertThat(drift.at("/reference/kind").asText()).isEqualTo("previous_version");
    assertThat(drift.at("/reference/model_version").asText()).isEqualTo("v1");
    assertThat(drift.at("/current/model_version").asText()).isEqualTo("v2");
    Map<String, JsonNode> byFeature = byName(drift.path("results"), "feature");
    // 400 observations a side: the small-reference tests, KS for numbers and chi-square for categories.
    assertThat(byFeature.get("latency_ms").path("test").asText()).isEqualTo("ks");
    assertThat(byFeature.get("latency_ms").path("drifted").asBoolean()).isTrue();
    assertThat(byFeature.get("latency_ms").path("p_value").asDouble()).isLessThan(1e-6);
    assertThat(byFeature.get("latency_ms").path("reference_count").asLong()).isEqualTo(400);
    assertThat(byFeature.get("groundedness").path("drifted").asBoolean()).isTrue();
    assertThat(byFeature.get("finish_reason").path("test").asText()).isEqualTo("chisquare");
    assertThat(byFeature.get("finish_reason").path("drifted").asBoolean()).isTrue();
    assertThat(byFeature.get("input_tokens").path("drifted").asBoolean()).as("same distribution on both").isFalse();
    assertThat(byFeature.get("output_tokens").path("test").asText()).as("configured").isEqualTo("psi");
    assertThat(byFeature.get("output_tokens").path("threshold").asDouble()).isEqualTo(0.2);
    assertThat(byFeature.get("output_tokens").path("critical_threshold").asDouble()).isEqualTo(0.25);
    assertThat(byFeature.get("outcome").path("drifted").asBoolean()).isFalse();
    assertThat(drift.path("drifted").asLong()).isEqualTo(3);

    JsonNode psi = loupe.get("api/v1/drift?deployment=chat-prod&start=" + ROLLOUT + "&test=psi").json();
    assertThat(byName(psi.path("results"), "feature").get("latency_ms").path("test").asText()).isEqualTo("psi");
  }

  @Test
  void aPinnedBaselineOrTheWeekBeforeCanBeTheReference() {
    JsonNode baseline = loupe.get("api/v1/drift?deployment=chat-prod&reference=baseline&reference_start=" + T0
        + "&reference_end=" + T0.plusSeconds(1800) + "&start=" + T0.plusSeconds(1800) + "&end=" + ROLLOUT).json();
    assertThat(baseline.path("drifted").asLong()).as("v1 against v1").isZero();
    assertThat(byName(baseline.path("results"), "feature")).containsKeys("latency_ms", "groundedness", "outcome");

    JsonNode weekBefore = loupe.get("api/v1/drift?deployment=chat-prod&reference=week_before&start=" + ROLLOUT).json();
    assertThat(weekBefore.path("results")).as("nothing was sent a week earlier").isEmpty();

    assertThat(loupe.get("api/v1/drift").status()).isEqualTo(400);
    TestServer.Answer bad = loupe.get("api/v1/drift?deployment=chat-prod&reference=yesterday");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().path("error").asText()).contains("previous_version, week_before or baseline");
    assertThat(loupe.get("api/v1/drift?deployment=embed-prod&reference=previous_version").json().path("error").asText())
        .contains("no rollout of embed-prod");
  }

  @Test
  void theVersionComparisonShowsEverySignalSideBySideWithItsTest() {
    JsonNode compare = loupe.get("api/v1/versions/compare?deployment=chat-prod&start=" + T0).json();
    assertThat(compare.at("/from/model_version").asText()).isEqualTo("v1");
    assertThat(compare.at("/to/model_version").asText()).isEqualTo("v2");
    Map<String, JsonNode> bySignal = byName(compare.path("signals"), "signal");
    JsonNode latency = bySignal.get("latency_ms");
    assertThat(latency.path("change").asDouble()).isBetween(0.4, 0.6);
    assertThat(latency.path("regression").asBoolean()).isTrue();
    assertThat(latency.at("/reference/count").asLong()).isEqualTo(400);
    assertThat(latency.at("/drift/test").asText()).isEqualTo("ks");
    JsonNode grounded = bySignal.get("groundedness");
    assertThat(grounded.path("change").asDouble()).isBetween(-0.25, -0.15);
    assertThat(grounded.path("worse_when").asText()).isEqualTo("lower");
    assertThat(grounded.path("regression").asBoolean()).isTrue();
    assertThat(bySignal.get("input_tokens").path("regression").asBoolean()).isFalse();
    assertThat(bySignal.get("error rate").at("/current/rate").asDouble()).isZero();
    assertThat(bySignal.get("finish_reason").at("/current/length").asLong()).isEqualTo(40);
  }

  @Test
  void anUnknownDriftTestInTheConfigIsRefusedNamingIt() {
    assertThatThrownBy(() -> dev.loupe.server.ConfigLoader.parse(
        "evaluation:\n  drift:\n    features:\n      latency_ms: {test: ttest}\n", "loupe.yml"))
        .hasMessageContaining("evaluation.drift.features").hasMessageContaining("ttest")
        .hasMessageContaining("ks, wasserstein, psi");
  }

  private static Map<String, JsonNode> byName(JsonNode array, String field) {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode n : array) out.put(n.path(field).asText(), n);
    return out;
  }
}
