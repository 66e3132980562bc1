package dev.loupe.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.Dimension;
import dev.loupe.model.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link Store}'s {@link SecurityRecords} must do, written once. */
public abstract class SecurityRecordsContract {
  protected static final long T = 1_795_860_000_000L; // 2026-11-28T10:00:00Z, a whole minute
  protected static final long MIN = 60_000;

  protected Store store;
  protected SecurityRecords records;

  protected abstract Store open();

  @BeforeEach
  void openStore() {
    store = open();
    records = store.security();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  static StoredFinding finding(String id, long ts, String kind, Severity severity, String deployment, String key) {
    return new StoredFinding(id, ts, Dimension.SECURITY, kind, severity, kind + " in " + deployment,
        new StoredFinding.Subject("svc", deployment, key, "acme", "u-1", "trace-" + id, "req-" + id, null),
        Map.of("source", "completion", "excerpt", "Write to <EMAIL>"));
  }

  @Test
  void aFindingIsKeptOnceByIdAndReadBackWorstFirstThenNewest() {
    StoredFinding a = finding("a", T + 10, "pii_in_completion", Severity.WARNING, "chat", "sha256:01");
    StoredFinding b = finding("b", T + 20, "canary_leak", Severity.CRITICAL, "bot", "sha256:02");
    StoredFinding c = finding("c", T + 30, "prompt_injection", Severity.WARNING, "chat", "sha256:01");
    assertThat(records.appendFindings(List.of(a, b))).containsExactly(a, b);
    assertThat(records.appendFindings(List.of(a, c, c))).as("only c is new, once").containsExactly(c);
    List<StoredFinding> all = records.findings(new SecurityRecords.FindingQuery(null, null, null, null, null, T, T + MIN, 10));
    assertThat(all).containsExactly(b, c, a);
    assertThat(all.get(0).evidence()).containsEntry("excerpt", "Write to <EMAIL>");
    assertThat(records.findings(new SecurityRecords.FindingQuery("security", "prompt_injection", "chat", "sha256:01",
        "acme", T, T + MIN, 10))).containsExactly(c);
    assertThat(records.findings(new SecurityRecords.FindingQuery(null, null, "chat", null, null, T, T + 25, 10)))
        .containsExactly(a);
    assertThat(records.findings(new SecurityRecords.FindingQuery(null, null, null, null, null, T, T + MIN, 1)))
        .containsExactly(b);
  }

  @Test
  void findingsAreCountedPerMinuteAndSubject() {
    records.appendFindings(List.of(finding("a", T + 10, "canary_leak", Severity.CRITICAL, "bot", null),
        finding("b", T + 50_000, "canary_leak", Severity.CRITICAL, "bot", null),
        finding("c", T + MIN + 5, "canary_leak", Severity.CRITICAL, "bot", null),
        new StoredFinding("d", T + 5, Dimension.SECURITY, "consumption_spike", Severity.WARNING, "spike",
            new StoredFinding.Subject(null, null, "sha256:09", null, null, null, null, null), Map.of())));
    assertThat(records.findingCounts(T, T + 2 * MIN)).containsExactlyInAnyOrder(
        new SecurityRecords.FindingCount(T, "canary_leak", Severity.CRITICAL, "bot", null, "u-1", "acme",
            "deployment bot", 2),
        new SecurityRecords.FindingCount(T + MIN, "canary_leak", Severity.CRITICAL, "bot", null, "u-1", "acme",
            "deployment bot", 1),
        new SecurityRecords.FindingCount(T, "consumption_spike", Severity.WARNING, null, "sha256:09", null, null,
            "API key sha256:09", 1));
  }

  @Test
  void scanCountsAddUpPerMinuteAndDeployment() {
    assertThat(records.lastScanMinute()).isZero();
    records.addScanCounts(List.of(new SecurityRecords.ScanCount(T + 5, "chat", 10, 1)));
    records.addScanCounts(List.of(new SecurityRecords.ScanCount(T + 7, "chat", 5, 2),
        new SecurityRecords.ScanCount(T + MIN, "bot", 3, 0)));
    assertThat(records.scanCounts(T, T + 2 * MIN)).containsExactly(new SecurityRecords.ScanCount(T, "chat", 15, 3),
        new SecurityRecords.ScanCount(T + MIN, "bot", 3, 0));
    assertThat(records.lastScanMinute()).isEqualTo(T + MIN);
  }

  @Test
  void usageHoursAreReplacedAndStatesKeptByKindAndSubject() {
    long hour = 3_600_000L;
    long h = T - T % hour;
    records.upsertUsage(List.of(new SecurityRecords.Usage(h, "api_key", "sha256:01", 5, 10_000, 0, 0.5)));
    records.upsertUsage(List.of(new SecurityRecords.Usage(h, "api_key", "sha256:01", 7, 14_000, 1, 0.7),
        new SecurityRecords.Usage(h + hour, "tenant", "acme", 1, 10, 0, 0)));
    assertThat(records.usage(h, h + hour)).containsExactly(
        new SecurityRecords.Usage(h, "api_key", "sha256:01", 7, 14_000, 1, 0.7));
    records.saveStates("injection_threshold", Map.of("chat", "{\"a\":1}"), T);
    records.saveStates("injection_threshold", Map.of("chat", "{\"a\":2}", "bot", "{}"), T + 1);
    assertThat(records.states("injection_threshold")).isEqualTo(Map.of("chat", "{\"a\":2}", "bot", "{}"));
    assertThat(records.states("consumption")).isEmpty();
  }

  @Test
  void deleteOlderThanTakesFindingsCountsAndUsage() {
    records.appendFindings(List.of(finding("old", T, "canary_leak", Severity.CRITICAL, "bot", null),
        finding("new", T + 2 * MIN, "canary_leak", Severity.CRITICAL, "bot", null)));
    records.addScanCounts(List.of(new SecurityRecords.ScanCount(T, "bot", 1, 0),
        new SecurityRecords.ScanCount(T + 2 * MIN, "bot", 1, 0)));
    records.upsertUsage(List.of(new SecurityRecords.Usage(T, "tenant", "acme", 1, 1, 0, 0)));
    records.saveStates("consumption", Map.of("tenant:acme", "{}"), T);
    assertThat(records.deleteOlderThan(T + MIN)).isEqualTo(3);
    assertThat(records.findings(new SecurityRecords.FindingQuery(null, null, null, null, null, 0, Long.MAX_VALUE, 10)))
        .extracting(StoredFinding::id).containsExactly("new");
    assertThat(records.states("consumption")).as("learnt state is not history").hasSize(1);
  }
}
