package dev.loupe.rule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.model.Alert;
import dev.loupe.model.AlertState;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.RemoteWrite;
import dev.loupe.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules from loupe.yml over remote-written samples in a real server and DuckDB file: pending,
 * firing, resolved; ALERTS through query_range; for state across a restart; the backtest.
 */
class AlertingRulesServerTest {
  private static final Instant T = Instant.parse("2026-11-28T10:00:00Z");
  // A long interval keeps the background job out of the way: the test evaluates by hand.
  private static final String CONFIG = """
      rules:
        evaluation_interval: 1h
        builtin: {enabled: false}
        groups:
          - name: gpu
            rules:
              - alert: GpuTooHot
                signal: DCGM_FI_DEV_GPU_TEMP
                aggregation: max
                window: 30s
                by: [gpu]
                condition: '> 80'
                for: FOR
                severity: critical
                dimension: compute
                annotations:
                  summary: 'GPU {{ $labels.gpu }} at {{ $value }} C'
      """;

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T);
  private final List<List<Alert>> sent = new ArrayList<>();

  private static long s(int seconds) {
    return T.toEpochMilli() + seconds * 1000L;
  }

  /** At {@code seconds} after T: writes GPU 0's temperature and evaluates the rules. */
  private void tick(TestServer loupe, int seconds, double temp) {
    clock.set(Instant.ofEpochMilli(s(seconds)));
    RemoteWrite.send(loupe, RemoteWrite.series("DCGM_FI_DEV_GPU_TEMP", Map.of("gpu", "0", "Hostname", "n1"), s(seconds), temp));
    loupe.server().evaluateRules();
  }

  private static JsonNode range(TestServer loupe, String query, int from, int to) {
    TestServer.Answer a = loupe.get("api/v1/signals/query_range?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
        + "&start=" + s(from) / 1000 + "&end=" + s(to) / 1000 + "&step=15");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return a.json().path("data").path("result");
  }

  private static List<Long> times(JsonNode series) {
    List<Long> out = new ArrayList<>();
    for (JsonNode v : series.path("values")) out.add(v.get(0).asLong() - T.getEpochSecond());
    return out;
  }

  @Test
  void goesPendingFiringAndResolvedAndWritesAlertsReadableWithQueryRange() {
    try (TestServer loupe = TestServer.start(dir, clock, CONFIG.replace("FOR", "1m"))) {
      loupe.server().alertSink(sent::add);
      for (int sec = 0; sec <= 45; sec += 15) tick(loupe, sec, 90);
      assertThat(loupe.server().ruleEngine().alerts()).extracting(Alert::state).containsExactly(AlertState.PENDING);
      tick(loupe, 60, 91);
      JsonNode alerts = loupe.get("api/v1/alerts").json().path("data").path("alerts");
      assertThat(alerts).hasSize(1);
      assertThat(alerts.get(0).path("state").asText()).isEqualTo("firing");
      assertThat(alerts.get(0).path("activeAt").asText()).isEqualTo("2026-11-28T10:00:00Z");
      assertThat(alerts.get(0).path("value").asText()).isEqualTo("91");
      assertThat(alerts.get(0).path("labels").path("alertname").asText()).isEqualTo("GpuTooHot");
      assertThat(alerts.get(0).path("labels").path("severity").asText()).isEqualTo("critical");
      assertThat(alerts.get(0).path("annotations").path("summary").asText()).isEqualTo("GPU 0 at 91 C");
      JsonNode rule = loupe.get("api/v1/rules").json().path("data").path("groups").get(0).path("rules").get(0);
      assertThat(rule.path("state").asText()).isEqualTo("firing");
      assertThat(rule.path("health").asText()).isEqualTo("ok");
      assertThat(rule.path("lastEvaluation").asText()).isEqualTo("2026-11-28T10:01:00Z");
      assertThat(rule.path("query").asText()).isEqualTo("max by (gpu) (DCGM_FI_DEV_GPU_TEMP[30s]) > 80");
      assertThat(rule.path("missing_inputs")).isEmpty();
      String metrics = loupe.get("metrics").body();
      assertThat(metrics).contains("ALERTS{alertname=\"GpuTooHot\",alertstate=\"firing\",dimension=\"compute\",gpu=\"0\",severity=\"critical\"} 1.0")
          .contains("ALERTS_FOR_STATE{alertname=\"GpuTooHot\",dimension=\"compute\",gpu=\"0\",severity=\"critical\"} " + (double) T.getEpochSecond());

      tick(loupe, 75, 92);
      tick(loupe, 90, 70); // the 30 s window still holds 92
      tick(loupe, 105, 70);
      tick(loupe, 120, 70);
      assertThat(loupe.server().ruleEngine().alerts()).extracting(Alert::state, Alert::resolvedAtMillis)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(AlertState.RESOLVED, s(105)));
      assertThat(sent.get(sent.size() - 1)).extracting(Alert::state).containsExactly(AlertState.RESOLVED);
      JsonNode history = loupe.get("api/v1/alerts").json().path("data").path("history");
      assertThat(history).extracting(h -> h.path("state").asText()).containsExactly("resolved", "firing", "pending");

      // ALERTS as Prometheus writes them: none at the first (restoring) evaluation, pending at
      // 15..45 s, firing at 60..90 s, gone at once when resolved (staleness markers).
      JsonNode pending = range(loupe, "ALERTS{alertname=\"GpuTooHot\",alertstate=\"pending\"}", 0, 135);
      JsonNode firing = range(loupe, "ALERTS{alertname=\"GpuTooHot\",alertstate=\"firing\"}", 0, 135);
      assertThat(pending).hasSize(1);
      assertThat(times(pending.get(0))).containsExactly(15L, 30L, 45L);
      assertThat(firing.get(0).path("metric").path("gpu").asText()).isEqualTo("0");
      assertThat(times(firing.get(0))).containsExactly(60L, 75L, 90L);
      JsonNode forState = range(loupe, "ALERTS_FOR_STATE{alertname=\"GpuTooHot\"}", 15, 90);
      assertThat(forState.get(0).path("values").get(0).get(1).asText()).isEqualTo(Long.toString(T.getEpochSecond()));

      // The backtest over the same stored data answers the same transitions as live evaluation.
      TestServer.Answer test = loupe.post("api/v1/rules/test?since=2m&interval=15s", """
          {"alert": "GpuTooHot", "signal": "DCGM_FI_DEV_GPU_TEMP", "aggregation": "max", "window": "30s",
           "by": ["gpu"], "condition": "> 80", "for": "1m", "severity": "critical", "dimension": "compute"}""");
      assertThat(test.status()).as(test.body()).isEqualTo(200);
      JsonNode transitions = test.json().path("data").path("rules").get(0).path("transitions");
      assertThat(transitions).extracting(t -> t.path("state").asText() + "@" + t.path("at").asText())
          .containsExactly("pending@2026-11-28T10:00:00Z", "firing@2026-11-28T10:01:00Z", "resolved@2026-11-28T10:01:45Z");
      TestServer.Answer bad = loupe.post("api/v1/rules/test", "alert: X\nsignal: up\naggregation: max\nwindow: 1m\n"
          + "condition: '> 1'\nseverity: loud\ndimension: compute\n");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.json().path("error").asText()).startsWith("body:6:").contains("severity must be warning or critical");
    }
  }

  @Test
  void forStateSurvivesARestartShiftedByTheDowntime() {
    String config = CONFIG.replace("FOR", "20m");
    try (TestServer loupe = TestServer.start(dir, clock, config)) {
      for (int sec = 0; sec <= 300; sec += 15) tick(loupe, sec, 90);
      assertThat(loupe.server().ruleEngine().alerts()).extracting(Alert::state, Alert::activeSinceMillis)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(AlertState.PENDING, s(0)));
    }
    // Down from 5 m to 10 m: 15 m of the 20 m were left, more than the 10 m grace period, so the
    // pending time is shifted by the 5 m downtime.
    try (TestServer loupe = TestServer.start(dir, clock, config)) {
      tick(loupe, 600, 90);
      Alert a = loupe.server().ruleEngine().alerts().get(0);
      assertThat(a.activeSinceMillis()).isEqualTo(s(300));
      tick(loupe, 1485, 90);
      assertThat(loupe.server().ruleEngine().alerts().get(0).state()).isEqualTo(AlertState.PENDING);
      tick(loupe, 1500, 90);
      assertThat(loupe.server().ruleEngine().alerts().get(0).state()).isEqualTo(AlertState.FIRING);
    }
  }
}
