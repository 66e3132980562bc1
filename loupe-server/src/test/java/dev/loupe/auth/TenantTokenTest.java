package dev.loupe.auth;

import static dev.loupe.auth.TokenOverHttpApiTest.get;
import static dev.loupe.auth.TokenOverHttpApiTest.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.model.Inference;
import dev.loupe.testing.TestServer;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A token bound to a tenant: what it writes carries its tenant whatever the body or span says,
 * and it reads only its tenant's inferences; aggregates across tenants are refused (403).
 */
class TenantTokenTest {
  static final String ACME_WRITE = "acme-w-0123456789";
  static final String ACME_READ = "acme-r-0123456789";
  static final String ALL_READ = "all-r-0123456789ab";
  static final String GLOBEX_WRITE = "globex-w-01234567";

  @TempDir Path dir;

  @Test
  void tenantBindingOverridesTheBodyAndFiltersReads() throws Exception {
    String yaml = String.join("\n", "auth:", "  tokens:",
        "    - {name: acme-ingest, token: " + ACME_WRITE + ", scopes: [write], tenant: acme}",
        "    - {name: acme-view, token: " + ACME_READ + ", scopes: [read], tenant: acme}",
        "    - {name: globex-ingest, token: " + GLOBEX_WRITE + ", scopes: [write], tenant: globex}",
        "    - {name: ops, token: " + ALL_READ + ", scopes: [read]}", "");
    try (TestServer loupe = TestServer.start(dir, Clock.systemUTC(), yaml)) {
      long now = System.currentTimeMillis();
      String body = TokenOverHttpApiTest.EVENT.formatted(now).replace("\"acme\"", "\"globex\"") + "\n"
          + TokenOverHttpApiTest.EVENT.formatted(now + 1).replace(",\"tenant\":\"acme\"", "");
      assertThat(post(loupe, "api/v1/inferences", body, "Bearer " + ACME_WRITE).status()).isEqualTo(200);
      assertThat(post(loupe, "api/v1/inferences", TokenOverHttpApiTest.EVENT.formatted(now + 2),
          "Bearer " + GLOBEX_WRITE).status()).isEqualTo(200);
      // A GenAI span whose attributes say tenant=globex, sent with acme's token over OTLP/gRPC.
      var exporter = OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + loupe.server().otlpGrpcPort())
          .addHeader("Authorization", "Bearer " + ACME_WRITE).build();
      assertThat(TokenOverOtlpTest.export(exporter).isSuccess()).isTrue();

      List<Inference> stored = loupe.server().store().inferences(0, Long.MAX_VALUE, 100);
      assertThat(stored).hasSize(4);
      assertThat(stored.stream().filter(i -> i.tenant().equals("acme")).count())
          .as("the two JSON events and the span, whatever they said").isEqualTo(3);
      assertThat(stored.stream().filter(i -> i.tenant().equals("globex")).count()).isEqualTo(1);

      assertThat(tenants(get(loupe, "api/v1/inferences?start=0", "Bearer " + ACME_READ))).containsOnly("acme").hasSize(3);
      assertThat(tenants(get(loupe, "api/v1/inferences?start=0", "Bearer " + ALL_READ)))
          .containsExactlyInAnyOrder("acme", "acme", "acme", "globex");
      for (String aggregate : List.of("api/v1/health", "api/v1/signals", "api/v1/traces", "api/v1/logs", "metrics")) {
        TestServer.Answer refused = get(loupe, aggregate, "Bearer " + ACME_READ);
        assertThat(refused.status()).as(aggregate).isEqualTo(403);
        assertThat(refused.json().get("error").asText()).contains("tenant 'acme'");
        assertThat(get(loupe, aggregate, "Bearer " + ALL_READ).status()).as(aggregate).isEqualTo(200);
      }
    }
  }

  private static List<String> tenants(TestServer.Answer a) {
    assertThat(a.status()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    for (JsonNode n : a.json().get("data")) out.add(n.get("tenant").asText());
    return out;
  }
}
