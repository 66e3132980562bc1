package dev.loupe.store.duckdb;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.loupe.model.InferenceRollup;
import dev.loupe.model.RollupPoint;
import dev.loupe.model.RollupQuery;
import dev.loupe.model.Batch;
import dev.loupe.model.CostSource;
import dev.loupe.model.CostSummary;
import dev.loupe.model.SpendBucket;
import dev.loupe.model.Deployment;
import dev.loupe.model.Inference;
import dev.loupe.model.InferenceFeatures;
import dev.loupe.model.LabelMatcher;
import dev.loupe.model.LogRecord;
import dev.loupe.model.Outcome;
import dev.loupe.model.PipelineRun;
import dev.loupe.model.Sample;
import dev.loupe.model.SortedLabels;
import dev.loupe.model.Score;
import dev.loupe.model.Span;
import dev.loupe.model.ScorePoint;
import dev.loupe.model.ScoreSource;
import dev.loupe.model.ScoreSummary;
import dev.loupe.model.SeriesKey;
import dev.loupe.model.SortedLabels;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private static final Logger LOG = LoggerFactory.getLogger(DuckDbStore.class);

  private final Path file;
  /**
   * Reads hold it shared for as long as their connection is open; reopening the database holds it
   * exclusively, so no connection to the old instance is left when the new one opens the file.
   */
  private final ReentrantReadWriteLock dbLock = new ReentrantReadWriteLock();
  /** The open database; null while a reopen failed (the next write tries again). */
  private DuckDBConnection db;
  private final GroupCommitWriter writer;
  private final int schemaVersion;
  private final Map<String, LongAdder> unreadable = new ConcurrentHashMap<>();
  private final DuckDbSecurityRecords security;
  /** Every type present from the start, so counting never adds a key while another thread reads. */
  private final Map<RecordType, LongAdder> appended = new java.util.EnumMap<>(RecordType.class);
  private volatile boolean closed;

  /**
   * DuckDB checkpoints the WAL into the file inside the commit that crosses this size, stalling
   * every waiting writer (seconds for a large WAL). The writer checkpoints in the background well
   * before ({@link GroupCommitWriter#CHECKPOINT_WAL_BYTES}), so this only ever acts if those
   * checkpoints keep failing.
   */
  static final String CHECKPOINT_THRESHOLD = "1GB";

  /**
   * DuckDB's own memory (buffer pool, query state), outside the JVM heap. Its default is 80 % of
   * the machine's RAM; beside the 2 GB heap {@code ./loupe} gives the JVM, 1 GB keeps the whole
   * process near 3.3 GB. Larger queries spill to disk instead. {@code -Dloupe.store.memory_limit}
   * sets another (a DuckDB size, e.g. 4GB).
   */
  static final String MEMORY_LIMIT = System.getProperty("loupe.store.memory_limit", "1GB");

  private DuckDbStore(Path file, DuckDBConnection db) throws SQLException {
    this.file = file;
    this.db = db;
    this.schemaVersion = Migrations.apply(db);
    for (RecordType t : RecordType.values()) appended.put(t, new LongAdder());
    // Rows acknowledged during a checkpoint and not yet moved when the last run ended go in first.
    CheckpointSpill spill = CheckpointSpill.recover(db);
    SeriesIds series = SeriesIds.load(db, e -> unreadable("series", 1, e));
    Path wal = file.resolveSibling(file.getFileName() + ".wal");
    this.writer = new GroupCommitWriter(new GroupCommitWriter.Database() {
      @Override
      public DuckDBConnection connect() throws SQLException {
        return connection();
      }

      @Override
      public void reopen() throws SQLException {
        DuckDbStore.this.reopen();
      }

      @Override
      public long walBytes() {
        try {
          return java.nio.file.Files.size(wal);
        } catch (IOException noWal) {
          return 0;
        }
      }

      @Override
      public void checkpoint(String catalog) throws SQLException {
        dbLock.readLock().lock(); // a reopen waits for it
        try (DuckDBConnection c = connection(); var s = c.createStatement()) {
          s.execute("CHECKPOINT " + CheckpointSpill.q(catalog));
        } finally {
          dbLock.readLock().unlock();
        }
      }
    }, series, spill);
    this.security = new DuckDbSecurityRecords(writer, this);
  }

  @Override
  public dev.loupe.store.SecurityRecords security() {
    return security;
  }

  /** Opens (creating if needed) the DuckDB file and brings its schema up to date. */
  public static DuckDbStore open(Path file, Clock clock) {
    try {
      return new DuckDbStore(file, connect(file));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open the store at " + file.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  /** The store file opened with Loupe's settings and the spill attached; package-private for tests. */
  static DuckDBConnection connect(Path file) throws SQLException {
    DuckDBConnection c =
        DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath()).unwrap(DuckDBConnection.class);
    try (var s = c.createStatement()) {
      s.execute("SET checkpoint_threshold = '" + CHECKPOINT_THRESHOLD + "'");
      s.execute("SET memory_limit = '" + MEMORY_LIMIT.replace("'", "''") + "'");
      // DuckDB's worker threads (default: one per core); fewer leave more CPU to the ingest path.
      Integer threads = Integer.getInteger("loupe.store.threads");
      if (threads != null) s.execute("SET threads = " + threads);
      s.execute(CheckpointSpill.attach(file));
    }
    return c;
  }

  /**
   * Closes the database and opens the file again; the writer calls it, its own connection closed,
   * before the first write after a failed one. DuckDB 1.4 keeps the strings of a transaction whose
   * commit failed (a full disk) in the table's memory and glues them into the next row appended,
   * even on another connection; only a fresh instance, which reads back what was committed, is
   * clean. Nothing committed is lost: the WAL is replayed on open.
   */
  private void reopen() throws SQLException {
    dbLock.writeLock().lock();
    try {
      if (closed) throw new IllegalStateException("the store is closed");
      if (db != null) {
        try {
          db.close();
        } catch (SQLException e) {
          LOG.warn("closing the store before reopening it failed: {}", e.getMessage());
        }
        db = null;
      }
      db = connect(file);
      LOG.info("store reopened after a failed write");
    } finally {
      dbLock.writeLock().unlock();
    }
  }

  /** A new connection to the open database; the caller closes it. */
  private DuckDBConnection connection() throws SQLException {
    dbLock.readLock().lock();
    try {
      if (closed) throw new IllegalStateException("the store is closed");
      if (db == null) throw new SQLException("the store is unavailable: reopening it after a failed write failed");
      return db.duplicate();
    } finally {
      dbLock.readLock().unlock();
    }
  }

  @Override
  public Batch append(Batch batch) {
    if (batch.isEmpty()) return batch;
    Batch kept = writer.write(batch);
    appended.get(RecordType.INFERENCE).add(kept.inferences().size());
    appended.get(RecordType.LOG).add(kept.logs().size());
    appended.get(RecordType.DEPLOYMENT).add(kept.deployments().size());
    appended.get(RecordType.SCORE).add(kept.scores().size());
    appended.get(RecordType.SAMPLE).add(kept.samples().size());
    appended.get(RecordType.SPAN).add(kept.spans().size());
    appended.get(RecordType.PIPELINE_RUN).add(kept.pipelineRuns().size());
    return kept;
  }

  @Override
  public Map<RecordType, Long> appendedRecords() {
    Map<RecordType, Long> out = new java.util.EnumMap<>(RecordType.class);
    appended.forEach((type, n) -> out.put(type, n.sum()));
    return out;
  }

  /** The writer, for tests of its grouping. */
  GroupCommitWriter writer() {
    return writer;
  }

  @Override
  public void upsertRollups(List<InferenceRollup> rollups) {
    if (rollups.isEmpty()) return;
    // On the writer, like every write: a failed one there makes the next write reopen the database.
    // Staged through the Appender and replaced in one statement: a prepared INSERT OR REPLACE per
    // row took minutes for the 30,000 minutes a three-week back-fill brings. The sketches travel
    // as base64 text, the one binary form the Appender and SQL agree on.
    writer.run((c, ids) -> {
      try (var s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS rollup_staging AS SELECT * EXCLUDE (latency_sketch, ttft_sketch),"
            + " ''::VARCHAR AS latency_sketch, ''::VARCHAR AS ttft_sketch FROM inference_rollups LIMIT 0");
        s.execute("DELETE FROM rollup_staging");
      }
      java.util.Base64.Encoder base64 = java.util.Base64.getEncoder();
      try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "rollup_staging")) {
        for (InferenceRollup r : rollups) {
          a.beginRow();
          a.append(r.minuteMillis());
          a.append(r.key().service());
          a.append(r.key().deployment());
          a.append(r.key().model());
          a.append(r.key().modelVersion());
          a.append(r.requests());
          a.append(r.errors());
          a.append(r.throttled());
          a.append(r.inputTokens());
          a.append(r.outputTokens());
          a.append(r.totalTokens());
          a.append(r.latencyCount());
          quantile(a, r.latencyP50Ms());
          quantile(a, r.latencyP95Ms());
          quantile(a, r.latencyP99Ms());
          a.append(r.ttftCount());
          quantile(a, r.ttftP50Ms());
          quantile(a, r.ttftP95Ms());
          quantile(a, r.ttftP99Ms());
          sketch(a, base64, r.latencySketch());
          sketch(a, base64, r.ttftSketch());
          a.endRow();
        }
      }
      try (var s = c.createStatement()) {
        s.execute("INSERT OR REPLACE INTO inference_rollups SELECT * EXCLUDE (latency_sketch, ttft_sketch),"
            + " from_base64(latency_sketch), from_base64(ttft_sketch) FROM rollup_staging");
        s.execute("DELETE FROM rollup_staging");
      }
      return () -> {};
    });
    appended.get(RecordType.ROLLUP).add(rollups.size());
  }

  private static void quantile(DuckDBAppender a, double v) throws SQLException {
    if (Double.isNaN(v)) a.appendNull(); else a.append(v);
  }

  private static void sketch(DuckDBAppender a, java.util.Base64.Encoder base64, byte[] bytes) throws SQLException {
    if (bytes == null) a.appendNull(); else a.append(base64.encodeToString(bytes));
  }


  @Override
  public List<InferenceRollup> rollups(long fromMillis, long toMillis) {
    String sql = "SELECT * FROM inference_rollups WHERE minute_ms >= ? AND minute_ms < ?"
        + " ORDER BY minute_ms, service, deployment, model, model_version";
    return query("inference_rollups", sql, ps -> {
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
    args.add(q.startMillis() - q.lookbackMillis());
    args.add(q.endMillis());
    // Series have no other labels: like Prometheus, a matcher on an absent label sees "".
    String where = "minute_ms >= ? AND minute_ms < ?" + matching(q.matchers(), List.copyOf(KEY_COLUMNS), args);
    if (q.lookbackMillis() == q.stepMillis()) {
      // Steps that do not overlap: each minute falls in one, found by division, not a range join.
      String bucketed = "SELECT ? + (minute_ms - ? + ?) // ? * ? AS t, service, deployment, model, model_version,"
          + " count(*) AS minutes," + ROLLUP_SUMS + " FROM inference_rollups WHERE " + where
          + " GROUP BY t, service, deployment, model, model_version"
          + " ORDER BY service, deployment, model, model_version, t";
      return query("inference_rollups", bucketed, ps -> {
        int i = 1;
        for (int k = 0; k < 2; k++) ps.setLong(i++, q.startMillis());
        for (int k = 0; k < 3; k++) ps.setLong(i++, q.stepMillis());
        bind(ps, i, args);
      }, DuckDbStore::rollupPoint);
    }
    String sql =
        "WITH steps AS (SELECT range AS i, ? + range * ? AS t FROM range(0, ?)),"
            + " r AS (SELECT * FROM inference_rollups WHERE " + where + ")"
            + " SELECT s.t, r.service, r.deployment, r.model, r.model_version, count(*) AS minutes,"
            + ROLLUP_SUMS
            + " FROM r JOIN steps s ON r.minute_ms >= s.t - ? AND r.minute_ms < s.t"
            + " GROUP BY s.t, r.service, r.deployment, r.model, r.model_version"
            + " ORDER BY r.service, r.deployment, r.model, r.model_version, s.t";
    return query("inference_rollups", sql, ps -> {
      int i = 1;
      ps.setLong(i++, q.startMillis());
      ps.setLong(i++, q.stepMillis());
      ps.setLong(i++, q.points());
      i = bind(ps, i, args);
      ps.setLong(i, q.lookbackMillis());
    }, DuckDbStore::rollupPoint);
  }

  /** The sums and count-weighted quantiles of the minutes a rollup point covers. */
  private static final String ROLLUP_SUMS =
      " sum(requests) AS requests, sum(errors) AS errors, sum(throttled) AS throttled,"
          + " sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,"
          + " sum(total_tokens) AS total_tokens, sum(latency_count) AS latency_count,"
          + weighted("latency_p50_ms", "latency_count") + weighted("latency_p95_ms", "latency_count")
          + weighted("latency_p99_ms", "latency_count") + " sum(ttft_count) AS ttft_count,"
          + weighted("ttft_p50_ms", "ttft_count") + weighted("ttft_p95_ms", "ttft_count")
          + weighted("ttft_p99_ms", "ttft_count").replaceAll(",$", "");

  private static RollupPoint rollupPoint(ResultSet rs) throws SQLException {
    return new RollupPoint(
        key(rs), rs.getLong("t"), rs.getLong("minutes") * 60_000, rs.getLong("requests"), rs.getLong("errors"),
        rs.getLong("throttled"), rs.getLong("input_tokens"), rs.getLong("output_tokens"),
        rs.getLong("total_tokens"), rs.getLong("latency_count"), quantile(rs, "latency_p50_ms"),
        quantile(rs, "latency_p95_ms"), quantile(rs, "latency_p99_ms"), rs.getLong("ttft_count"),
        quantile(rs, "ttft_p50_ms"), quantile(rs, "ttft_p95_ms"), quantile(rs, "ttft_p99_ms"));
  }

  private static String weighted(String column, String count) {
    return " sum(" + column + " * " + count + ") / nullif(sum(CASE WHEN " + column + " IS NOT NULL THEN "
        + count + " END), 0) AS " + column + ",";
  }

  @Override
  public List<Inference> inferences(long fromMillis, long toMillis, int limit) {
    return query("inferences", "SELECT * FROM inferences WHERE ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms LIMIT ?",
        range(fromMillis, toMillis, limit), DuckDbStore::inference);
  }

  @Override
  public List<Inference> inferencesOfTenant(long fromMillis, long toMillis, int limit, String tenant) {
    return query("inferences", "SELECT * FROM inferences WHERE ts_ms >= ? AND ts_ms < ? AND tenant = ? ORDER BY ts_ms LIMIT ?",
        ps -> {
          ps.setLong(1, fromMillis);
          ps.setLong(2, toMillis);
          ps.setString(3, tenant);
          ps.setLong(4, limit);
        }, DuckDbStore::inference);
  }

  private static Inference inference(ResultSet rs) throws SQLException {
    return new Inference(
            rs.getLong("ts_ms"), key(rs), rs.getString("operation"), rs.getString("request_id"),
            rs.getString("trace_id"), rs.getString("tenant"), rs.getString("api_key_hash"),
            nullableLong(rs, "input_tokens"), nullableLong(rs, "output_tokens"), nullableLong(rs, "cached_tokens"),
            nullableDouble(rs, "latency_ms"), nullableDouble(rs, "ttft_ms"),
            Outcome.parse("status", rs.getString("status")), nullableInt(rs, "http_status"),
            rs.getString("finish_reason"), nullableBoolean(rs, "cache_hit"), nullableDouble(rs, "cost"),
            rs.getString("prompt"), rs.getString("completion"), nullableLong(rs, "total_tokens"),
            rs.getString("span_id"), nullableLong(rs, "cache_write_tokens"), nullableLong(rs, "reasoning_tokens"),
            costSource(rs.getString("cost_source")));
  }

  private static CostSource costSource(String stored) {
    return stored == null ? null : CostSource.parse("cost_source", stored);
  }

  @Override
  public List<Deployment> deployments(long fromMillis, long toMillis) {
    return query("deployments", "SELECT * FROM deployments WHERE ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms",
        ps -> {
          ps.setLong(1, fromMillis);
          ps.setLong(2, toMillis);
        },
        rs -> new Deployment(rs.getLong("ts_ms"), rs.getString("service"), rs.getString("deployment"),
            rs.getString("model"), rs.getString("from_version"), rs.getString("to_version")));
  }

  @Override
  public List<Deployment> latestDeployments(long fromMillis, int perDeployment) {
    return query("deployments", "SELECT * FROM deployments WHERE ts_ms >= ?"
            + " QUALIFY row_number() OVER (PARTITION BY service, deployment ORDER BY ts_ms DESC) <= ? ORDER BY ts_ms",
        ps -> {
          ps.setLong(1, fromMillis);
          ps.setInt(2, perDeployment);
        },
        rs -> new Deployment(rs.getLong("ts_ms"), rs.getString("service"), rs.getString("deployment"),
            rs.getString("model"), rs.getString("from_version"), rs.getString("to_version")));
  }

  @Override
  public List<LogRecord> logs(long fromMillis, long toMillis, int limit) {
    return query("logs", "SELECT * FROM logs WHERE ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms LIMIT ?",
        range(fromMillis, toMillis, limit),
        rs -> new LogRecord(rs.getLong("ts_ms"), rs.getString("level"), rs.getString("service"),
            rs.getString("message"), rs.getString("request_id"), rs.getString("trace_id"),
            stringMap(rs.getString("attributes"))));
  }

  @Override
  public List<Score> scores(long fromMillis, long toMillis, int limit) {
    return query("scores", "SELECT * FROM scores WHERE ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms LIMIT ?",
        range(fromMillis, toMillis, limit),
        rs -> new Score(rs.getLong("ts_ms"), rs.getString("name"), rs.getDouble("value"),
            ScoreSource.parse("source", rs.getString("source")), rs.getString("request_id"),
            rs.getString("trace_id"), rs.getString("comment"),
            rs.getString("deployment") == null ? null : key(rs)));
  }

  /** The labels a score can be matched and grouped by, each a column of {@code scores}. */
  private static final List<String> SCORE_LABELS =
      List.of("service", "deployment", "model", "model_version", "name", "source");

  @Override
  public List<ScorePoint> scoreRange(RollupQuery q) {
    List<Object> args = new ArrayList<>();
    String where = "ts_ms >= ? AND ts_ms < ? AND deployment IS NOT NULL" + matching(q.matchers(), SCORE_LABELS, args);
    if (q.lookbackMillis() == q.stepMillis()) {
      // Steps that do not overlap: each score falls in one, found by division, not by a range join.
      String bucketed = "SELECT ? + (ts_ms - ? + ?) // ? * ? AS t, service, deployment, model, model_version, name,"
          + " source, count(*) AS n, sum(value) AS total FROM scores WHERE " + where
          + " GROUP BY ALL ORDER BY service, deployment, model, model_version, name, source, t";
      return query("scores", bucketed, ps -> {
        int i = 1;
        ps.setLong(i++, q.startMillis());
        ps.setLong(i++, q.startMillis());
        ps.setLong(i++, q.stepMillis());
        ps.setLong(i++, q.stepMillis());
        ps.setLong(i++, q.stepMillis());
        ps.setLong(i++, q.startMillis() - q.lookbackMillis());
        ps.setLong(i++, q.endMillis());
        bind(ps, i, args);
      }, rs -> new ScorePoint(key(rs), rs.getString("name"), ScoreSource.parse("source", rs.getString("source")),
          rs.getLong("t"), rs.getLong("n"), rs.getDouble("total")));
    }
    String sql =
        "WITH steps AS (SELECT ? + range * ? AS t FROM range(0, ?)),"
            + " r AS (SELECT * FROM scores WHERE " + where + ")"
            + " SELECT s.t, r.service, r.deployment, r.model, r.model_version, r.name, r.source,"
            + " count(*) AS n, sum(r.value) AS total"
            + " FROM r JOIN steps s ON r.ts_ms >= s.t - ? AND r.ts_ms < s.t"
            + " GROUP BY ALL ORDER BY r.service, r.deployment, r.model, r.model_version, r.name, r.source, s.t";
    return query("scores", sql, ps -> {
      int i = 1;
      ps.setLong(i++, q.startMillis());
      ps.setLong(i++, q.stepMillis());
      ps.setLong(i++, q.points());
      ps.setLong(i++, q.startMillis() - q.lookbackMillis());
      ps.setLong(i++, q.endMillis());
      i = bind(ps, i, args);
      ps.setLong(i, q.lookbackMillis());
    }, rs -> new ScorePoint(key(rs), rs.getString("name"), ScoreSource.parse("source", rs.getString("source")),
        rs.getLong("t"), rs.getLong("n"), rs.getDouble("total")));
  }

  @Override
  public List<ScoreSummary> scoreSummary(long fromMillis, long toMillis, List<String> groupBy, List<LabelMatcher> matchers) {
    for (String g : groupBy) {
      if (!SCORE_LABELS.contains(g)) {
        throw new IllegalArgumentException("cannot group scores by '" + g + "'; one of " + SCORE_LABELS);
      }
    }
    List<Object> args = new ArrayList<>();
    String where = "ts_ms >= ? AND ts_ms < ? AND deployment IS NOT NULL" + matching(matchers, SCORE_LABELS, args);
    String columns = groupBy.isEmpty() ? "" : String.join(", ", groupBy) + ", ";
    String sql = "SELECT " + columns + "count(*) AS n, avg(value) AS mean, coalesce(stddev_samp(value), 0) AS sd,"
        + " min(value) AS lo, max(value) AS hi, quantile_cont(value, 0.5) AS p50, quantile_cont(value, 0.95) AS p95"
        + " FROM scores WHERE " + where
        + (groupBy.isEmpty() ? "" : " GROUP BY " + String.join(", ", groupBy) + " ORDER BY " + String.join(", ", groupBy));
    return query("scores", sql, ps -> {
      ps.setLong(1, fromMillis);
      ps.setLong(2, toMillis);
      bind(ps, 3, args);
    }, rs -> {
      java.util.SortedMap<String, String> group = new java.util.TreeMap<>();
      for (String g : groupBy) group.put(g, rs.getString(g));
      return new ScoreSummary(group, rs.getLong("n"), rs.getDouble("mean"), rs.getDouble("sd"), rs.getDouble("lo"),
          rs.getDouble("hi"), rs.getDouble("p50"), rs.getDouble("p95"));
    }).stream().filter(x -> x.count() > 0).toList();
  }

  /** A cost label's column in {@code inferences}. */
  private static String costColumn(String label) {
    if (!COST_LABELS.contains(label)) {
      throw new IllegalArgumentException("cannot group spend by '" + label + "'; one of " + COST_LABELS);
    }
    return label.equals("api_key") ? "api_key_hash" : label;
  }

  /** Matchers on cost labels, named by their columns. */
  private static List<LabelMatcher> onCostColumns(List<LabelMatcher> matchers) {
    List<LabelMatcher> out = new ArrayList<>();
    for (LabelMatcher m : matchers) {
      out.add(m.name().equals("api_key") ? new LabelMatcher("api_key_hash", m.op(), m.value()) : m);
    }
    return out;
  }

  private static final List<String> COST_COLUMNS = COST_LABELS.stream().map(DuckDbStore::costColumn).toList();

  @Override
  public List<CostSummary> costSummary(long fromMillis, long toMillis, List<String> groupBy, List<LabelMatcher> matchers) {
    List<String> columns = groupBy.stream().map(DuckDbStore::costColumn).toList();
    List<Object> args = new ArrayList<>();
    String where = "ts_ms >= ? AND ts_ms < ?" + matching(onCostColumns(matchers), COST_COLUMNS, args);
    String groups = columns.isEmpty() ? "" : String.join(", ", columns) + ", ";
    String sql = "SELECT " + groups + "count(*) AS n, count(*) FILTER (WHERE status = 'ok') AS ok,"
        + " count(cost) AS priced, count(*) FILTER (WHERE cost_source = 'unknown') AS unknown,"
        + " count(*) FILTER (WHERE cost_source = 'provisioned') AS provisioned, coalesce(sum(cost), 0) AS spend,"
        + " avg(cost) AS mean, coalesce(stddev_samp(cost), 0) AS sd, quantile_cont(cost, 0.95) AS p95,"
        + " coalesce(sum(input_tokens), 0) AS input, coalesce(sum(output_tokens), 0) AS output,"
        + " coalesce(sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0))"
        + "   FILTER (WHERE cost_source = 'unknown'), 0) AS unpriced_tokens,"
        + " min(ts_ms) AS first, max(ts_ms) AS last, max(ts_ms) FILTER (WHERE cost IS NOT NULL) AS last_priced"
        + " FROM inferences WHERE " + where
        + (columns.isEmpty() ? "" : " GROUP BY " + String.join(", ", columns))
        + " ORDER BY spend DESC" + (columns.isEmpty() ? "" : ", " + String.join(", ", columns));
    return query("inferences", sql, ps -> {
      ps.setLong(1, fromMillis);
      ps.setLong(2, toMillis);
      bind(ps, 3, args);
    }, rs -> {
      java.util.SortedMap<String, String> group = new java.util.TreeMap<>();
      for (int i = 0; i < groupBy.size(); i++) group.put(groupBy.get(i), rs.getString(columns.get(i)));
      return new CostSummary(group, rs.getLong("n"), rs.getLong("ok"), rs.getLong("priced"), rs.getLong("unknown"),
          rs.getLong("provisioned"), rs.getDouble("spend"), quantile(rs, "mean"), rs.getDouble("sd"),
          quantile(rs, "p95"), rs.getLong("input"), rs.getLong("output"), rs.getLong("unpriced_tokens"),
          nullableLong(rs, "first"), nullableLong(rs, "last"), nullableLong(rs, "last_priced"));
    }).stream().filter(c -> c.requests() > 0).toList();
  }

  @Override
  public List<SpendBucket> spendBuckets(
      long fromMillis, long toMillis, long bucketMillis, List<String> groupBy, List<LabelMatcher> matchers) {
    if (bucketMillis <= 0) throw new IllegalArgumentException("bucket must be positive, got " + bucketMillis);
    if (toMillis <= fromMillis) return List.of();
    List<String> columns = groupBy.stream().map(DuckDbStore::costColumn).toList();
    List<Object> args = new ArrayList<>();
    String where = "ts_ms >= ? AND ts_ms < ? AND cost IS NOT NULL"
        + matching(onCostColumns(matchers), COST_COLUMNS, args);
    String groups = columns.isEmpty() ? "" : String.join(", ", columns) + ", ";
    // The last millisecond included is toMillis - 1; a bucket ends at last - k * width.
    String sql = "SELECT " + groups + "? - (? - ts_ms) // ? * ? AS bucket_end, sum(cost) AS spend"
        + " FROM inferences WHERE " + where + " GROUP BY ALL ORDER BY bucket_end";
    return query("inferences", sql, ps -> {
      int i = 1;
      ps.setLong(i++, toMillis - 1);
      ps.setLong(i++, toMillis - 1);
      ps.setLong(i++, bucketMillis);
      ps.setLong(i++, bucketMillis);
      ps.setLong(i++, fromMillis);
      ps.setLong(i++, toMillis);
      bind(ps, i, args);
    }, rs -> {
      java.util.SortedMap<String, String> group = new java.util.TreeMap<>();
      for (int i = 0; i < groupBy.size(); i++) group.put(groupBy.get(i), rs.getString(columns.get(i)));
      return new SpendBucket(group, rs.getLong("bucket_end"), rs.getDouble("spend"));
    });
  }

  @Override
  public List<Inference> inferencesByIds(
      Collection<String> requestIds, Collection<String> traceIds, long sinceMillis, int limit) {
    if (requestIds.isEmpty() && traceIds.isEmpty()) return List.of();
    List<String> byRequest = List.copyOf(new java.util.LinkedHashSet<>(requestIds));
    List<String> byTrace = List.copyOf(new java.util.LinkedHashSet<>(traceIds));
    StringBuilder any = new StringBuilder();
    if (!byRequest.isEmpty()) any.append("request_id IN (").append(placeholders(byRequest.size())).append(")");
    if (!byTrace.isEmpty()) {
      if (any.length() > 0) any.append(" OR ");
      any.append("trace_id IN (").append(placeholders(byTrace.size())).append(")");
    }
    return query("inferences", "SELECT * FROM inferences WHERE ts_ms >= ? AND (" + any + ") ORDER BY ts_ms DESC LIMIT ?",
        ps -> {
          int i = 1;
          ps.setLong(i++, sinceMillis);
          for (String id : byRequest) ps.setString(i++, id);
          for (String id : byTrace) ps.setString(i++, id);
          ps.setInt(i, limit);
        }, DuckDbStore::inference);
  }

  @Override
  public void scanInferenceFeatures(List<LabelMatcher> matchers, long fromMillis, long toMillis,
      Consumer<InferenceFeatures> sink) {
    List<Object> args = new ArrayList<>();
    String where = "ts_ms >= ? AND ts_ms < ?" + matching(matchers, List.copyOf(KEY_COLUMNS), args);
    scan("inferences", "SELECT ts_ms, service, deployment, model, model_version, operation, input_tokens,"
        + " output_tokens, latency_ms, ttft_ms, status, finish_reason, cost FROM inferences WHERE " + where,
        ps -> {
          ps.setLong(1, fromMillis);
          ps.setLong(2, toMillis);
          bind(ps, 3, args);
        },
        rs -> new InferenceFeatures(rs.getLong("ts_ms"), key(rs), rs.getString("operation"),
            nullableLong(rs, "input_tokens"), nullableLong(rs, "output_tokens"), nullableDouble(rs, "latency_ms"),
            nullableDouble(rs, "ttft_ms"), Outcome.parse("status", rs.getString("status")),
            rs.getString("finish_reason"), nullableDouble(rs, "cost")),
        sink);
  }

  @Override
  public void scanScores(List<LabelMatcher> matchers, long fromMillis, long toMillis, Consumer<Score> sink) {
    List<Object> args = new ArrayList<>();
    String where = "ts_ms >= ? AND ts_ms < ? AND deployment IS NOT NULL" + matching(matchers, SCORE_LABELS, args);
    scan("scores", "SELECT ts_ms, name, value, source, request_id, trace_id, service, deployment, model,"
        + " model_version FROM scores WHERE " + where,
        ps -> {
          ps.setLong(1, fromMillis);
          ps.setLong(2, toMillis);
          bind(ps, 3, args);
        },
        rs -> new Score(rs.getLong("ts_ms"), rs.getString("name"), rs.getDouble("value"),
            ScoreSource.parse("source", rs.getString("source")), rs.getString("request_id"),
            rs.getString("trace_id"), null, key(rs)),
        sink);
  }

  @Override
  public long attachScores(long sinceMillis) {
    long[] attached = new long[1];
    // The newest inference of each id, its key columns together (arg_max of one struct), so the
    // four never come from two different rows.
    String update = "UPDATE scores AS s SET service = i.k.service, deployment = i.k.deployment, model = i.k.model,"
        + " model_version = i.k.model_version"
        + " FROM (SELECT %1$s AS id, arg_max(struct_pack(service, deployment, model, model_version), ts_ms) AS k"
        + "   FROM inferences WHERE ts_ms >= ? AND %1$s IN"
        + "     (SELECT %1$s FROM scores WHERE deployment IS NULL AND ts_ms >= ? AND %1$s IS NOT NULL)"
        + "   GROUP BY %1$s) AS i"
        + " WHERE s.deployment IS NULL AND s.ts_ms >= ? AND s.%1$s = i.id";
    writer.run((c, ids) -> {
      for (String column : List.of("request_id", "trace_id")) {
        try (PreparedStatement ps = c.prepareStatement(String.format(update, column))) {
          // An inference may be older than its score by the lookback, never newer by much.
          ps.setLong(1, sinceMillis - SCORE_LOOKBACK_MILLIS);
          ps.setLong(2, sinceMillis);
          ps.setLong(3, sinceMillis);
          attached[0] += ps.executeUpdate();
        }
      }
      return () -> {};
    });
    return attached[0];
  }

  /** How much older than its score the inference it judges may be, for {@link #attachScores}. */
  static final long SCORE_LOOKBACK_MILLIS = 7 * 24 * 3_600_000L;

  private static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  /** SQL conditions for label matchers on columns; a matcher on another label sees "" as Prometheus does. */
  private static String matching(List<LabelMatcher> matchers, List<String> columns, List<Object> args) {
    StringBuilder where = new StringBuilder();
    for (LabelMatcher m : matchers) {
      if (!columns.contains(m.name())) {
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
    return where.toString();
  }

  private static int bind(PreparedStatement ps, int i, List<Object> args) throws SQLException {
    for (Object a : args) {
      if (a instanceof Long l) ps.setLong(i++, l); else ps.setString(i++, (String) a);
    }
    return i;
  }

  @Override
  public List<Sample> samples(String name, long fromMillis, long toMillis, int limit) {
    return query("samples", "SELECT s.ts_ms, r.name, r.labels, s.value FROM samples s JOIN series r ON r.id = s.series_id"
            + " WHERE r.name = ? AND s.ts_ms >= ? AND s.ts_ms < ? ORDER BY s.ts_ms LIMIT ?",
        ps -> {
          ps.setString(1, name);
          ps.setLong(2, fromMillis);
          ps.setLong(3, toMillis);
          ps.setInt(4, limit);
        },
        sampleRows());
  }

  /**
   * Reads samples, each series' labels parsed once per query: a series' rows all hold the same
   * JSON, and parsing it per row was most of a long range's read.
   */
  private static RowMapper<Sample> sampleRows() {
    Map<String, SortedLabels> parsed = new HashMap<>();
    return rs -> new Sample(rs.getString("name"),
        parsed.computeIfAbsent(rs.getString("labels"), json -> SortedLabels.copyOf(stringMap(json))),
        rs.getLong("ts_ms"), rs.getDouble("value"));
  }

  @Override
  public List<Sample> samplesAtSteps(String name, long start, long end, long step, long lookback, int limit) {
    if (step <= 0) throw new IllegalArgumentException("step must be positive: " + step);
    // Bucket 0 is (start - lookback, start]; bucket k is (start + (k-1)·step, start + k·step].
    // DuckDB groups and picks the newest per bucket, so only those rows cross JDBC and get their
    // labels parsed. With steps longer than the lookback, a sample further than the lookback from
    // the next step is never picked: those are left out before grouping.
    String nearAStep = step > lookback ? " AND ((? - ts_ms) % ? + ?) % ? < ?" : "";
    return query("samples", "SELECT x.ts_ms, r.name, r.labels, x.value FROM (SELECT series_id, max(ts_ms) AS ts_ms,"
            + " arg_max(value, ts_ms) AS value FROM samples"
            + " WHERE series_id IN (SELECT id FROM series WHERE name = ?) AND ts_ms > ? AND ts_ms <= ?" + nearAStep
            + " GROUP BY series_id, CASE WHEN ts_ms <= ? THEN 0 ELSE (ts_ms - ? + ? - 1) // ? END) x"
            + " JOIN series r ON r.id = x.series_id ORDER BY x.ts_ms, x.series_id LIMIT ?",
        ps -> {
          int i = 0;
          ps.setString(++i, name);
          ps.setLong(++i, start - lookback);
          ps.setLong(++i, end);
          if (step > lookback) {
            ps.setLong(++i, start);
            ps.setLong(++i, step);
            ps.setLong(++i, step);
            ps.setLong(++i, step);
            ps.setLong(++i, lookback);
          }
          ps.setLong(++i, start);
          ps.setLong(++i, start);
          ps.setLong(++i, step);
          ps.setLong(++i, step);
          ps.setInt(++i, limit);
        },
        sampleRows());
  }

  @Override
  public List<Sample> samplesByNamePrefix(List<String> prefixes, long fromMillis, long toMillis, int limit) {
    if (prefixes.isEmpty()) return List.of();
    String any = String.join(" OR ", java.util.Collections.nCopies(prefixes.size(), "starts_with(r.name, ?)"));
    return query("samples", "SELECT s.ts_ms, r.name, r.labels, s.value FROM samples s JOIN series r ON r.id = s.series_id"
            + " WHERE s.ts_ms >= ? AND s.ts_ms < ? AND (" + any + ") ORDER BY s.ts_ms LIMIT ?",
        ps -> {
          ps.setLong(1, fromMillis);
          ps.setLong(2, toMillis);
          for (int i = 0; i < prefixes.size(); i++) ps.setString(3 + i, prefixes.get(i));
          ps.setInt(3 + prefixes.size(), limit);
        },
        sampleRows());
  }

  @Override
  public List<Span> spans(String traceId) {
    return query("spans", "SELECT * FROM spans WHERE trace_id = ? ORDER BY start_ns, span_id",
        ps -> ps.setString(1, traceId), DuckDbStore::span);
  }

  @Override
  public List<Span> spansBetween(long fromMillis, long toMillis, int limit) {
    return query("spans", "SELECT * FROM spans WHERE ts_ms >= ? AND ts_ms < ? ORDER BY start_ns, span_id LIMIT ?",
        range(fromMillis, toMillis, limit), DuckDbStore::span);
  }

  private static Span span(java.sql.ResultSet rs) throws SQLException {
    return new Span(rs.getString("trace_id"), rs.getString("span_id"), rs.getString("parent_span_id"),
        rs.getString("name"), rs.getLong("start_ns"), rs.getLong("end_ns"), rs.getString("status"),
        valueMap(rs.getString("attributes")), valueMap(rs.getString("resource")));
  }

  @Override
  public List<PipelineRun> pipelineRuns(long fromMillis, long toMillis, int limit) {
    return query("pipeline_runs", "SELECT * FROM pipeline_runs WHERE ts_ms >= ? AND ts_ms < ?"
            + " ORDER BY ts_ms, pipeline LIMIT ?",
        range(fromMillis, toMillis, limit),
        rs -> new PipelineRun(rs.getString("pipeline"), rs.getBoolean("success"), rs.getLong("ts_ms"),
            rs.getLong("finished_ms"), nullableLong(rs, "rows_in"), nullableLong(rs, "rows_out"),
            nullableLong(rs, "bytes"), checks(rs.getString("checks")), rs.getString("error")));
  }

  private static final TypeReference<List<Map<String, Object>>> CHECK_LIST = new TypeReference<>() {};

  /** The stored JSON array of checks; a row that holds anything else is unreadable. */
  private static List<PipelineRun.Check> checks(String json) {
    List<Map<String, Object>> raw;
    try {
      raw = RowAppender.JSON.readValue(json, CHECK_LIST);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("stored checks are not a JSON array: " + e.getMessage(), e);
    }
    List<PipelineRun.Check> out = new ArrayList<>(raw.size());
    for (Map<String, Object> c : raw) {
      Object value = c.get("value");
      out.add(new PipelineRun.Check((String) c.get("name"), Boolean.TRUE.equals(c.get("passed")),
          value == null ? null : ((Number) value).doubleValue()));
    }
    return out;
  }

  @Override
  public long count(RecordType type) {
    return query(table(type), "SELECT count(*) FROM " + table(type), ps -> {}, rs -> rs.getLong(1)).get(0);
  }

  @Override
  public long deleteOlderThan(RecordType type, long cutoffMillis) {
    String column = type == RecordType.ROLLUP ? "minute_ms" : "ts_ms";
    long[] deleted = new long[1];
    writer.run((c, ids) -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table(type) + " WHERE " + column + " < ?")) {
        ps.setLong(1, cutoffMillis);
        deleted[0] = ps.executeUpdate();
      }
      return type == RecordType.SAMPLE && deleted[0] > 0 ? ids.deleteUnused(c) : () -> {};
    });
    return deleted[0];
  }

  @Override
  public Map<String, Long> unreadableRows() {
    Map<String, Long> out = new java.util.TreeMap<>();
    unreadable.forEach((table, n) -> out.put(table, n.sum()));
    return out;
  }

  @Override
  public int schemaVersion() {
    return schemaVersion;
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    writer.close();
    dbLock.writeLock().lock();
    try {
      closed = true;
      if (db != null) db.close();
      db = null;
    } catch (SQLException e) {
      throw failure("closing", e);
    } finally {
      dbLock.writeLock().unlock();
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
      case PIPELINE_RUN -> "pipeline_runs";
    };
  }

  // --- plumbing -------------------------------------------------------------------------------

  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /**
   * Runs a query on its own connection, held open under the shared lock. A row that no longer
   * makes a valid record (written by an older version, or damaged) is skipped and counted: a read,
   * and so a start, never fails on data already stored.
   */
  <T> List<T> query(String table, String sql, Binder binder, RowMapper<T> mapper) {
    List<T> out = new ArrayList<>();
    scan(table, sql, binder, mapper, out::add);
    return out;
  }

  /** {@link #query}, handing each row to {@code sink} as it is read instead of collecting them. */
  private <T> void scan(String table, String sql, Binder binder, RowMapper<T> mapper, Consumer<T> sink) {
    dbLock.readLock().lock();
    try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      long skipped = 0;
      RuntimeException first = null;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          T row;
          try {
            row = mapper.map(rs);
          } catch (RuntimeException invalid) {
            skipped++;
            if (first == null) first = invalid;
            continue;
          }
          sink.accept(row);
        }
      }
      if (skipped > 0) unreadable(table, skipped, first);
    } catch (SQLException e) {
      throw failure("querying", e);
    } finally {
      dbLock.readLock().unlock();
    }
  }


  /** Counts skipped rows; logs once per table and start, as a row is read again by every query. */
  private void unreadable(String table, long rows, RuntimeException first) {
    boolean firstTime = !unreadable.containsKey(table);
    unreadable.computeIfAbsent(table, t -> new LongAdder()).add(rows);
    if (firstTime) {
      LOG.warn("skipped {} unreadable stored rows of table {} (first: {}); later ones are only counted in"
          + " loupe_store_unreadable_rows_total", rows, table, first.getMessage());
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

  /** The stored JSON object; a row that holds anything else is unreadable. */
  static Map<String, String> stringMap(String json) {
    try {
      return RowAppender.JSON.readValue(json, STRING_MAP);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("stored attributes are not a JSON object: " + e.getMessage(), e);
    }
  }

  /**
   * Span attributes with their types, as JSON keeps them; rows written before spans kept types hold
   * only strings, and read back as strings. A row that holds anything else is unreadable.
   */
  static Map<String, Object> valueMap(String json) {
    try {
      return VALUE_MAP.readValue(json);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("stored attributes are not a JSON object: " + e.getMessage(), e);
    }
  }

  private static IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException("store failed " + what + ": " + e.getMessage(), e);
  }
}
