package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loupe.model.LabelMatcher;
import dev.loupe.notify.AlertDispatcher;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertingConfigTest {
  private static final URI LOUPE = URI.create("http://loupe:9710");

  private static AlertDispatcher.Settings settings(String yaml) {
    LoupeConfig c = ConfigLoader.parse(yaml, "loupe.yml");
    return c.alerting().settings(LOUPE, c.rules());
  }

  @Test
  void withoutAlertingConfigAlertsAreLoggedWithAlertmanagersDefaults() {
    AlertDispatcher.Settings s = settings("");
    assertThat(s.alertmanagers()).isEmpty();
    assertThat(s.webhooks()).isEmpty();
    assertThat(s.resendDelay()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.route()).isEqualTo(new AlertDispatcher.Route(List.of(), "log", List.of(),
        Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(4), false));
    assertThat(s.delivery()).isEqualTo(
        new AlertDispatcher.Delivery(Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(24)));
    assertThat(ConfigLoader.parse("", "loupe.yml").server().externalUrl()).isNull();
  }

  @Test
  void readsAlertmanagersWebhooksAndRoutesChildRoutesInheritingFromTheRoot() {
    AlertDispatcher.Settings s = settings("""
        server:
          external_url: https://loupe.example.com/
        rules:
          resend_delay: 2m
        alerting:
          alertmanagers:
            - url: http://127.0.0.1:9093
              timeout: 3s
          webhooks:
            - name: oncall
              url: https://hooks.example.com/loupe
              hmac_secret: s3cret
              send_resolved: false
          route:
            receiver: log
            group_by: [alertname, dimension]
            group_interval: 10m
            routes:
              - matchers: ['severity="critical"', 'dimension=~"compute|network"']
                receiver: oncall
                group_wait: 5s
                continue: true
        """);
    assertThat(ConfigLoader.parse("server:\n  external_url: https://loupe.example.com/\n", "x").server().externalUrl())
        .isEqualTo(URI.create("https://loupe.example.com/"));
    assertThat(s.resendDelay()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.alertmanagers()).containsExactly(
        new AlertDispatcher.Alertmanager(URI.create("http://127.0.0.1:9093"), Duration.ofSeconds(3)));
    assertThat(s.webhooks()).containsExactly(new AlertDispatcher.Webhook(
        "oncall", URI.create("https://hooks.example.com/loupe"), "s3cret", Duration.ofSeconds(10), false));
    assertThat(s.routes()).containsExactly(new AlertDispatcher.Route(
        List.of(LabelMatcher.eq("severity", "critical"), new LabelMatcher("dimension", LabelMatcher.Op.RE, "compute|network")),
        "oncall", List.of("alertname", "dimension"), Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofHours(4),
        true));
  }

  @Test
  void mistakesAreNamedWithTheirPlace() {
    assertThatThrownBy(() -> settings("alerting:\n  route:\n    receiver: pager\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("loupe.yml:")
        .hasMessageContaining("alerting")
        .hasMessageContaining("route receiver 'pager' is not defined");
    assertThatThrownBy(() -> settings("alerting:\n  route:\n    routes:\n      - matchers: ['severity=critical']\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("alerting.route.routes[0]")
        .hasMessageContaining("'severity=critical' is not a label matcher");
    assertThatThrownBy(() -> settings("alerting:\n  webhooks:\n    - name: a\n      url: ftp://x/\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("alerting.webhooks[0]").hasMessageContaining("http:// or https://");
    assertThatThrownBy(() -> settings("alerting:\n  webhooks:\n    - name: log\n      url: http://x/\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("two receivers are named 'log'");
    assertThatThrownBy(() -> settings("alerting:\n  alertmanagers:\n    - url: http://x:9093\n      timout: 1s\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("did you mean 'timeout'");
    assertThatThrownBy(() -> settings("alerting:\n  route:\n    groupby: [a]\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("did you mean 'group_by'");
    assertThatThrownBy(() -> settings("alerting:\n  route:\n    routes:\n      - routes: [{receiver: log}]\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("one level");
    assertThatThrownBy(() -> settings("alerting:\n  delivery:\n    min_backoff: 10s\n    max_backoff: 1s\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("max_backoff must be >= min_backoff");
    assertThatThrownBy(() -> settings("server:\n  external_url: loupe.example.com\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("server.external_url: external_url must be an absolute URL")
        .hasMessageContaining("absolute URL");
  }

  @Test
  void theExternalUrlDefaultsToThisHostAndPort() {
    assertThat(LoupeServer.externalUrl(new LoupeConfig.Server("127.0.0.1", 9710, "d"), 9710))
        .isEqualTo(URI.create("http://127.0.0.1:9710"));
    assertThat(LoupeServer.externalUrl(new LoupeConfig.Server("0.0.0.0", 0, "d"), 4321).toString())
        .startsWith("http://").endsWith(":4321").doesNotContain("0.0.0.0");
    assertThat(LoupeServer.externalUrl(
        new LoupeConfig.Server("0.0.0.0", 0, "d", null, URI.create("https://loupe.example.com")), 4321))
        .isEqualTo(URI.create("https://loupe.example.com"));
  }
}
