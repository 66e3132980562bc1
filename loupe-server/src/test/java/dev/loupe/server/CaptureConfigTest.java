package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loupe.dimension.security.CapturePolicy;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ingest.capture} in its three forms (a policy, a default with deployments, the older
 * booleans) and {@code security:}; a bad value is named with its line, column and key.
 */
class CaptureConfigTest {
  static LoupeConfig.Capture capture(String yaml) {
    return ConfigLoader.parse(yaml, "loupe.yml").ingest().capture();
  }

  @Test
  void offByDefaultAndEveryFormReads() {
    LoupeConfig.Capture none = capture("");
    assertThat(none.isOff()).isTrue();
    assertThat(none.defaultPrompts()).isEqualTo(CapturePolicy.OFF);

    LoupeConfig.Capture one = capture("ingest:\n  capture: redacted\n");
    assertThat(one.defaultPrompts()).isEqualTo(CapturePolicy.REDACTED);
    assertThat(one.defaultCompletions()).isEqualTo(CapturePolicy.REDACTED);

    LoupeConfig.Capture per = capture("ingest:\n  capture:\n    default: off\n    deployments:\n"
        + "      chat-prod: redacted\n      eval-sandbox: full\n");
    assertThat(per.defaultPrompts()).isEqualTo(CapturePolicy.OFF);
    assertThat(per.deployments()).isEqualTo(Map.of("chat-prod", CapturePolicy.REDACTED, "eval-sandbox", CapturePolicy.FULL));
    assertThat(per.isOff()).isFalse();

    // The older form: true keeps the field in full for every deployment.
    LoupeConfig.Capture older = capture("ingest: {capture: {prompts: true}}\n");
    assertThat(older.defaultPrompts()).isEqualTo(CapturePolicy.FULL);
    assertThat(older.defaultCompletions()).isEqualTo(CapturePolicy.OFF);
    assertThat(older.prompts()).isTrue();
    assertThat(older.completions()).isFalse();
    assertThat(capture("ingest: {capture: {prompts: redacted, completions: true}}\n").defaultPrompts())
        .isEqualTo(CapturePolicy.REDACTED);
  }

  @Test
  void badValuesNameLineColumnAndKey() {
    assertThatThrownBy(() -> capture("ingest:\n  capture:\n    default: sometimes\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("loupe.yml:3:14: ingest.capture.default: capture policy must be off, redacted or full,"
            + " got 'sometimes'");
    assertThatThrownBy(() -> capture("ingest:\n  capture:\n    deployments:\n      chat-prod: scrubbed\n"))
        .hasMessageStartingWith("loupe.yml:4:18: ingest.capture.deployments.chat-prod:")
        .hasMessageContaining("got 'scrubbed'");
    assertThatThrownBy(() -> capture("ingest:\n  capture:\n    defualt: off\n"))
        .hasMessageStartingWith("loupe.yml:3:14: ingest.capture.defualt: unknown key; did you mean 'default'?");
    assertThatThrownBy(() -> capture("ingest:\n  capture:\n    default: off\n    prompts: true\n"))
        .hasMessageStartingWith("loupe.yml:4:")
        .hasMessageContaining("either default and deployments").hasMessageContaining("or the older prompts");
    assertThatThrownBy(() -> capture("ingest:\n  capture: sometimes\n"))
        .hasMessageStartingWith("loupe.yml:2:12: ingest.capture:").hasMessageContaining("got 'sometimes'");
    assertThatThrownBy(() -> capture("ingest:\n  capture:\n    deployments: [a, b]\n"))
        .hasMessageStartingWith("loupe.yml:3:").hasMessageContaining("ingest.capture.deployments");
  }

  @Test
  void securitySection() {
    SecurityConfig s = ConfigLoader.parse("security:\n  canaries: {support-bot: cnry-7f3a9c2e41}\n"
        + "  allowed_link_domains: [docs.acme.com, '*.cdn.acme.com']\n  scan_queue: 500\n", "loupe.yml").security();
    assertThat(s.settings().canaries()).containsEntry("support-bot", "cnry-7f3a9c2e41");
    assertThat(s.settings().allowedLinkDomains()).containsExactlyInAnyOrder("docs.acme.com", "cdn.acme.com");
    assertThat(s.scanQueue()).isEqualTo(500);
    assertThat(LoupeConfig.DEFAULTS.security().scanQueue()).isEqualTo(SecurityConfig.DEFAULT_SCAN_QUEUE);
    assertThatThrownBy(() -> ConfigLoader.parse("security:\n  canaries: {bot: short}\n", "loupe.yml"))
        .hasMessageStartingWith("loupe.yml:2:").hasMessageContaining("security.canaries")
        .hasMessageContaining("at least 8 characters").hasMessageNotContaining("short");
    assertThatThrownBy(() -> ConfigLoader.parse("security:\n  allowed_link_domains: ['https://x.com/a']\n", "loupe.yml"))
        .hasMessageStartingWith("loupe.yml:2:").hasMessageContaining("security.allowed_link_domains");
  }
}
