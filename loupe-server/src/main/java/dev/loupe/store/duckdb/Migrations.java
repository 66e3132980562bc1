package dev.loupe.store.duckdb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The store's schema, as an ordered list of versioned migrations. Each runs once, in its own
 * transaction, and is recorded in {@code schema_migrations}; a new schema change is a new entry
 * at the end, never an edit of an applied one. Times are epoch milliseconds (BIGINT): they are
 * what every record holds, and range filters on them stay simple and fast.
 */
final class Migrations {
  /** One schema change. */
  record Migration(int version, String description, List<String> statements) {}

  static final List<Migration> ALL =
      List.of(
          new Migration(1, "raw records and minute rollups", List.of(
              "CREATE TABLE inferences (ts_ms BIGINT NOT NULL, service VARCHAR NOT NULL,"
                  + " deployment VARCHAR NOT NULL, model VARCHAR NOT NULL, model_version VARCHAR NOT NULL,"
                  + " operation VARCHAR, request_id VARCHAR, trace_id VARCHAR, tenant VARCHAR,"
                  + " api_key_hash VARCHAR, input_tokens BIGINT, output_tokens BIGINT, cached_tokens BIGINT,"
                  + " total_tokens BIGINT, latency_ms DOUBLE, ttft_ms DOUBLE, status VARCHAR NOT NULL,"
                  + " http_status INTEGER, finish_reason VARCHAR, cache_hit BOOLEAN, cost DOUBLE,"
                  + " prompt VARCHAR, completion VARCHAR)",
              "CREATE TABLE logs (ts_ms BIGINT NOT NULL, level VARCHAR NOT NULL, service VARCHAR NOT NULL,"
                  + " message VARCHAR NOT NULL, request_id VARCHAR, trace_id VARCHAR, attributes VARCHAR NOT NULL)",
              "CREATE TABLE deployments (ts_ms BIGINT NOT NULL, service VARCHAR NOT NULL,"
                  + " deployment VARCHAR NOT NULL, model VARCHAR NOT NULL, from_version VARCHAR,"
                  + " to_version VARCHAR NOT NULL)",
              "CREATE TABLE scores (ts_ms BIGINT NOT NULL, name VARCHAR NOT NULL, value DOUBLE NOT NULL,"
                  + " source VARCHAR NOT NULL, request_id VARCHAR, trace_id VARCHAR, comment VARCHAR)",
              "CREATE TABLE samples (ts_ms BIGINT NOT NULL, name VARCHAR NOT NULL, labels VARCHAR NOT NULL,"
                  + " value DOUBLE NOT NULL)",
              "CREATE TABLE inference_rollups (minute_ms BIGINT NOT NULL, service VARCHAR NOT NULL,"
                  + " deployment VARCHAR NOT NULL, model VARCHAR NOT NULL, model_version VARCHAR NOT NULL,"
                  + " requests BIGINT NOT NULL, errors BIGINT NOT NULL, throttled BIGINT NOT NULL,"
                  + " input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL, total_tokens BIGINT NOT NULL,"
                  + " latency_count BIGINT NOT NULL, latency_p50_ms DOUBLE, latency_p95_ms DOUBLE,"
                  + " latency_p99_ms DOUBLE, ttft_count BIGINT NOT NULL, ttft_p50_ms DOUBLE, ttft_p95_ms DOUBLE,"
                  + " ttft_p99_ms DOUBLE, latency_sketch BLOB, ttft_sketch BLOB,"
                  + " PRIMARY KEY (minute_ms, service, deployment, model, model_version))")),
          new Migration(2, "metric series indexed once; samples hold a series id", List.of(
              "CREATE TABLE series (id BIGINT PRIMARY KEY, name VARCHAR NOT NULL, labels VARCHAR NOT NULL)",
              "INSERT INTO series SELECT row_number() OVER (ORDER BY name, labels), name, labels"
                  + " FROM (SELECT DISTINCT name, labels FROM samples)",
              "ALTER TABLE samples RENAME TO samples_v1",
              "CREATE TABLE samples (ts_ms BIGINT NOT NULL, series_id BIGINT NOT NULL, value DOUBLE NOT NULL)",
              "INSERT INTO samples SELECT v.ts_ms, r.id, v.value FROM samples_v1 v"
                  + " JOIN series r ON r.name = v.name AND r.labels = v.labels ORDER BY v.ts_ms",
              "DROP TABLE samples_v1")),
          new Migration(3, "trace spans", List.of(
              "CREATE TABLE spans (ts_ms BIGINT NOT NULL, trace_id VARCHAR NOT NULL, span_id VARCHAR NOT NULL,"
                  + " parent_span_id VARCHAR, name VARCHAR NOT NULL, start_ns BIGINT NOT NULL, end_ns BIGINT NOT NULL,"
                  + " status VARCHAR, attributes VARCHAR NOT NULL, resource VARCHAR NOT NULL)")),
          // No UNIQUE constraint: rows stored twice before this version stay as they were, and
          // the writer drops a re-sent record itself (RecentIdentities).
          new Migration(4, "an inference read from a span names its span", List.of(
              "ALTER TABLE inferences ADD COLUMN span_id VARCHAR")),
          // Null while the inference a score judges is not known; filled when it is (ScoreAttachment).
          new Migration(5, "a score names the series of the inference it judges", List.of(
              "ALTER TABLE scores ADD COLUMN service VARCHAR",
              "ALTER TABLE scores ADD COLUMN deployment VARCHAR",
              "ALTER TABLE scores ADD COLUMN model VARCHAR",
              "ALTER TABLE scores ADD COLUMN model_version VARCHAR")),
          // Null in rows stored before: their cost, if any, was the sender's.
          new Migration(6, "an inference's cache writes, reasoning tokens and where its cost came from", List.of(
              "ALTER TABLE inferences ADD COLUMN cache_write_tokens BIGINT",
              "ALTER TABLE inferences ADD COLUMN reasoning_tokens BIGINT",
              "ALTER TABLE inferences ADD COLUMN cost_source VARCHAR")),
          // ts_ms is the run's start: with the pipeline, the identity a re-sent report shares
          // (RecentIdentities drops it). checks are JSON: [{"name", "passed", "value"}].
          new Migration(7, "data pipeline runs", List.of(
              "CREATE TABLE pipeline_runs (ts_ms BIGINT NOT NULL, pipeline VARCHAR NOT NULL,"
                  + " success BOOLEAN NOT NULL, finished_ms BIGINT NOT NULL, rows_in BIGINT, rows_out BIGINT,"
                  + " bytes BIGINT, checks VARCHAR NOT NULL, error VARCHAR)")),
          // Findings are few and looked up by id on every append, hence the key; evidence is JSON.
          new Migration(8, "security findings, scans per minute, usage per hour, detector state", List.of(
              "CREATE TABLE findings (id VARCHAR PRIMARY KEY, ts_ms BIGINT NOT NULL, dimension VARCHAR NOT NULL,"
                  + " kind VARCHAR NOT NULL, severity VARCHAR NOT NULL, reason VARCHAR NOT NULL, service VARCHAR,"
                  + " deployment VARCHAR, api_key_hash VARCHAR, tenant VARCHAR, user_id VARCHAR, trace_id VARCHAR,"
                  + " request_id VARCHAR, span_id VARCHAR, evidence VARCHAR NOT NULL)",
              "CREATE TABLE security_scans (minute_ms BIGINT NOT NULL, deployment VARCHAR NOT NULL,"
                  + " scanned BIGINT NOT NULL, injections BIGINT NOT NULL, PRIMARY KEY (minute_ms, deployment))",
              "CREATE TABLE usage_hours (hour_ms BIGINT NOT NULL, subject_kind VARCHAR NOT NULL,"
                  + " subject VARCHAR NOT NULL, requests BIGINT NOT NULL, tokens BIGINT NOT NULL,"
                  + " throttled BIGINT NOT NULL, cost DOUBLE NOT NULL, PRIMARY KEY (hour_ms, subject_kind, subject))",
              "CREATE TABLE detector_state (kind VARCHAR NOT NULL, subject VARCHAR NOT NULL, state VARCHAR NOT NULL,"
                  + " updated_ms BIGINT NOT NULL, PRIMARY KEY (kind, subject))")));

  private Migrations() {}

  /** The version a store reaches with every migration applied (versions need not be dense). */
  static int latest() {
    return ALL.get(ALL.size() - 1).version();
  }

  /** Applies what is missing; returns the schema version reached. */
  static int apply(Connection conn) throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
          + " description VARCHAR NOT NULL, applied_at_ms BIGINT NOT NULL)");
    }
    int current = current(conn);
    for (Migration m : ALL) {
      if (m.version() <= current) continue;
      boolean auto = conn.getAutoCommit();
      conn.setAutoCommit(false);
      try (Statement s = conn.createStatement();
          PreparedStatement record = conn.prepareStatement("INSERT INTO schema_migrations VALUES (?, ?, ?)")) {
        for (String sql : m.statements()) s.execute(sql);
        record.setInt(1, m.version());
        record.setString(2, m.description());
        record.setLong(3, System.currentTimeMillis());
        record.executeUpdate();
        conn.commit();
      } catch (SQLException e) {
        conn.rollback();
        throw new SQLException("schema migration " + m.version() + " (" + m.description() + ") failed", e);
      } finally {
        conn.setAutoCommit(auto);
      }
      current = m.version();
    }
    return current;
  }

  static int current(Connection conn) throws SQLException {
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM schema_migrations")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
