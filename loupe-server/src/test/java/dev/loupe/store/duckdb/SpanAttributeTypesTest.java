package dev.loupe.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.Batch;
import dev.loupe.model.Span;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Span attributes keep their OTLP types through a real DuckDB file; rows stored as text still read. */
class SpanAttributeTypesTest {
  static final long NS = 1_795_900_000_000L * 1_000_000;

  @TempDir Path dir;

  @Test
  void typedAttributesReadBackWithTheirTypesAndOrder() {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("gen_ai.request.model", "gpt-4o");
    attributes.put("gen_ai.usage.input_tokens", 100L);
    attributes.put("gen_ai.request.temperature", 1.0);
    attributes.put("stream", true);
    attributes.put("gen_ai.response.finish_reasons", List.of("stop", 7L));
    attributes.put("tool", Map.of("calls", 2L));
    Span span = new Span("t1", "s1", null, "chat", NS, NS + 10, "ok", attributes, Map.of("process.pid", 4242L));
    try (DuckDbStore store = DuckDbStore.open(dir.resolve("loupe.duckdb"), Clock.systemUTC())) {
      store.append(new Batch(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(span)));
    }
    try (DuckDbStore store = DuckDbStore.open(dir.resolve("loupe.duckdb"), Clock.systemUTC())) {
      Span back = store.spans("t1").get(0);
      assertThat(back).isEqualTo(span);
      assertThat(back.attributes().keySet()).containsExactlyElementsOf(attributes.keySet());
      assertThat(back.attributes().get("gen_ai.usage.input_tokens")).isInstanceOf(Long.class);
      assertThat(back.attributes().get("gen_ai.request.temperature")).isInstanceOf(Double.class);
    }
  }

  @Test
  void aRowStoredWhenAttributesWereTextReadsAsText() throws Exception {
    Path file = dir.resolve("loupe.duckdb");
    DuckDbStore.open(file, Clock.systemUTC()).close();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file); Statement s = c.createStatement()) {
      s.execute("INSERT INTO spans (ts_ms, trace_id, span_id, parent_span_id, name, start_ns, end_ns,"
          + " status, attributes, resource) VALUES (" + NS / 1_000_000 + ", 't0', 's0', NULL, 'chat', " + NS + ", "
          + (NS + 10) + ", NULL, '{\"gen_ai.usage.input_tokens\":\"100\",\"gen_ai.response.finish_reasons\":"
          + "\"[\\\"stop\\\"]\"}', '{\"service.name\":\"chat-api\"}')");
    }
    try (DuckDbStore store = DuckDbStore.open(file, Clock.systemUTC())) {
      Span old = store.spans("t0").get(0);
      assertThat(old.attributes()).containsEntry("gen_ai.usage.input_tokens", "100")
          .containsEntry("gen_ai.response.finish_reasons", "[\"stop\"]");
      assertThat(old.resource()).containsEntry("service.name", "chat-api");
    }
  }
}
