package dev.loupe.store.duckdb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.loupe.model.Dimension;
import dev.loupe.model.Severity;
import dev.loupe.store.SecurityRecords;
import dev.loupe.store.StoredFinding;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The security detectors' tables in the store's DuckDB file (migration 6): writes go through the
 * store's writer, each call one transaction; reads on their own connections, as every read.
 */
final class DuckDbSecurityRecords implements SecurityRecords {
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final long MINUTE = 60_000;

  private final GroupCommitWriter writer;
  private final DuckDbStore reads;

  DuckDbSecurityRecords(GroupCommitWriter writer, DuckDbStore reads) {
    this.writer = writer;
    this.reads = reads;
  }

  @Override
  public List<StoredFinding> appendFindings(List<StoredFinding> findings) {
    if (findings.isEmpty()) return List.of();
    List<StoredFinding> added = new ArrayList<>();
    writer.run((c, ids) -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
          + " ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
        for (StoredFinding f : findings) {
          StoredFinding.Subject s = f.subject();
          int i = 1;
          ps.setString(i++, f.id());
          ps.setLong(i++, f.timeMillis());
          ps.setString(i++, f.dimension().wireName());
          ps.setString(i++, f.kind());
          ps.setString(i++, f.severity().name().toLowerCase(Locale.ROOT));
          ps.setString(i++, f.reason());
          for (String v : new String[] {s.service(), s.deployment(), s.keyHash(), s.tenant(), s.user(), s.traceId(),
              s.requestId(), s.spanId()}) {
            ps.setString(i++, v);
          }
          ps.setString(i, json(f.evidence()));
          if (ps.executeUpdate() > 0) added.add(f);
        }
      }
      return () -> {};
    });
    return added;
  }

  @Override
  public List<StoredFinding> findings(FindingQuery q) {
    StringBuilder where = new StringBuilder("ts_ms >= ? AND ts_ms < ?");
    List<String> args = new ArrayList<>();
    filter(where, args, "dimension", q.dimension());
    filter(where, args, "kind", q.kind());
    filter(where, args, "deployment", q.deployment());
    filter(where, args, "api_key_hash", q.keyHash());
    filter(where, args, "tenant", q.tenant());
    String sql = "SELECT * FROM findings WHERE " + where
        + " ORDER BY CASE severity WHEN 'critical' THEN 0 ELSE 1 END, ts_ms DESC, id LIMIT ?";
    return reads.query("findings", sql, ps -> {
      int i = 1;
      ps.setLong(i++, q.fromMillis());
      ps.setLong(i++, q.toMillis());
      for (String a : args) ps.setString(i++, a);
      ps.setInt(i, q.limit());
    }, DuckDbSecurityRecords::finding);
  }

  @Override
  public List<FindingCount> findingCounts(long fromMillis, long toMillis) {
    return reads.query("findings", "SELECT (ts_ms // 60000) * 60000 AS minute, kind, severity, deployment,"
        + " api_key_hash, user_id, tenant, service, count(*) AS n FROM findings WHERE ts_ms >= ? AND ts_ms < ?"
        + " GROUP BY ALL ORDER BY minute", ps -> {
          ps.setLong(1, fromMillis);
          ps.setLong(2, toMillis);
        }, rs -> {
          StoredFinding.Subject s = new StoredFinding.Subject(rs.getString("service"), rs.getString("deployment"),
              rs.getString("api_key_hash"), rs.getString("tenant"), rs.getString("user_id"), null, null, null);
          return new FindingCount(rs.getLong("minute"), rs.getString("kind"), severity(rs.getString("severity")),
              s.deployment(), s.keyHash(), s.user(), s.tenant(), s.describe(), rs.getLong("n"));
        });
  }

  @Override
  public void addScanCounts(List<ScanCount> counts) {
    if (counts.isEmpty()) return;
    writer.run((c, ids) -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO security_scans VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (minute_ms, deployment) DO UPDATE SET scanned = scanned + excluded.scanned,"
          + " injections = injections + excluded.injections")) {
        for (ScanCount n : counts) {
          ps.setLong(1, Math.floorDiv(n.minuteMillis(), MINUTE) * MINUTE);
          ps.setString(2, n.deployment());
          ps.setLong(3, n.scanned());
          ps.setLong(4, n.injections());
          ps.executeUpdate();
        }
      }
      return () -> {};
    });
  }

  @Override
  public List<ScanCount> scanCounts(long fromMillis, long toMillis) {
    return reads.query("security_scans", "SELECT * FROM security_scans WHERE minute_ms >= ? AND minute_ms < ?"
        + " ORDER BY minute_ms, deployment", ps -> {
          ps.setLong(1, fromMillis);
          ps.setLong(2, toMillis);
        }, rs -> new ScanCount(rs.getLong("minute_ms"), rs.getString("deployment"), rs.getLong("scanned"),
            rs.getLong("injections")));
  }

  @Override
  public long lastScanMinute() {
    List<Long> last = reads.query("security_scans", "SELECT coalesce(max(minute_ms), 0) FROM security_scans",
        ps -> { }, rs -> rs.getLong(1));
    return last.isEmpty() ? 0 : last.get(0);
  }

  @Override
  public void upsertUsage(List<Usage> usage) {
    if (usage.isEmpty()) return;
    writer.run((c, ids) -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO usage_hours VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        for (Usage u : usage) {
          ps.setLong(1, u.hourMillis());
          ps.setString(2, u.subjectKind());
          ps.setString(3, u.subject());
          ps.setLong(4, u.requests());
          ps.setLong(5, u.tokens());
          ps.setLong(6, u.throttled());
          ps.setDouble(7, u.cost());
          ps.executeUpdate();
        }
      }
      return () -> {};
    });
  }

  @Override
  public List<Usage> usage(long fromMillis, long toMillis) {
    return reads.query("usage_hours", "SELECT * FROM usage_hours WHERE hour_ms >= ? AND hour_ms < ?"
        + " ORDER BY hour_ms, subject_kind, subject", ps -> {
          ps.setLong(1, fromMillis);
          ps.setLong(2, toMillis);
        }, rs -> new Usage(rs.getLong("hour_ms"), rs.getString("subject_kind"), rs.getString("subject"),
            rs.getLong("requests"), rs.getLong("tokens"), rs.getLong("throttled"), rs.getDouble("cost")));
  }

  @Override
  public Map<String, String> states(String kind) {
    Map<String, String> out = new TreeMap<>();
    for (String[] row : reads.query("detector_state", "SELECT subject, state FROM detector_state WHERE kind = ?",
        ps -> ps.setString(1, kind), rs -> new String[] {rs.getString(1), rs.getString(2)})) {
      out.put(row[0], row[1]);
    }
    return out;
  }

  @Override
  public void saveStates(String kind, Map<String, String> states, long nowMillis) {
    if (states.isEmpty()) return;
    writer.run((c, ids) -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO detector_state VALUES (?, ?, ?, ?)")) {
        for (Map.Entry<String, String> e : states.entrySet()) {
          ps.setString(1, kind);
          ps.setString(2, e.getKey());
          ps.setString(3, e.getValue());
          ps.setLong(4, nowMillis);
          ps.executeUpdate();
        }
      }
      return () -> {};
    });
  }

  @Override
  public long deleteOlderThan(long cutoffMillis) {
    long[] deleted = new long[1];
    writer.run((c, ids) -> {
      for (String sql : List.of("DELETE FROM findings WHERE ts_ms < ?", "DELETE FROM security_scans WHERE minute_ms < ?",
          "DELETE FROM usage_hours WHERE hour_ms < ?")) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setLong(1, cutoffMillis);
          deleted[0] += ps.executeUpdate();
        }
      }
      return () -> {};
    });
    return deleted[0];
  }

  private static void filter(StringBuilder where, List<String> args, String column, String value) {
    if (value == null) return;
    where.append(" AND ").append(column).append(" = ?");
    args.add(value);
  }

  private static StoredFinding finding(ResultSet rs) throws SQLException {
    StoredFinding.Subject s = new StoredFinding.Subject(rs.getString("service"), rs.getString("deployment"),
        rs.getString("api_key_hash"), rs.getString("tenant"), rs.getString("user_id"), rs.getString("trace_id"),
        rs.getString("request_id"), rs.getString("span_id"));
    Map<String, String> evidence;
    try {
      evidence = RowAppender.JSON.readValue(rs.getString("evidence"), STRING_MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("evidence is not a JSON object of strings", e);
    }
    return new StoredFinding(rs.getString("id"), rs.getLong("ts_ms"),
        Dimension.valueOf(rs.getString("dimension").toUpperCase(Locale.ROOT)), rs.getString("kind"),
        severity(rs.getString("severity")), rs.getString("reason"), s, evidence);
  }

  private static Severity severity(String s) {
    return Severity.valueOf(s.toUpperCase(Locale.ROOT));
  }

  private static String json(Map<String, String> evidence) {
    try {
      return RowAppender.JSON.writeValueAsString(evidence);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("evidence cannot be written as JSON", e);
    }
  }
}
