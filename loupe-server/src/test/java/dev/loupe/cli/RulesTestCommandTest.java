package dev.loupe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.testing.MutableClock;
import dev.loupe.testing.RemoteWrite;
import dev.loupe.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesTestCommandTest {
  @TempDir Path dir;

  @Test
  void backtestsARuleFileAgainstARunningLoupe() throws Exception {
    Instant t = Instant.parse("2026-11-28T10:00:00Z");
    MutableClock clock = new MutableClock(t.plusSeconds(300));
    Path rules = dir.resolve("hot.yml");
    Files.writeString(rules, """
        groups:
          - name: gpu
            rules:
              - alert: GpuTooHot
                signal: DCGM_FI_DEV_GPU_TEMP
                aggregation: max
                window: 30s
                by: [gpu]
                condition: '> 80'
                for: 1m
                severity: warning
                dimension: compute
              - alert: EccErrors
                signal: DCGM_FI_DEV_ECC_DBE_VOL_TOTAL
                aggregation: increase
                window: 5m
                condition: '> 0'
                severity: critical
                dimension: compute
                missing_hint: dcgm-exporter with the extended counter list
        """);
    try (TestServer loupe = TestServer.start(dir.resolve("data"), clock)) {
      for (int sec = 0; sec <= 300; sec += 15) {
        RemoteWrite.send(loupe, RemoteWrite.series("DCGM_FI_DEV_GPU_TEMP", Map.of("gpu", "1"),
            t.plusSeconds(sec).toEpochMilli(), sec >= 60 && sec < 180 ? 88 : 60));
      }
      LoupeCommandTest.Run run = LoupeCommandTest.run("rules", "test", rules.toString(), "--since", "5m",
          "--interval", "15s", "--url", loupe.uri("/").toString());
      assertThat(run.code()).as(run.err()).isZero();
      assertThat(run.out())
          .contains("backtest 2026-11-28T10:00:00Z .. 2026-11-28T10:05:00Z every 15s")
          .contains("GpuTooHot (warning): max by (gpu) (DCGM_FI_DEV_GPU_TEMP[30s]) > 80, 21 evaluations")
          .contains("2026-11-28T10:01:00Z  pending   {dimension=\"compute\", gpu=\"1\", severity=\"warning\"} value 88")
          .contains("2026-11-28T10:02:00Z  firing")
          .contains("2026-11-28T10:03:15Z  resolved")
          .contains("missing input: DCGM_FI_DEV_ECC_DBE_VOL_TOTAL never seen (dcgm-exporter with the extended counter list)")
          .contains("would never have gone pending");

      Files.writeString(rules, Files.readString(rules).replace("window: 5m", "window: five"));
      LoupeCommandTest.Run bad = LoupeCommandTest.run("rules", "test", rules.toString(), "--url", loupe.uri("/").toString());
      assertThat(bad.code()).isEqualTo(1);
      assertThat(bad.err()).contains("body:16:").contains("groups[0].rules[1].window");
    }
  }

  @Test
  void backtestsABuiltInRuleByNameOverStoredRollups() throws Exception {
    Instant t = Instant.parse("2026-11-28T10:00:00Z");
    MutableClock clock = new MutableClock(t.plusSeconds(20 * 60));
    try (TestServer loupe = TestServer.start(dir.resolve("data"), clock, "rules: {evaluation_interval: 1h}\n")) {
      // One call a second for 20 minutes; from 10:05 to 10:15 one in ten fails.
      List<String> lines = new java.util.ArrayList<>();
      for (int sec = 0; sec < 20 * 60; sec++) {
        boolean failing = sec >= 300 && sec < 900 && sec % 10 == 0;
        lines.add("{\"timestamp\":" + t.plusSeconds(sec).toEpochMilli() + ",\"service\":\"chat-api\","
            + "\"deployment\":\"chat-prod\",\"model\":\"gpt-4o\",\"latency_ms\":500,\"status\":\""
            + (failing ? "error" : "ok") + "\"}");
      }
      assertThat(loupe.post("api/v1/inferences", String.join("\n", lines)).status()).isEqualTo(200);
      loupe.server().flushRollups();
      LoupeCommandTest.Run run = LoupeCommandTest.run("rules", "test", "--rule", "ModelErrorRatioHigh/warning",
          "--since", "20m", "--interval", "15s", "--url", loupe.uri("/").toString());
      assertThat(run.code()).as(run.err()).isZero();
      // The minute ending 10:06 is the first at 10 %; firing 5 minutes later; 10:16 holds one bad minute of two.
      assertThat(run.out())
          .contains("ModelErrorRatioHigh (warning): avg by (service, deployment) (loupe_model_error_ratio[2m]) > 0.02")
          .contains("2026-11-28T10:06:00Z  pending")
          .contains("2026-11-28T10:11:00Z  firing")
          .contains("2026-11-28T10:17:00Z  resolved")
          .doesNotContain("(critical)");

      LoupeCommandTest.Run unknown = LoupeCommandTest.run("rules", "test", "--rule", "NoSuchRule",
          "--url", loupe.uri("/").toString());
      assertThat(unknown.code()).isEqualTo(1);
      assertThat(unknown.err()).contains("no running rule named 'NoSuchRule'");
    }
  }

  @Test
  void checkPointsAtTheFaultyRuleLineAndKey() throws Exception {
    Path config = dir.resolve("loupe.yml");
    Files.writeString(config, """
        rules:
          groups:
            - name: gpu
              rules:
                - alert: GpuTooHot
                  signal: DCGM_FI_DEV_GPU_TEMP
                  aggregation: max
                  window: 1m
                  condition: '> 80'
                  severity: warning
                  dimension: compute
        """);
    LoupeCommandTest.Run ok = LoupeCommandTest.run("check", "--config", config.toString());
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("built-in, 1 of the config");
    Files.writeString(config, Files.readString(config).replace("'> 80'", "'above 80'"));
    LoupeCommandTest.Run bad = LoupeCommandTest.run("check", "--config", config.toString());
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).startsWith(config + ":9:").contains("rules.groups[0].rules[0].condition")
        .contains("expected one of > >= < <= == !=");
  }
}
