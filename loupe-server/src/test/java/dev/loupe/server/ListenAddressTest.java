package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code server.host} governs the HTTP and both OTLP listeners, each logged with the address it
 * is really bound to: loopback by default without tokens, every interface with tokens, and a
 * non-loopback address without tokens refused unless {@code auth.allow_anonymous} says so.
 */
class ListenAddressTest {
  @TempDir Path dir;
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger log = (Logger) LoggerFactory.getLogger(LoupeServer.class);

  @BeforeEach
  void capture() {
    logged.start();
    log.addAppender(logged);
  }

  @AfterEach
  void release() {
    log.detachAppender(logged);
  }

  private LoupeConfig config(String yaml) {
    LoupeConfig c = ConfigLoader.parse(yaml, "test.yml");
    return c.withServer(c.server().withPort(0).withDataDir(dir.toString())).withOtlp(c.otlp().withPorts(0, 0));
  }

  private List<String> lines() {
    return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** The wildcard as the JVM bound it: 0.0.0.0, or the dual-stack [::] that also takes IPv4. */
  private void assertEveryInterface(LoupeServer s) {
    String any = "(0\\.0\\.0\\.0|\\[::\\]):";
    assertThat(lines()).anyMatch(l -> l.matches("HTTP API, page and /metrics listening on http://" + any + s.port() + " \\(every interface\\)"));
    assertThat(lines()).anyMatch(l -> l.matches("OTLP/HTTP listening on http://" + any + s.otlpHttpPort() + " \\(every interface\\)"));
    assertThat(lines()).anyMatch(l -> l.matches("OTLP/gRPC listening on " + any + s.otlpGrpcPort() + " \\(every interface\\)"));
  }

  @Test
  void withoutTokensEveryListenerIsOnLoopbackAndTheLogSaysSo() {
    try (LoupeServer s = LoupeServer.start(config(""), Clock.systemUTC())) {
      assertThat(lines()).contains(
          "HTTP API, page and /metrics listening on http://127.0.0.1:" + s.port(),
          "OTLP/HTTP listening on http://127.0.0.1:" + s.otlpHttpPort(),
          "OTLP/gRPC listening on 127.0.0.1:" + s.otlpGrpcPort(),
          "no auth.tokens configured: listening on loopback only; set auth.tokens to listen on other addresses");
      assertThat(s.baseUri().toString()).isEqualTo("http://127.0.0.1:" + s.port() + "/");
    }
  }

  @Test
  void anotherAddressWithoutTokensIsRefusedNamingTheKeys() {
    assertThatThrownBy(() -> LoupeServer.start(config("server:\n  host: 0.0.0.0\n"), Clock.systemUTC()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.host").hasMessageContaining("'0.0.0.0'")
        .hasMessageContaining("auth.tokens").hasMessageContaining("auth.tokens_file")
        .hasMessageContaining("auth.allow_anonymous: true");
  }

  @Test
  void allowAnonymousBindsEveryInterfaceOnAllThreeListenersWithAWarning() {
    try (LoupeServer s = LoupeServer.start(config("server:\n  host: 0.0.0.0\nauth:\n  allow_anonymous: true\n"),
        Clock.systemUTC())) {
      assertEveryInterface(s);
      assertThat(lines()).anyMatch(l -> l.contains("anyone who reaches these addresses"));
    }
  }

  @Test
  void withTokensAndNoHostEveryInterfaceIsBound() {
    try (LoupeServer s = LoupeServer.start(config(
        "auth:\n  tokens:\n    - {name: a, token: a-0123456789abcdef, scopes: [read]}\n"), Clock.systemUTC())) {
      assertEveryInterface(s);
      assertThat(lines()).contains("every request needs a token (auth.tokens); /healthz and /readyz are open");
    }
  }
}
