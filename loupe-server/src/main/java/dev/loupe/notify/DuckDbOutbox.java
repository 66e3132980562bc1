package dev.loupe.notify;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The outbox as a small DuckDB file of its own ({@code outbox.duckdb} in the data dir), apart
 * from the record store: its writes are a handful a minute and must never queue behind ingest's
 * group commits, nor ingest behind them. Each call is one auto-committed statement, durable in
 * DuckDB's write-ahead log when it returns. One process owns the file, so ids come from a counter.
 */
final class DuckDbOutbox implements Outbox {
  static final String FILE_NAME = "outbox.duckdb";

  private final Connection db;
  private long nextId;

  private DuckDbOutbox(Connection db) throws SQLException {
    this.db = db;
    try (Statement s = db.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS outbox (id BIGINT PRIMARY KEY, notifier VARCHAR NOT NULL,"
          + " body VARCHAR NOT NULL, created_at_ms BIGINT NOT NULL, attempts INTEGER NOT NULL,"
          + " next_attempt_ms BIGINT NOT NULL)");
      try (ResultSet r = s.executeQuery("SELECT coalesce(max(id), 0) FROM outbox")) {
        r.next();
        nextId = r.getLong(1) + 1;
      }
    }
  }

  /** Opens (or creates) the outbox in {@code dataDir}. */
  static DuckDbOutbox open(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      return new DuckDbOutbox(DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath()));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open the notification outbox " + file.toAbsolutePath() + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public synchronized long add(String notifier, String body, long nowMillis) {
    long id = nextId;
    try (PreparedStatement ps = db.prepareStatement("INSERT INTO outbox VALUES (?, ?, ?, ?, 0, ?)")) {
      ps.setLong(1, id);
      ps.setString(2, notifier);
      ps.setString(3, body);
      ps.setLong(4, nowMillis);
      ps.setLong(5, nowMillis);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot queue a notification for " + notifier + ": " + e.getMessage(), e);
    }
    nextId++;
    return id;
  }

  @Override
  public synchronized Optional<QueuedNotification> head(String notifier) {
    try (PreparedStatement ps = db.prepareStatement(
        "SELECT id, body, created_at_ms, attempts, next_attempt_ms FROM outbox WHERE notifier = ? ORDER BY id LIMIT 1")) {
      ps.setString(1, notifier);
      try (ResultSet r = ps.executeQuery()) {
        if (!r.next()) return Optional.empty();
        return Optional.of(new QueuedNotification(
            r.getLong(1), notifier, r.getString(2), r.getLong(3), r.getInt(4), r.getLong(5)));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the notification outbox: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void retryLater(long id, int attempts, long nextAttemptMillis) {
    update("UPDATE outbox SET attempts = ?, next_attempt_ms = ? WHERE id = ?", attempts, nextAttemptMillis, id);
  }

  @Override
  public synchronized void remove(long id) {
    update("DELETE FROM outbox WHERE id = ?", id);
  }

  @Override
  public synchronized java.util.Set<String> notifiers() {
    java.util.Set<String> out = new java.util.TreeSet<>();
    try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT DISTINCT notifier FROM outbox")) {
      while (r.next()) out.add(r.getString(1));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the notification outbox: " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public synchronized int removeAll(String notifier) {
    try (PreparedStatement ps = db.prepareStatement("DELETE FROM outbox WHERE notifier = ?")) {
      ps.setString(1, notifier);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot update the notification outbox: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized int size() {
    try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM outbox")) {
      r.next();
      return r.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the notification outbox: " + e.getMessage(), e);
    }
  }

  private void update(String sql, long... values) {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) ps.setLong(i + 1, values[i]);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot update the notification outbox: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot close the notification outbox: " + e.getMessage(), e);
    }
  }
}
