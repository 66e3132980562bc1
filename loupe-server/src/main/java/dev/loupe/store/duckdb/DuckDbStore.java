package dev.loupe.store.duckdb;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.loupe.dimension.model.InferenceRollup;
import dev.loupe.dimension.model.RollupPoint;
import dev.loupe.dimension.model.RollupQuery;
import dev.loupe.model.Batch;
import dev.loupe.model.Deployment;
import dev.loupe.model.Inference;
import dev.loupe.model.LabelMatcher;
import dev.loupe.model.LogRecord;
import dev.loupe.model.Outcome;
import dev.loupe.model.Sample;
import dev.loupe.model.Score;
import dev.loupe.model.Span;
import dev.loupe.model.ScoreSource;
import dev.loupe.model.SeriesKey;
import dev.loupe.store.RecordType;
import dev.loupe.store.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.duckdb.DuckDBConnection;

/**
 * The default {@link Store}: one DuckDB file under the data directory. Raw records go through the
 * Appender in group commits ({@link GroupCommitWriter}); reads use their own connections; minute
 * rollups are upserted by key and minute. See RATIONALE.md beside this package.
 */
public final class DuckDbStore implements Store {
  private static final Set<String> KEY_COLUMNS = Set.of("service", "deployment", "model", "model_version");
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  /** Whole numbers as Long, the one integer type a span attribute holds. */
  private static final ObjectReader VALUE_MAP = RowAppender.JSON
      .readerFor(new TypeReference<Map<String, Object>>() {}).with(DeserializationFeature.USE_LONG_FOR_INTS);

  private final DuckDBConnection db;
  private final GroupCommitWriter writer;
  private final int schemaVersion;
  private volatile boolean closed;

  /**
   * DuckDB checkpoints the WAL into the file inside the commit that crosses this size, stalling
   * every waiting writer; the default 16 MB is a stall a second at 100k events/s. Larger means
   * rarer stalls and a longer WAL replay after a crash.
   */
  static final String CHECKPOINT_THRESHOLD = "256MB";

  private DuckDbStore(DuckDBConnection db) throws SQLException {
    this.db = db;
    try (var s = db.createStatement()) {
      s.execute("SET checkpoint_threshold = '" + CHECKPOINT_THRESHOLD + "'");
    }
    this.schemaVersion = Migrations.apply(db);
    this.writer = new GroupCommitWriter(db.duplicate(), SeriesIds.load(db));
  }

  /** Opens (creating if needed) the DuckDB file and brings its schema up to date. */
  public static DuckDbStore open(Path file, Clock clock) {
    try {
      Connection c = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
      return new DuckDbStore(c.unwrap(DuckDBConnection.class));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open the store at " + file.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void append(Batch batch) {
    if (!batch.isEmpty()) writer.write(batch);
  }

  /** The writer, for tests of its grouping. */
  GroupCommitWriter writer() {
    return writer;
  }

  @Override
  public void upsertRollups(List<InferenceRollup> rollups) {
    if (rollups.isEmpty()) return;
    try (Connection c = read()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT OR REPLACE INTO inference_rollups VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
        for (InferenceRollup r : rollups) {
          int i = 1;
          ps.setLong(i++, r.minuteMillis());
          ps.setString(i++, r.key().service());
          ps.setString(i++, r.key().deployment());
          ps.setString(i++, r.key().model());
          ps.setString(i++, r.key().modelVersion());
          ps.setLong(i++, r.requests());
          ps.setLong(i++, r.errors());
          ps.setLong(i++, r.throttled());
          ps.setLong(i++, r.inputTokens());
          ps.setLong(i++, r.outputTokens());
          ps.setLong(i++, r.totalTokens());
          ps.setLong(i++, r.latencyCount());
          setQuantile(ps, i++, r.latencyP50Ms());
          setQuantile(ps, i++, r.latencyP95Ms());
          setQuantile(ps, i++, r.latencyP99Ms());
          ps.setLong(i++, r.ttftCount());
          setQuantile(ps, i++, r.ttftP50Ms());
          setQuantile(ps, i++, r.ttftP95Ms());
          setQuantile(ps, i++, r.ttftP99Ms());
          ps.setBytes(i++, r.latencySketch());
          ps.setBytes(i, r.ttftSketch());
          ps.addBatch();
        }
        ps.executeBatch();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw failure("upserting rollups", e);
    }
  }

  @Override
  public List<InferenceRollup> rollups(long fromMillis, long toMillis) {
    String sql = "SELECT * FROM inference_rollups WHERE minute_ms >= ? AND minute_ms < ?"
        + " ORDER BY minute_ms, service, deployment, model, model_version";
    return query(sql, ps -> {
      ps.setLong(1, fromMillis);
      ps.setLong(2, toMillis);
    }, rs -> new InferenceRollup(
        key(rs), rs.getLong("minute_ms"), rs.getLong("requests"), rs.getLong("errors"), rs.getLong("throttled"),
        rs.getLong("input_tokens"), rs.getLong("output_tokens"), rs.getLong("total_tokens"),
        rs.getLong("latency_count"), quantile(rs, "latency_p50_ms"), quantile(rs, "latency_p95_ms"),
        quantile(rs, "latency_p99_ms"), rs.getLong("ttft_count"), quantile(rs, "ttft_p50_ms"),
        quantile(rs, "ttft_p95_ms"), quantile(rs, "ttft_p99_ms"), bytes(rs, "latency_sketch"),
        bytes(rs, "ttft_sketch")));
  }

  @Override
  public List<RollupPoint> rollupRange(RollupQuery q) {
    List<Object> args = new ArrayList<>();
    StringBuilder where = new StringBuilder("minute_ms >= ? AND minute_ms < ?");
    args.add(q.startMillis() - q.lookbackMillis());
    args.add(q.endMillis());
    for (LabelMatcher m : q.matchers()) {
      if (!KEY_COLUMNS.contains(m.name())) {
        // Series have no other labels: like Prometheus, a matcher on an absent label sees "".
        if (!m.matches((String) null)) where.append(" AND FALSE");
        continue;
      }
      switch (m.op()) {
        case EQ -> where.append(" AND ").append(m.name()).append(" = ?");
        case NEQ -> where.append(" AND ").append(m.name()).append(" <> ?");
        case RE -> where.append(" AND regexp_full_match(").append(m.name()).append(", ?)");
        case NRE -> where.append(" AND NOT regexp_full_match(").append(m.name()).append(", ?)");
      }
      args.add(m.value());
    }
    String sql =
        "WITH steps AS (SELECT range AS i, ? + range * ? AS t FROM range(0, ?)),"
            + " r AS (SELECT * FROM inference_rollups WHERE " + where + ")"
            + " SELECT s.t, r.service, r.deployment, r.model, r.model_version, count(*) AS minutes,"
            + " sum(requests) AS requests, sum(errors) AS errors, sum(throttled) AS throttled,"
            + " sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,"
            + " sum(total_tokens) AS total_tokens, sum(latency_count) AS latency_count,"
            + weighted("latency_p50_ms", "latency_count") + weighted("latency_p95_ms", "latency_count")
            + weighted("latency_p99_ms", "latency_count") + " sum(ttft_count) AS ttft_count,"
            + weighted("ttft_p50_ms", "ttft_count") + weighted("ttft_p95_ms", "ttft_count")
            + weighted("ttft_p99_ms", "ttft_count").replaceAll(",$", "")
            + " FROM r JOIN steps s ON r.minute_ms >= s.t - ? AND r.minute_ms < s.t"
            + " GROUP BY s.t, r.service, r.deployment, r.model, r.model_version"
            + " ORDER BY r.service, r.deployment, r.model, r.model_version, s.t";
    return query(sql, ps -> {
      int i = 1;
      ps.setLong(i++, q.startMillis());
      ps.setLong(i++, q.stepMillis());
      ps.setLong(i++, q.points());
      for (Object a : args) {
        if (a instanceof Long l) ps.setLong(i++, l); else ps.setString(i++, (String) a);
      }
      ps.setLong(i, q.lookbackMillis());
    }, rs -> new RollupPoint(
        key(rs), rs.getLong("t"), rs.getLong("minutes") * 60_000, rs.getLong("requests"), rs.getLong("errors"),
        rs.getLong("throttled"), rs.getLong("input_tokens"), rs.getLong("output_tokens"),
        rs.getLong("total_tokens"), rs.getLong("latency_count"), quantile(rs, "latency_p50_ms"),
        quantile(rs, "latency_p95_ms"), quantile(rs, "latency_p99_ms"), rs.getLong("ttft_count"),
        quantile(rs, "ttft_p50_ms"), quantile(rs, "ttft_p95_ms"), quantile(rs, "ttft_p99_ms")));
  }

  private static String weighted(String column, String count) {
    return " sum(" + column + " * " + count + ") / nullif(sum(CASE WHEN " + column + " IS NOT NULL THEN "
        + count + " END), 0) AS " + column + ",";
  }

  @Override
  public List<Inference> inferences(long fromMillis, long toMillis, int limit) {
    return query("SELECT * FROM inferences WHERE ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms LIMIT ?",
        range(fromMillis, toMillis, limit), rs -> new Inference(
            rs.getLong("ts_ms"), key(rs), rs.getString("operation"), rs.getString("request_id"),
            rs.getString("trace_id"), rs.getString("tenant"), rs.getString("api_key_hash"),
            nullableLong(rs, "input_tokens"), nullableLong(rs, "output_tokens"), nullableLong(rs, "cached_tokens"),
            nullableDouble(rs, "latency_ms"), nullableDouble(rs, "ttft_ms"),
            Outcome.parse("status", rs.getString("status")), nullableInt(rs, "http_status"),
            rs.getString("finish_reason"), nullableBoolean(rs, "cache_hit"), nullableDouble(rs, "cost"),
            rs.getString("prompt"), rs.getString("completion"), nullableLong(rs, "total_tokens")));
  }

  @Override
  public List<Deployment> deployments(long fromMillis, long toMillis) {
    return query("SELECT * FROM deployments WHERE ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms",
        ps -> {
          ps.setLong(1, fromMillis);
          ps.setLong(2, toMillis);
        },
        rs -> new Deployment(rs.getLong("ts_ms"), rs.getString("service"), rs.getString("deployment"),
            rs.getString("model"), rs.getString("from_version"), rs.getString("to_version")));
  }

  @Override
  public List<LogRecord> logs(long fromMillis, long toMillis, int limit) {
    return query("SELECT * FROM logs WHERE ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms LIMIT ?",
        range(fromMillis, toMillis, limit),
        rs -> new LogRecord(rs.getLong("ts_ms"), rs.getString("level"), rs.getString("service"),
            rs.getString("message"), rs.getString("request_id"), rs.getString("trace_id"),
            stringMap(rs.getString("attributes"))));
  }

  @Override
  public List<Score> scores(long fromMillis, long toMillis, int limit) {
    return query("SELECT * FROM scores WHERE ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms LIMIT ?",
        range(fromMillis, toMillis, limit),
        rs -> new Score(rs.getLong("ts_ms"), rs.getString("name"), rs.getDouble("value"),
            ScoreSource.parse("source", rs.getString("source")), rs.getString("request_id"),
            rs.getString("trace_id"), rs.getString("comment")));
  }

  @Override
  public List<Sample> samples(String name, long fromMillis, long toMillis, int limit) {
    return query("SELECT s.ts_ms, r.name, r.labels, s.value FROM samples s JOIN series r ON r.id = s.series_id"
            + " WHERE r.name = ? AND s.ts_ms >= ? AND s.ts_ms < ? ORDER BY s.ts_ms LIMIT ?",
        ps -> {
          ps.setString(1, name);
          ps.setLong(2, fromMillis);
          ps.setLong(3, toMillis);
          ps.setInt(4, limit);
        },
        rs -> new Sample(rs.getString("name"), stringMap(rs.getString("labels")), rs.getLong("ts_ms"),
            rs.getDouble("value")));
  }

  @Override
  public List<Sample> samplesByNamePrefix(List<String> prefixes, long fromMillis, long toMillis, int limit) {
    if (prefixes.isEmpty()) return List.of();
    String any = String.join(" OR ", java.util.Collections.nCopies(prefixes.size(), "starts_with(r.name, ?)"));
    return query("SELECT s.ts_ms, r.name, r.labels, s.value FROM samples s JOIN series r ON r.id = s.series_id"
            + " WHERE s.ts_ms >= ? AND s.ts_ms < ? AND (" + any + ") ORDER BY s.ts_ms LIMIT ?",
        ps -> {
          ps.setLong(1, fromMillis);
          ps.setLong(2, toMillis);
          for (int i = 0; i < prefixes.size(); i++) ps.setString(3 + i, prefixes.get(i));
          ps.setInt(3 + prefixes.size(), limit);
        },
        rs -> new Sample(rs.getString("name"), stringMap(rs.getString("labels")), rs.getLong("ts_ms"),
            rs.getDouble("value")));
  }

  @Override
  public List<Span> spans(String traceId) {
    return query("SELECT * FROM spans WHERE trace_id = ? ORDER BY start_ns, span_id",
        ps -> ps.setString(1, traceId), DuckDbStore::span);
  }

  @Override
  public List<Span> spansBetween(long fromMillis, long toMillis, int limit) {
    return query("SELECT * FROM spans WHERE ts_ms >= ? AND ts_ms < ? ORDER BY start_ns, span_id LIMIT ?",
        range(fromMillis, toMillis, limit), DuckDbStore::span);
  }

  private static Span span(java.sql.ResultSet rs) throws SQLException {
    return new Span(rs.getString("trace_id"), rs.getString("span_id"), rs.getString("parent_span_id"),
        rs.getString("name"), rs.getLong("start_ns"), rs.getLong("end_ns"), rs.getString("status"),
        valueMap(rs.getString("attributes")), valueMap(rs.getString("resource")));
  }

  @Override
  public long count(RecordType type) {
    return query("SELECT count(*) FROM " + table(type), ps -> {}, rs -> rs.getLong(1)).get(0);
  }

  @Override
  public long deleteOlderThan(RecordType type, long cutoffMillis) {
    String column = type == RecordType.ROLLUP ? "minute_ms" : "ts_ms";
    try (Connection c = read(); PreparedStatement ps =
        c.prepareStatement("DELETE FROM " + table(type) + " WHERE " + column + " < ?")) {
      ps.setLong(1, cutoffMillis);
      long deleted = ps.executeUpdate();
      if (type == RecordType.SAMPLE && deleted > 0) {
        writer.run((conn, ids) -> ids.deleteUnused(conn));
      }
      return deleted;
    } catch (SQLException e) {
      throw failure("deleting old " + type.configName() + " records", e);
    }
  }

  @Override
  public int schemaVersion() {
    return schemaVersion;
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    writer.close();
    try {
      db.close();
    } catch (SQLException e) {
      throw failure("closing", e);
    }
  }

  static String table(RecordType type) {
    return switch (type) {
      case INFERENCE -> "inferences";
      case LOG -> "logs";
      case DEPLOYMENT -> "deployments";
      case SCORE -> "scores";
      case SAMPLE -> "samples";
      case SPAN -> "spans";
      case ROLLUP -> "inference_rollups";
    };
  }

  // --- plumbing -------------------------------------------------------------------------------

  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private Connection read() throws SQLException {
    if (closed) throw new IllegalStateException("the store is closed");
    return db.duplicate();
  }

  private <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) {
    try (Connection c = read(); PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(mapper.map(rs));
      }
      return out;
    } catch (SQLException e) {
      throw failure("querying", e);
    }
  }

  private static Binder range(long from, long to, int limit) {
    return ps -> {
      ps.setLong(1, from);
      ps.setLong(2, to);
      ps.setLong(3, limit);
    };
  }

  private static SeriesKey key(ResultSet rs) throws SQLException {
    return new SeriesKey(rs.getString("service"), rs.getString("deployment"), rs.getString("model"),
        rs.getString("model_version"));
  }

  private static void setQuantile(PreparedStatement ps, int i, double v) throws SQLException {
    if (Double.isNaN(v)) ps.setNull(i, Types.DOUBLE); else ps.setDouble(i, v);
  }

  private static double quantile(ResultSet rs, String column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? Double.NaN : v;
  }

  private static byte[] bytes(ResultSet rs, String column) throws SQLException {
    java.sql.Blob blob = rs.getBlob(column);
    return blob == null ? null : blob.getBytes(1, (int) blob.length());
  }

  private static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? null : v;
  }

  private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }

  private static Boolean nullableBoolean(ResultSet rs, String column) throws SQLException {
    boolean v = rs.getBoolean(column);
    return rs.wasNull() ? null : v;
  }

  static Map<String, String> stringMap(String json) throws SQLException {
    try {
      return RowAppender.JSON.readValue(json, STRING_MAP);
    } catch (IOException e) {
      throw new SQLException("stored attributes are not a JSON object: " + e.getMessage(), e);
    }
  }

  /**
   * Span attributes with their types, as JSON keeps them; rows written before spans kept types hold
   * only strings, and read back as strings.
   */
  static Map<String, Object> valueMap(String json) throws SQLException {
    try {
      return VALUE_MAP.readValue(json);
    } catch (IOException e) {
      throw new SQLException("stored attributes are not a JSON object: " + e.getMessage(), e);
    }
  }

  private static IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException("store failed " + what + ": " + e.getMessage(), e);
  }
}
