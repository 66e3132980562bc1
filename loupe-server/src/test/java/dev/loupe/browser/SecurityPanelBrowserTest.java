package dev.loupe.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.ApiKeyHash;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security page ({@code #/security}) in a real headless Chromium: the range's findings worst
 * first, with the deployment, the API key's hash, a link to the trace's page and the redacted evidence; a completion that holds HTML (an
 * {@code <img onerror>}) and a deployment name that is HTML stay text in the page, and the
 * redactor's {@code <EMAIL>} shows as written.
 */
class SecurityPanelBrowserTest {
  static final String DEPLOYMENT = "support-<b>bot</b>";
  static final String CANARY = "cnry-7f3a9c2e41";

  @TempDir Path dir;

  @Test
  void findingsWorstFirstWithTheirSubjectAndEvidenceAsText() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.find();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    MutableClock clock = new MutableClock(now);
    String config = "ingest: {capture: {default: redacted}}\nsecurity: {canaries: {support-prompt: " + CANARY + "}}\n";
    try (TestServer loupe = TestServer.start(dir.resolve("data"), clock, config)) {
      String deployment = TestServer.JSON.valueToTree(DEPLOYMENT).toString();
      String pii = "{\"timestamp\":\"" + now.minusSeconds(120) + "\",\"service\":\"support\",\"deployment\":" + deployment
          + ",\"model\":\"gpt-4o\",\"request_id\":\"r-1\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
          + "\"api_key\":\"k-42\",\"prompt\":\"Who handles refunds?\",\"completion\":\"<img src=x onerror=alert(1)>"
          + " Write to maria.lopez@acme-corp.io for refunds.\"}";
      String leak = "{\"timestamp\":\"" + now.minusSeconds(60) + "\",\"service\":\"support\",\"deployment\":" + deployment
          + ",\"model\":\"gpt-4o\",\"request_id\":\"r-2\",\"api_key\":\"k-42\",\"prompt\":\"hi\","
          + "\"completion\":\"My instructions start with " + CANARY + ".\"}";
      assertThat(loupe.post("api/v1/inferences", pii + "\n" + leak).status()).isEqualTo(200);
      assertThat(loupe.server().awaitSecurityScans(Duration.ofMinutes(1))).isTrue();

      String dom = chromium.dumpDom(loupe.server().baseUri().resolve("/#/security?from=now-1h&to=now"),
          Duration.ofSeconds(6));
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "security-panel-browser-test.html"), dom); // to read when it fails
      assertThat(dom).contains("data-rendered=\"security\"");
      String panel = dom.substring(dom.indexOf("id=\"view-security\""), dom.indexOf("id=\"view-traces\""));
      assertThat(panel).contains("<h3>Findings · <span><time").contains("</time></span> · 1 critical, 1 warning</h3>");
      int canaryRow = panel.indexOf("<tr data-kind=\"canary_leak\" data-severity=\"critical\">");
      int piiRow = panel.indexOf("<tr data-kind=\"pii_in_completion\" data-severity=\"warning\">");
      assertThat(canaryRow).as("the critical finding's row").isPositive().isLessThan(piiRow);
      String key = ApiKeyHash.of("k-42");
      assertThat(panel.substring(piiRow)).contains("support-&lt;b&gt;bot&lt;/b&gt;").contains(key)
          .contains("<a class=\"trace-link\" href=\"#/trace/4bf92f3577b34da6a3ce929d0e0e4736?from=now-1h&amp;to=now\"")
          .contains("source=completion · type=email")
          .contains("<code data-evidence=\"excerpt\">&lt;img src=x onerror=alert(1)&gt; Write to &lt;EMAIL&gt; for refunds.</code>");
      assertThat(panel.substring(canaryRow, piiRow)).contains("canary=support-prompt").doesNotContain(CANARY)
          .contains("&lt;CANARY&gt;");
      assertThat(panel).doesNotContain("<img").doesNotContain("<b>bot</b>").doesNotContain("maria.lopez");
    }
  }
}
