package dev.loupe.store.duckdb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.model.Batch;
import dev.loupe.model.Deployment;
import dev.loupe.model.Inference;
import dev.loupe.model.LogRecord;
import dev.loupe.model.PipelineRun;
import dev.loupe.model.Sample;
import dev.loupe.model.Score;
import dev.loupe.model.SeriesKey;
import dev.loupe.model.Span;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/** Writes records through DuckDB's Appender, column by column in table order. */
final class RowAppender {
  static final ObjectMapper JSON = new ObjectMapper();
  private RowAppender() {}

  /** Appends to the tables of {@code catalog}: the store's, or the spill's during a checkpoint. */
  static void appendAll(DuckDBConnection conn, String catalog, List<Batch> batches, SeriesIds.Group series)
      throws SQLException {
    if (batches.stream().anyMatch(b -> !b.inferences().isEmpty())) {
      try (DuckDBAppender a = conn.createAppender(catalog, DuckDBConnection.DEFAULT_SCHEMA, "inferences")) {
        for (Batch b : batches) for (Inference i : b.inferences()) inference(a, i);
      }
    }
    if (batches.stream().anyMatch(b -> !b.logs().isEmpty())) {
      try (DuckDBAppender a = conn.createAppender(catalog, DuckDBConnection.DEFAULT_SCHEMA, "logs")) {
        for (Batch b : batches) for (LogRecord l : b.logs()) log(a, l);
      }
    }
    if (batches.stream().anyMatch(b -> !b.deployments().isEmpty())) {
      try (DuckDBAppender a = conn.createAppender(catalog, DuckDBConnection.DEFAULT_SCHEMA, "deployments")) {
        for (Batch b : batches) for (Deployment d : b.deployments()) deployment(a, d);
      }
    }
    if (batches.stream().anyMatch(b -> !b.scores().isEmpty())) {
      try (DuckDBAppender a = conn.createAppender(catalog, DuckDBConnection.DEFAULT_SCHEMA, "scores")) {
        for (Batch b : batches) for (Score s : b.scores()) score(a, s);
      }
    }
    if (batches.stream().anyMatch(b -> !b.spans().isEmpty())) {
      try (DuckDBAppender a = conn.createAppender(catalog, DuckDBConnection.DEFAULT_SCHEMA, "spans")) {
        for (Batch b : batches) for (Span s : b.spans()) span(a, s);
      }
    }
    if (batches.stream().anyMatch(b -> !b.pipelineRuns().isEmpty())) {
      try (DuckDBAppender a = conn.createAppender(catalog, DuckDBConnection.DEFAULT_SCHEMA, "pipeline_runs")) {
        for (Batch b : batches) for (PipelineRun r : b.pipelineRuns()) pipelineRun(a, r);
      }
    }
    if (batches.stream().anyMatch(b -> !b.samples().isEmpty())) {
      try (DuckDBAppender a = conn.createAppender(catalog, DuckDBConnection.DEFAULT_SCHEMA, "samples")) {
        for (Batch b : batches) for (Sample s : b.samples()) sample(a, s, series.id(s));
      }
      if (!series.fresh.isEmpty()) {
        try (DuckDBAppender a = conn.createAppender(catalog, DuckDBConnection.DEFAULT_SCHEMA, "series")) {
          for (var e : series.fresh.entrySet()) {
            a.beginRow();
            a.append(e.getValue());
            a.append(e.getKey().name());
            a.append(json(e.getKey().labels()));
            a.endRow();
          }
        }
      }
    }
  }

  private static void inference(DuckDBAppender a, Inference i) throws SQLException {
    a.beginRow();
    a.append(i.timestampMillis());
    a.append(i.key().service());
    a.append(i.key().deployment());
    a.append(i.key().model());
    a.append(i.key().modelVersion());
    text(a, i.operation());
    text(a, i.requestId());
    text(a, i.traceId());
    text(a, i.tenant());
    text(a, i.apiKeyHash());
    integer(a, i.inputTokens());
    integer(a, i.outputTokens());
    integer(a, i.cachedTokens());
    integer(a, i.totalTokens());
    real(a, i.latencyMs());
    real(a, i.ttftMs());
    a.append(i.outcome().wireName());
    if (i.httpStatus() == null) a.appendNull(); else a.append(i.httpStatus().intValue());
    text(a, i.finishReason());
    if (i.cacheHit() == null) a.appendNull(); else a.append(i.cacheHit().booleanValue());
    real(a, i.cost());
    text(a, i.prompt());
    text(a, i.completion());
    text(a, i.spanId());
    integer(a, i.cacheWriteTokens());
    integer(a, i.reasoningTokens());
    text(a, i.costSource() == null ? null : i.costSource().wireName());
    a.endRow();
  }

  private static void log(DuckDBAppender a, LogRecord l) throws SQLException {
    a.beginRow();
    a.append(l.timestampMillis());
    a.append(l.level());
    a.append(l.service());
    a.append(l.message());
    text(a, l.requestId());
    text(a, l.traceId());
    a.append(json(l.attributes()));
    a.endRow();
  }

  private static void deployment(DuckDBAppender a, Deployment d) throws SQLException {
    a.beginRow();
    a.append(d.timestampMillis());
    a.append(d.service());
    a.append(d.deployment());
    a.append(d.model());
    text(a, d.fromVersion());
    a.append(d.toVersion());
    a.endRow();
  }

  private static void score(DuckDBAppender a, Score s) throws SQLException {
    a.beginRow();
    a.append(s.timestampMillis());
    a.append(s.name());
    a.append(s.value());
    a.append(s.source().wireName());
    text(a, s.requestId());
    text(a, s.traceId());
    text(a, s.comment());
    SeriesKey k = s.key();
    text(a, k == null ? null : k.service());
    text(a, k == null ? null : k.deployment());
    text(a, k == null ? null : k.model());
    text(a, k == null ? null : k.modelVersion());
    a.endRow();
  }

  private static void span(DuckDBAppender a, Span s) throws SQLException {
    a.beginRow();
    a.append(s.startNanos() / 1_000_000);
    a.append(s.traceId());
    a.append(s.spanId());
    text(a, s.parentSpanId());
    a.append(s.name());
    a.append(s.startNanos());
    a.append(s.endNanos());
    text(a, s.status());
    a.append(json(s.attributes()));
    a.append(json(s.resource()));
    a.endRow();
  }

  private static void pipelineRun(DuckDBAppender a, PipelineRun r) throws SQLException {
    a.beginRow();
    a.append(r.startedAtMillis());
    a.append(r.pipeline());
    a.append(r.success());
    a.append(r.finishedAtMillis());
    integer(a, r.rowsIn());
    integer(a, r.rowsOut());
    integer(a, r.bytes());
    a.append(checks(r.checks()));
    text(a, r.error());
    a.endRow();
  }

  /** A run's checks as the JSON array the table keeps: {@code [{"name", "passed", "value"}]}. */
  static String checks(List<PipelineRun.Check> checks) {
    List<Map<String, Object>> out = new java.util.ArrayList<>(checks.size());
    for (PipelineRun.Check c : checks) {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("name", c.name());
      m.put("passed", c.passed());
      if (c.value() != null) m.put("value", c.value());
      out.add(m);
    }
    try {
      return JSON.writeValueAsString(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("checks always serialize", e);
    }
  }

  private static void sample(DuckDBAppender a, Sample s, long seriesId) throws SQLException {
    a.beginRow();
    a.append(s.timestampMillis());
    a.append(seriesId);
    a.append(s.value());
    a.endRow();
  }

  static String json(Map<String, ?> map) {
    try {
      return JSON.writeValueAsString(map);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string map always serializes", e);
    }
  }

  private static void text(DuckDBAppender a, String v) throws SQLException {
    if (v == null) a.appendNull(); else a.append(v);
  }

  private static void integer(DuckDBAppender a, Long v) throws SQLException {
    if (v == null) a.appendNull(); else a.append(v.longValue());
  }

  private static void real(DuckDBAppender a, Double v) throws SQLException {
    if (v == null) a.appendNull(); else a.append(v.doubleValue());
  }
}
