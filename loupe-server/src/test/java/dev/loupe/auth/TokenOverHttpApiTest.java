package dev.loupe.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loupe.server.ConfigException;
import dev.loupe.server.ConfigLoader;
import dev.loupe.server.LoupeConfig;
import dev.loupe.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API port with tokens: 401 with a challenge vs 403, scopes per endpoint, the open probes and
 * page files, basic auth as Prometheus sends it, a tokens file re-read when it changes, and clear
 * tokens never kept.
 */
class TokenOverHttpApiTest {
  static final String WRITER = "w-0123456789abcdef";
  static final String READER = "r-0123456789abcdef";
  static final String EVENT = "{\"timestamp\":%d,\"service\":\"chat-api\",\"deployment\":\"chat-prod\","
      + "\"model\":\"gpt-4o\",\"tenant\":\"acme\",\"latency_ms\":100}";

  @TempDir Path dir;

  @Test
  void scopesDecideAnd401Differs403() {
    String yaml = "auth:\n  tokens:\n    - {name: ingest, token: " + WRITER + ", scopes: [write]}\n"
        + "    - {name: viewer, token: " + READER + ", scopes: [read]}\n";
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC(), yaml)) {
      String event = EVENT.formatted(System.currentTimeMillis());
      TestServer.Answer none = post(loupe, "api/v1/inferences", event, null);
      assertThat(none.status()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"loupe\"");
      assertThat(none.json().get("error").asText()).contains("Authorization: Bearer");
      assertThat(post(loupe, "api/v1/inferences", event, "Bearer nope-nope-nope-nope").status()).isEqualTo(401);
      TestServer.Answer wrongScope = post(loupe, "api/v1/inferences", event, "Bearer " + READER);
      assertThat(wrongScope.status()).isEqualTo(403);
      assertThat(wrongScope.headers().firstValue("WWW-Authenticate")).isEmpty();
      assertThat(wrongScope.json().get("error").asText()).contains("viewer").contains("write");
      assertThat(post(loupe, "api/v1/inferences", event, "Bearer " + WRITER).status()).isEqualTo(200);

      assertThat(get(loupe, "api/v1/inferences", null).status()).isEqualTo(401);
      assertThat(get(loupe, "api/v1/inferences", "Bearer " + WRITER).status()).isEqualTo(403);
      TestServer.Answer read = get(loupe, "api/v1/inferences", "Bearer " + READER);
      assertThat(read.status()).isEqualTo(200);
      assertThat(read.json().get("data")).hasSize(1);
      assertThat(get(loupe, "api/v1/health", "Bearer " + READER).status()).isEqualTo(200);
      assertThat(get(loupe, "api/v1/rules", "Bearer " + READER).status()).as("rules are read, as in Prometheus").isEqualTo(200);
      assertThat(get(loupe, "api/v1/alerts", "Bearer " + READER).status()).isEqualTo(200);
      assertThat(get(loupe, "api/v1/rules", "Bearer " + WRITER).status()).isEqualTo(403);
      String rule = "{\"alert\": \"Hot\", \"signal\": \"t\", \"aggregation\": \"max\", \"window\": \"1m\","
          + " \"condition\": \"> 1\", \"severity\": \"warning\", \"dimension\": \"compute\"}";
      assertThat(post(loupe, "api/v1/rules/test?since=1h", rule, "Bearer " + READER).status())
          .as("a backtest is a query").isEqualTo(200);
      assertThat(post(loupe, "api/v1/rules/test?since=1h", rule, "Bearer " + WRITER).status()).isEqualTo(403);

      TestServer.Answer metrics = get(loupe, "metrics", null);
      assertThat(metrics.status()).isEqualTo(401);
      assertThat(metrics.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Basic realm=\"loupe\"");
      assertThat(get(loupe, "metrics", basic("viewer", READER)).status()).isEqualTo(200);
      assertThat(get(loupe, "metrics", basic("ingest", READER)).status()).as("user must be the token's name").isEqualTo(401);
      assertThat(get(loupe, "metrics", "Bearer " + READER).status()).isEqualTo(200);

      assertThat(get(loupe, "healthz", null).status()).isEqualTo(200);
      assertThat(get(loupe, "readyz", null).status()).isEqualTo(200);
      TestServer.Answer page = get(loupe, "", null);
      assertThat(page.status()).as("the page's files hold no data").isEqualTo(200);
      assertThat(page.body()).contains("app.js");
    }
  }

  @Test
  void aTokensFileIsReReadWhenItChanges() throws Exception {
    Path file = dir.resolve("tokens.yml");
    Files.writeString(file, "tokens:\n  - {name: first, token: first-0123456789ab, scopes: [read]}\n");
    try (TestServer loupe = TestServer.start(dir.resolve("data"), Clock.systemUTC(), "auth:\n  tokens_file: " + file + "\n")) {
      assertThat(get(loupe, "api/v1/health", "Bearer first-0123456789ab").status()).isEqualTo(200);
      assertThat(get(loupe, "api/v1/health", "Bearer second-0123456789ab").status()).isEqualTo(401);

      Files.writeString(file, "tokens:\n  - {name: second, token_sha256: "
          + TokenConfig.sha256Hex("second-0123456789ab") + ", scopes: [read]}\n");
      assertThat(get(loupe, "api/v1/health", "Bearer second-0123456789ab").status()).isEqualTo(200);
      assertThat(get(loupe, "api/v1/health", "Bearer first-0123456789ab").status()).as("removed").isEqualTo(401);

      // A broken edit is logged and ignored: the tokens read before stay in force.
      Files.writeString(file, "tokens:\n  - {name: third, token: short, scopes: [read]}\n  - [\n");
      assertThat(get(loupe, "api/v1/health", "Bearer second-0123456789ab").status()).isEqualTo(200);
    }
  }

  @Test
  void clearTokensAreNotKeptAndBadTokensAreRefusedAtStart() {
    LoupeConfig c = ConfigLoader.parse("auth:\n  tokens:\n    - {name: a, token: " + WRITER + ", scopes: [write]}\n", "t.yml");
    assertThat(c.toString()).doesNotContain(WRITER);
    assertThat(c.auth().tokens().get(0).sha256()).isEqualTo(TokenConfig.sha256Hex(WRITER));

    assertThatThrownBy(() -> ConfigLoader.parse("auth:\n  tokens:\n    - {name: a, token: short, scopes: [write]}\n", "t.yml"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("at least 16").hasMessageNotContaining("short,");
    assertThatThrownBy(() -> ConfigLoader.parse("auth:\n  tokens:\n    - {name: a, token: " + WRITER + ", scopes: [wirte]}\n", "t.yml"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown scope 'wirte'");
    assertThatThrownBy(() -> ConfigLoader.parse("auth:\n  tokens:\n    - {name: a, token: " + WRITER
        + ", scopes: [admin], tenant: acme}\n", "t.yml"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cannot have scope admin");
    assertThatThrownBy(() -> ConfigLoader.parse("auth:\n  tokens:\n    - {name: a, token: " + WRITER
        + ", token_sha256: " + TokenConfig.sha256Hex(WRITER) + ", scopes: [read]}\n", "t.yml"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("exactly one of token or token_sha256");
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  static TestServer.Answer get(TestServer loupe, String path, String authorization) {
    HttpRequest.Builder b = HttpRequest.newBuilder(loupe.uri(path)).GET();
    if (authorization != null) b.header("Authorization", authorization);
    return loupe.send(b.build());
  }

  static TestServer.Answer post(TestServer loupe, String path, String body, String authorization) {
    HttpRequest.Builder b = HttpRequest.newBuilder(loupe.uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) b.header("Authorization", authorization);
    return loupe.send(b.build());
  }
}
