package dev.loupe.store.duckdb;

import dev.loupe.model.Batch;
import dev.loupe.model.Inference;
import dev.loupe.model.PipelineRun;
import dev.loupe.model.Sample;
import dev.loupe.model.Span;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The identities of stored records, by minute, so the writer drops a re-sent record (an OTLP
 * exporter's or Prometheus's retry of an export whose answer it did not get) instead of storing
 * and counting it twice. A span is (trace id, span id); an inference read from a span is its
 * span's identity, any other inference with a request id is (deployment, request id, time); a sample
 * is (series, timestamp); a pipeline run is (pipeline, start). Records without an identity are
 * always kept.
 *
 * <p>The table is the authority: a minute is loaded from it the first time a record of that
 * minute is seen, and from then on holds every committed identity of that minute (the writer is
 * the only one appending), so the check survives restarts and sees back-filled minutes too.
 * Least recently used minutes are dropped past {@link #MAX_IDENTITIES} per table and loaded again
 * when needed. Identities are kept as 64-bit hashes: two different records of one minute collide
 * with odds of about n/2^64 (n = records that minute), which is the price of 8 bytes an entry.
 * Only the writer thread uses this.
 */
final class RecentIdentities {
  /**
   * Per table, held in memory past the minutes in use (16 to 32 bytes each, so up to 64 MB); the
   * minutes a group touches are kept whatever their size (at 100k records/s a minute is 6 M).
   */
  static final int MAX_IDENTITIES = 2_000_000;

  private static final long MINUTE = 60_000;

  /** The tables whose records have an identity, and how a stored minute of them is read back. */
  enum Table {
    SPANS("SELECT trace_id, span_id FROM %s WHERE ts_ms >= ? AND ts_ms < ?", "spans"),
    INFERENCES("SELECT deployment, request_id, trace_id, span_id, ts_ms FROM %s"
        + " WHERE ts_ms >= ? AND ts_ms < ? AND (span_id IS NOT NULL OR request_id IS NOT NULL)", "inferences"),
    SAMPLES("SELECT series_id, ts_ms FROM %s WHERE ts_ms >= ? AND ts_ms < ?", "samples"),
    PIPELINE_RUNS("SELECT pipeline, ts_ms FROM %s WHERE ts_ms >= ? AND ts_ms < ?", "pipeline_runs");

    /** A minute of the store's table and of the spill's (rows acknowledged during a checkpoint, not yet moved). */
    final String minuteQuery;

    Table(String query, String table) {
      this.minuteQuery = String.format(query, table) + " UNION ALL "
          + String.format(query, CheckpointSpill.CATALOG + "." + table);
    }
  }

  private final Map<Table, LinkedHashMap<Long, LongSet>> minutes = new EnumMap<>(Table.class);
  private final Map<Table, Long> held = new EnumMap<>(Table.class);
  /** Per table, the latest minute a record fell in. */
  private final Map<Table, Long> latest = new EnumMap<>(Table.class);
  private long loads;

  RecentIdentities() {
    for (Table t : Table.values()) {
      minutes.put(t, new LinkedHashMap<>(16, 0.75f, true));
      held.put(t, 0L);
    }
  }

  /** Minutes read from the store so far; for tests. */
  long loads() {
    return loads;
  }

  /**
   * Whether, for a table that has had records, the minute after the latest one its records fell
   * in is not held yet. The writer reads it ({@link #loadNextMinutes}) between groups while the
   * store does not checkpoint: a read of
   * the store waits for its checkpoint to end (seconds), so the group that first reaches a new
   * minute while the store checkpoints must find that minute held. From here on the minute stays
   * complete, since every later write goes through this writer. This says whether one is missing.
   */
  boolean nextMinutesMissing() {
    for (Map.Entry<Table, Long> e : latest.entrySet()) {
      if (!minutes.get(e.getKey()).containsKey(e.getValue() + MINUTE)) return true;
    }
    return false;
  }

  /** Reads the minutes {@link #nextMinutesMissing} finds missing; returns whether it read any. */
  boolean loadNextMinutes(Connection conn) throws SQLException {
    Group g = new Group(conn);
    boolean read = false;
    for (Map.Entry<Table, Long> e : latest.entrySet()) {
      long next = e.getValue() + MINUTE;
      if (!minutes.get(e.getKey()).containsKey(next)) {
        g.stored(e.getKey(), next);
        read = true;
      }
    }
    return read;
  }

  Group group(Connection conn) {
    return new Group(conn);
  }

  /** What one commit group adds; known to later groups only once it committed ({@link #publish}). */
  final class Group {
    private final Connection conn;
    private final Map<Table, Map<Long, LongSet>> added = new EnumMap<>(Table.class);
    /** Minutes this group read; never dropped while it runs, or two busy minutes would evict each other per record. */
    private final Map<Table, java.util.Set<Long>> touched = new EnumMap<>(Table.class);

    private Group(Connection conn) {
      this.conn = conn;
    }

    /** The records of {@code batch} that are neither stored already nor earlier in this group. */
    Batch keepNew(Batch batch, SeriesIds.Group series) throws SQLException {
      List<Span> spans = new ArrayList<>(batch.spans().size());
      for (Span s : batch.spans()) {
        if (isNew(Table.SPANS, s.startNanos() / 1_000_000, hash("s", s.traceId(), s.spanId()))) spans.add(s);
      }
      List<Inference> inferences = new ArrayList<>(batch.inferences().size());
      for (Inference i : batch.inferences()) {
        Long id = identity(i.key().deployment(), i.requestId(), i.traceId(), i.spanId(), i.timestampMillis());
        if (id == null || isNew(Table.INFERENCES, i.timestampMillis(), id)) inferences.add(i);
      }
      List<Sample> samples = new ArrayList<>(batch.samples().size());
      for (Sample s : batch.samples()) {
        if (isNew(Table.SAMPLES, s.timestampMillis(), sampleHash(series.id(s), s.timestampMillis()))) samples.add(s);
      }
      List<PipelineRun> runs = new ArrayList<>(batch.pipelineRuns().size());
      for (PipelineRun r : batch.pipelineRuns()) {
        if (isNew(Table.PIPELINE_RUNS, r.startedAtMillis(), runHash(r.pipeline(), r.startedAtMillis()))) runs.add(r);
      }
      if (spans.size() == batch.spans().size() && inferences.size() == batch.inferences().size()
          && samples.size() == batch.samples().size() && runs.size() == batch.pipelineRuns().size()) {
        return batch;
      }
      return new Batch(inferences, batch.logs(), batch.deployments(), batch.scores(), samples, spans, batch.contexts(),
          runs);
    }

    private boolean isNew(Table table, long tsMillis, long id) throws SQLException {
      long minute = Math.floorDiv(tsMillis, MINUTE) * MINUTE;
      latest.merge(table, minute, Math::max);
      if (stored(table, minute).contains(id)) return false;
      return added.computeIfAbsent(table, t -> new HashMap<>()).computeIfAbsent(minute, m -> new LongSet()).add(id);
    }

    private LongSet stored(Table table, long minute) throws SQLException {
      LinkedHashMap<Long, LongSet> byMinute = minutes.get(table);
      java.util.Set<Long> inUse = touched.computeIfAbsent(table, t -> new java.util.HashSet<>());
      inUse.add(minute);
      LongSet known = byMinute.get(minute);
      if (known != null) return known;
      known = new LongSet();
      try (PreparedStatement ps = conn.prepareStatement(table.minuteQuery)) {
        ps.setLong(1, minute);
        ps.setLong(2, minute + MINUTE);
        ps.setLong(3, minute);
        ps.setLong(4, minute + MINUTE);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            known.add(switch (table) {
              case SPANS -> hash("s", rs.getString(1), rs.getString(2));
              case INFERENCES -> identity(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5));
              case SAMPLES -> sampleHash(rs.getLong(1), rs.getLong(2));
              case PIPELINE_RUNS -> runHash(rs.getString(1), rs.getLong(2));
            });
          }
        }
      }
      loads++;
      byMinute.put(minute, known);
      long total = held.get(table) + known.size();
      var eldest = byMinute.entrySet().iterator();
      while (total > MAX_IDENTITIES && eldest.hasNext()) {
        var e = eldest.next();
        if (inUse.contains(e.getKey())) continue;
        total -= e.getValue().size();
        eldest.remove();
      }
      held.put(table, total);
      return known;
    }

    /** The group committed: its identities are now stored ones. */
    void publish() {
      added.forEach((table, byMinute) -> byMinute.forEach((minute, ids) -> {
        LongSet known = minutes.get(table).get(minute);
        if (known == null) return; // dropped meanwhile; loads again from the table, which has them
        int before = known.size();
        known.addAll(ids);
        held.merge(table, (long) (known.size() - before), Long::sum);
      }));
    }
  }

  private static Long identity(String deployment, String requestId, String traceId, String spanId, long tsMillis) {
    if (spanId != null && traceId != null) return hash("s", traceId, spanId);
    // With its time: two records of one request at different times (Azure's diagnostic log and
    // its gateway's LLM log) are two views of it, not a re-send.
    if (requestId != null) return mix(hash("r", deployment, requestId) ^ tsMillis);
    return null;
  }

  private static long runHash(String pipeline, long startedAtMillis) {
    return mix(hash("p", pipeline, null) ^ startedAtMillis);
  }

  private static long sampleHash(long seriesId, long tsMillis) {
    return mix(mix(seriesId) ^ tsMillis);
  }

  /** 64-bit FNV-1a over the parts, each ended by a NUL so ("ab","c") differs from ("a","bc"). */
  static long hash(String kind, String a, String b) {
    long h = 0xcbf29ce484222325L;
    for (String part : new String[] {kind, a == null ? "" : a, b == null ? "" : b}) {
      for (int i = 0; i < part.length(); i++) {
        h ^= part.charAt(i);
        h *= 0x100000001b3L;
      }
      h ^= 0;
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  /** MurmurHash3's finalizer: spreads every input bit over the result. */
  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb93fe53a87b5L;
    h ^= h >>> 33;
    return h;
  }
}
