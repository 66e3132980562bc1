package dev.loupe.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quality panel in a real headless Chromium: a rollout whose version answers less grounded
 * shows its scores by version, the 30-day chart with the rollout marked, groundedness drifted
 * against the previous version, and the version compare flagging it worse; a deployment name that
 * is HTML stays text.
 */
class QualityPanelBrowserTest {
  static final String DEPLOYMENT = "rag-<b>prod</b>";

  @TempDir Path dir;

  @Test
  void scoresDriftAndVersionCompareOfARolloutThatAnswersLessGrounded() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.find();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant rollout = now.minus(Duration.ofMinutes(40));
    MutableClock clock = new MutableClock(now);
    try (TestServer loupe = TestServer.start(dir.resolve("data"), clock)) {
      Random random = new Random(3);
      StringBuilder inferences = new StringBuilder();
      StringBuilder scores = new StringBuilder();
      for (int i = 0; i < 400; i++) {
        Instant t = now.minus(Duration.ofMinutes(80)).plusSeconds(i * 12L);
        String version = t.isBefore(rollout) ? "v1" : "v2";
        inferences.append(String.format(Locale.ROOT, "{\"timestamp\":\"%s\",\"service\":\"rag\",\"deployment\":%s,"
                + "\"model\":\"gpt-4o\",\"model_version\":\"%s\",\"request_id\":\"q-%d\",\"latency_ms\":%.1f}%n",
            t, TestServer.JSON.valueToTree(DEPLOYMENT), version, i, 400 * Math.exp(0.3 * random.nextGaussian())));
        double g = (version.equals("v1") ? 0.85 : 0.70) + 0.05 * random.nextGaussian();
        scores.append(String.format(Locale.ROOT, "{\"timestamp\":\"%s\",\"name\":\"groundedness\",\"value\":%.3f,"
            + "\"source\":\"heuristic\",\"request_id\":\"q-%d\"}%n", t.plusSeconds(1), g, i));
      }
      assertThat(loupe.post("api/v1/inferences", inferences.toString()).status()).isEqualTo(200);
      assertThat(loupe.post("api/v1/scores", scores.toString()).status()).isEqualTo(200);
      assertThat(loupe.post("api/v1/deployments", "{\"timestamp\":\"" + rollout + "\",\"service\":\"rag\",\"deployment\":"
          + TestServer.JSON.valueToTree(DEPLOYMENT) + ",\"model\":\"gpt-4o\",\"from_version\":\"v1\",\"to_version\":\"v2\"}")
          .status()).isEqualTo(200);

      // The deployment's model page, as a link names it (the HTML of its name escaped in the URL).
      String dom = chromium.dumpDom(loupe.server().baseUri().resolve("/#/model?deployment="
          + java.net.URLEncoder.encode(DEPLOYMENT, java.nio.charset.StandardCharsets.UTF_8)), Duration.ofSeconds(6));
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "quality-panel-browser-test.html"), dom); // to read when it fails
      String panel = dom.substring(dom.indexOf("id=\"quality\""));
      assertThat(panel).contains("<option value=\"rag-&lt;b&gt;prod&lt;/b&gt;\" selected=\"\">rag-&lt;b&gt;prod&lt;/b&gt;</option>");
      assertThat(panel).doesNotContain("<b>prod</b>");
      assertThat(panel).contains("<h3>groundedness on rag-&lt;b&gt;prod&lt;/b&gt;</h3>");
      assertThat(panel).containsPattern("<td title=\"groundedness\">groundedness</td><td title=\"v1\">v1</td>"
          + "<td title=\"\\d+\">\\d+</td><td title=\"0\\.8\\d\\d\">");
      assertThat(panel).contains("data-version=\"v1\"").contains("data-version=\"v2\"").contains("→ v2");
      assertThat(panel).contains("Drift · current window against previous version (v1)");
      assertThat(panel).contains("<tr data-feature=\"groundedness\" data-drifted=\"true\">");
      assertThat(panel).contains("<tr data-feature=\"latency_ms\" data-drifted=\"false\">");
      assertThat(panel).contains("Version compare · v1 → v2");
      assertThat(panel).containsPattern("<tr data-signal=\"groundedness\" data-regression=\"true\"><td title=\"groundedness\">"
          + "groundedness</td><td title=\"0\\.8\\d\\d\">0\\.8\\d\\d</td><td title=\"0\\.\\d+\">0\\.\\d+</td>"
          + "<td title=\"-1\\d\\.\\d %\">-1\\d\\.\\d %</td>");
      assertThat(panel).contains("<tr data-signal=\"latency_ms\" data-regression=\"false\">");
    }
  }
}
