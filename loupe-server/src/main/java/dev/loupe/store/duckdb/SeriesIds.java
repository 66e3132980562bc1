package dev.loupe.store.duckdb;

import dev.loupe.model.Sample;
import dev.loupe.model.SortedLabels;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The id of every metric series (name plus labels) in the {@code series} table, so a sample row
 * is a timestamp, an id and a value instead of repeating its labels: like a TSDB's series index.
 * Ids assigned while appending a group become visible only when the group commits, so a rolled
 * back group never leaves an id pointing at no row.
 */
final class SeriesIds {
  /** A series' identity; labels are a {@link SortedLabels}, whose hash is computed once. */
  record Key(String name, Map<String, String> labels) {}

  private final Map<Key, Long> committed = new ConcurrentHashMap<>();
  private long next;

  private SeriesIds(long next) {
    this.next = next;
  }

  /** Reads the index; a row whose labels cannot be read is passed to {@code unreadable} and left out. */
  static SeriesIds load(Connection conn, java.util.function.Consumer<RuntimeException> unreadable) throws SQLException {
    SeriesIds ids;
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT coalesce(max(id), 0) + 1 FROM series")) {
      rs.next();
      ids = new SeriesIds(rs.getLong(1));
    }
    try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT id, name, labels FROM series")) {
      while (rs.next()) {
        try {
          ids.committed.put(new Key(rs.getString(2), SortedLabels.copyOf(DuckDbStore.stringMap(rs.getString(3)))),
              rs.getLong(1));
        } catch (RuntimeException e) {
          unreadable.accept(e);
        }
      }
    }
    return ids;
  }

  /**
   * Deletes the series no sample refers to any more (retention removed their last sample); the
   * returned action forgets their ids once that committed, so churned series (pods that came and went) do not pile up. Runs on the
   * writer thread, between groups, so no group holds an id being forgotten.
   */
  Runnable deleteUnused(Connection conn) throws SQLException {
    java.util.Set<Long> deleted = new java.util.HashSet<>();
    try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(
        "DELETE FROM series WHERE NOT EXISTS (SELECT 1 FROM samples WHERE samples.series_id = series.id) RETURNING id")) {
      while (rs.next()) deleted.add(rs.getLong(1));
    }
    // Forgotten only once the delete committed: a rolled back delete keeps its rows and their ids.
    return () -> {
      if (!deleted.isEmpty()) committed.values().removeIf(deleted::contains);
    };
  }

  int size() {
    return committed.size();
  }

  /** Assignments of one group: read through to the committed ids, new ones held until publish. */
  final class Group {
    final Map<Key, Long> fresh = new LinkedHashMap<>();

    long id(Sample s) {
      Key k = new Key(s.name(), s.labels());
      Long id = committed.get(k);
      if (id == null) id = fresh.computeIfAbsent(k, x -> next + fresh.size());
      return id;
    }

    /** The group committed: its new series are now known. */
    void publish() {
      committed.putAll(fresh);
      next += fresh.size();
    }
  }

  Group group() {
    return new Group();
  }
}
