package dev.loupe.store;

import dev.loupe.model.Severity;
import java.util.List;
import java.util.Map;

/**
 * What the security detectors keep: their findings, how many inferences they scanned per minute
 * and deployment, usage per hour and subject (API key hash, user, tenant), and their learnt state
 * (injection thresholds per deployment, consumption baselines per subject) as text by kind and
 * subject. Never prompt or completion text beyond what a finding's evidence may quote. Writes are
 * durable when they return.
 */
public interface SecurityRecords {
  /** Appends the findings whose id is not stored yet; returns those that were new. */
  List<StoredFinding> appendFindings(List<StoredFinding> findings);

  /** Findings matching the query, worst first, then newest first, at most {@code query.limit()}. */
  List<StoredFinding> findings(FindingQuery query);

  /** Findings with time in {@code [fromMillis, toMillis)} counted per minute and kind, severity and subject. */
  List<FindingCount> findingCounts(long fromMillis, long toMillis);

  /** Adds to the per-minute counts of scanned inferences (and those with an injection) of each deployment. */
  void addScanCounts(List<ScanCount> counts);

  /** Scan counts of minutes starting in {@code [fromMillis, toMillis)}, oldest first. */
  List<ScanCount> scanCounts(long fromMillis, long toMillis);

  /** The start of the latest minute with a scan, 0 when none. */
  long lastScanMinute();

  /** Inserts or replaces usage of (hour, subject). */
  void upsertUsage(List<Usage> usage);

  /** Usage of hours starting in {@code [fromMillis, toMillis)}, oldest first. */
  List<Usage> usage(long fromMillis, long toMillis);

  /** Learnt state of one kind ({@code injection_threshold}, {@code consumption}…) by subject. */
  Map<String, String> states(String kind);

  /** Inserts or replaces states of one kind by subject. */
  void saveStates(String kind, Map<String, String> states, long nowMillis);

  /** Deletes findings, scan counts and usage older than the cutoff; returns the rows deleted. */
  long deleteOlderThan(long cutoffMillis);

  /** Which findings to read; a null field matches anything. Times are {@code [fromMillis, toMillis)}. */
  record FindingQuery(String dimension, String kind, String deployment, String keyHash, String tenant,
      long fromMillis, long toMillis, int limit) {}

  /**
   * Findings of one minute with the same kind, severity and subject.
   *
   * @param subject the subject's readable name ({@link StoredFinding.Subject#describe})
   */
  record FindingCount(long minuteMillis, String kind, Severity severity, String deployment, String keyHash,
      String user, String tenant, String subject, long count) {}

  /** Inferences of one deployment scanned in one minute, and how many had an injection. */
  record ScanCount(long minuteMillis, String deployment, long scanned, long injections) {}

  /** One subject's usage in one hour; {@code subjectKind} is {@code api_key}, {@code user} or {@code tenant}. */
  record Usage(long hourMillis, String subjectKind, String subject, long requests, long tokens, long throttled,
      double cost) {}
}
