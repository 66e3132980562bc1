package dev.loupe.store.duckdb;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A second DuckDB file, attached beside the store, that takes the writer's groups while the
 * store's own file checkpoints. DuckDB 1.4 holds every writer of a table for as long as a
 * checkpoint writes it (seconds for a large WAL); a commit to another attached database does not
 * wait, so acknowledgements go on while the checkpoint runs. Afterwards the spilled rows are moved
 * into the store in small transactions between groups, and the spill is emptied.
 *
 * <p>Crash safety: a spill commit is as durable as a store commit (its own WAL). Each move
 * transaction also records, in the store, how far into that spill table it moved
 * ({@code spill_moves}), so a move interrupted by a crash resumes where it stopped and never
 * copies a row twice; {@link #recover} finishes it when the store opens. Rows are addressed by
 * {@code rowid}, which only grows while rows are appended, and the spill is only appended to
 * while a checkpoint runs, never while it is being moved. Spilled rows are visible to readers once
 * moved (a few seconds after their acknowledgement at most).
 */
final class CheckpointSpill {
  /** The spill's catalog name in the store's DuckDB instance. */
  static final String CATALOG = "loupe_spill";
  /** The tables the writer appends to, in the order they are moved. */
  static final List<String> TABLES =
      List.of("series", "samples", "spans", "inferences", "logs", "deployments", "scores", "pipeline_runs");
  /** Rows per move transaction: small enough that a group waiting behind one waits a few ms. */
  static final long MOVE_CHUNK_ROWS = 16_384;

  private final String store;
  /** The spill's generation: incremented each time it is emptied, so move records never mix two. */
  private long generation;
  /** The move in progress: per table, the next rowid to move and the end; null when none. */
  private Map<String, long[]> moving;
  /**
   * Per table, the end of what spill commits that succeeded wrote (null when not spilling). A
   * failed commit can leave its rows in the spill's WAL (a checkpoint failing on a full disk takes
   * the whole instance down mid-commit); the caller answered it as failed, so they are dropped.
   */
  private Map<String, Long> committedEnds;

  private CheckpointSpill(String store) {
    this.store = store;
  }

  /** The spill file of a store file. */
  static Path file(Path storeFile) {
    return storeFile.resolveSibling(storeFile.getFileName() + ".spill");
  }

  /** The SQL that attaches the spill file to a connection of the store's instance. */
  static String attach(Path storeFile) {
    return "ATTACH IF NOT EXISTS '" + file(storeFile).toAbsolutePath().toString().replace("'", "''") + "' AS " + CATALOG;
  }

  /**
   * Moves whatever an earlier run left in the spill into the store (resuming an interrupted move),
   * then empties it and shapes its tables like the store's current ones. Runs with autocommit on,
   * before any write.
   */
  static CheckpointSpill recover(Connection conn) throws SQLException {
    return recover(conn, null);
  }

  /**
   * {@link #recover(Connection)} after a failed write: spilled rows past {@code committedEnds}
   * (per table; null keeps all) belong to commits answered as failed and are dropped first.
   */
  static CheckpointSpill recover(Connection conn, Map<String, Long> committedEnds) throws SQLException {
    boolean autoCommit = conn.getAutoCommit();
    conn.setAutoCommit(false);
    try {
      String store;
      try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT current_database()")) {
        rs.next();
        store = rs.getString(1);
      }
      CheckpointSpill spill = new CheckpointSpill(store);
      execute(conn, "CREATE TABLE IF NOT EXISTS " + CATALOG + ".spill_state (generation BIGINT NOT NULL)");
      conn.commit();
      execute(conn, "CREATE TABLE IF NOT EXISTS " + q(store) + ".main.spill_moves"
          + " (generation BIGINT NOT NULL, table_name VARCHAR NOT NULL, moved_below BIGINT NOT NULL)");
      conn.commit();
      spill.generation = longQuery(conn, "SELECT coalesce(max(generation), 0) FROM " + CATALOG + ".spill_state");
      List<String> present = new ArrayList<>();
      try (ResultSet rs = conn.getMetaData().getTables(CATALOG, "main", "%", null)) {
        while (rs.next()) present.add(rs.getString("TABLE_NAME"));
      }
      if (committedEnds != null) {
        try (Statement s = conn.createStatement()) {
          for (var e : committedEnds.entrySet()) {
            s.execute("DELETE FROM " + CATALOG + "." + e.getKey() + " WHERE rowid >= " + e.getValue());
          }
        }
        conn.commit();
      }
      // One transaction moves every leftover row and records it: the store then holds them all.
      for (String t : TABLES) {
        if (!present.contains(t)) continue;
        long from = spill.movedBelow(conn, t);
        long end = longQuery(conn, "SELECT coalesce(max(rowid) + 1, 0) FROM " + CATALOG + "." + t);
        if (end > from) spill.copy(conn, t, from, end);
      }
      conn.commit();
      // Then the spill is reshaped (a migration may have changed a table) and its generation moves on.
      try (Statement s = conn.createStatement()) {
        for (String t : TABLES) {
          s.execute("DROP TABLE IF EXISTS " + CATALOG + "." + t);
          s.execute("CREATE TABLE " + CATALOG + "." + t + " AS SELECT * FROM " + q(store) + ".main." + t + " LIMIT 0");
        }
        s.execute("DELETE FROM " + CATALOG + ".spill_state");
        s.execute("INSERT INTO " + CATALOG + ".spill_state VALUES (" + (spill.generation + 1) + ")");
      }
      conn.commit();
      spill.generation++;
      execute(conn, "DELETE FROM " + q(store) + ".main.spill_moves WHERE generation < " + spill.generation);
      conn.commit();
      return spill;
    } catch (SQLException | RuntimeException e) {
      try {
        conn.rollback();
      } catch (SQLException ignored) {
        // the failure above is the one to report
      }
      throw e;
    } finally {
      conn.setAutoCommit(autoCommit);
    }
  }

  /** The store's catalog name. */
  String store() {
    return store;
  }

  /** Spill commits start: notes where the spill's tables end. */
  void startSpilling(Connection conn) throws SQLException {
    committedEnds = ends(conn);
  }

  /**
   * A spill commit succeeded: its rows are acknowledged ones. Read after the commit (rows of an
   * open transaction have provisional row ids); if the read fails the ends are unknown and a
   * recovery keeps every spilled row, since an acknowledged row must never be dropped.
   */
  void spillCommitted(Connection conn) {
    try {
      committedEnds = ends(conn);
    } catch (SQLException | RuntimeException e) {
      committedEnds = null;
    }
  }

  /** Where the spill's tables ended after the last commit that succeeded; null when not spilling. */
  Map<String, Long> committedEnds() {
    return committedEnds;
  }

  private static Map<String, Long> ends(Connection conn) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 0; i < TABLES.size(); i++) {
      if (i > 0) sql.append(", ");
      sql.append("(SELECT coalesce(max(rowid) + 1, 0) FROM ").append(CATALOG).append('.').append(TABLES.get(i)).append(')');
    }
    Map<String, Long> out = new HashMap<>();
    try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
      rs.next();
      for (int i = 0; i < TABLES.size(); i++) out.put(TABLES.get(i), rs.getLong(i + 1));
    }
    return out;
  }

  /** Starts moving what the writer spilled; the writer then appends to the store again. */
  void startMove(Connection conn) throws SQLException {
    committedEnds = null;
    moving = new HashMap<>();
    for (String t : TABLES) {
      long end = longQuery(conn, "SELECT coalesce(max(rowid) + 1, 0) FROM " + CATALOG + "." + t);
      moving.put(t, new long[] {movedBelow(conn, t), end});
    }
  }

  /** A move is under way. */
  boolean moving() {
    return moving != null;
  }

  /**
   * Moves up to {@link #MOVE_CHUNK_ROWS} rows inside the caller's open transaction on the store
   * (rows and how far they reach, together). Returns false once nothing is left to move.
   */
  boolean moveChunk(Connection conn) throws SQLException {
    for (String t : TABLES) {
      long[] range = moving.get(t);
      if (range[0] >= range[1]) continue;
      long to = Math.min(range[1], range[0] + MOVE_CHUNK_ROWS);
      copy(conn, t, range[0], to);
      range[0] = to; // the caller resets the move if its commit fails
      return true;
    }
    return false;
  }

  /** After a failed move commit: forget the progress, which {@link #recover} reads from the store. */
  void abandonMove() {
    moving = null;
  }

  /** Empties the spill in the caller's transaction (nothing else in it may write the store). */
  void clear(Connection conn) throws SQLException {
    try (Statement s = conn.createStatement()) {
      for (String t : TABLES) s.execute("DELETE FROM " + CATALOG + "." + t);
      s.execute("UPDATE " + CATALOG + ".spill_state SET generation = " + (generation + 1));
    }
  }

  /** The spill was emptied and committed. */
  void cleared() {
    generation++;
    moving = null;
  }

  private void copy(Connection conn, String table, long from, long to) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO " + q(store) + ".main." + table
        + " BY NAME SELECT * FROM " + CATALOG + "." + table + " WHERE rowid >= ? AND rowid < ?")) {
      ps.setLong(1, from);
      ps.setLong(2, to);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = conn.prepareStatement("DELETE FROM " + q(store)
        + ".main.spill_moves WHERE generation = ? AND table_name = ?")) {
      ps.setLong(1, generation);
      ps.setString(2, table);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO " + q(store) + ".main.spill_moves VALUES (?, ?, ?)")) {
      ps.setLong(1, generation);
      ps.setString(2, table);
      ps.setLong(3, to);
      ps.executeUpdate();
    }
  }

  private long movedBelow(Connection conn, String table) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("SELECT coalesce(max(moved_below), 0) FROM " + q(store)
        + ".main.spill_moves WHERE generation = ? AND table_name = ?")) {
      ps.setLong(1, generation);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long longQuery(Connection conn, String sql) throws SQLException {
    try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void execute(Connection conn, String sql) throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.execute(sql);
    }
  }

  /** A quoted identifier. */
  static String q(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
