package dev.loupe.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.dimension.model.DeploymentLog;
import dev.loupe.model.Dimension;
import dev.loupe.model.Severity;
import dev.loupe.rule.Rule;
import dev.loupe.rule.RuleEngine;
import dev.loupe.rule.SampleSignals;
import dev.loupe.rule.Transition;
import dev.loupe.store.SecurityRecords;
import dev.loupe.store.StoredFinding;
import dev.loupe.store.duckdb.DuckDbStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each security row of the built-in pack over findings and scan counts stored in a real DuckDB
 * store, evaluated every 15 s at explicit times: when it goes pending, fires and resolves, and
 * that its alert names the deployment or key. Findings count at the start of their minute.
 */
class SecurityRulePackTest {
  static final long T0 = ModelRulePackTest.T0;
  static final long MIN = 60_000;
  static final String KEY = "sha256:ab12cd34ef56ab78";

  @TempDir Path dir;
  DuckDbStore store;
  SecurityRecords records;
  final List<Transition> transitions = new ArrayList<>();

  @BeforeEach
  void open() {
    store = DuckDbStore.open(dir.resolve("loupe.duckdb"), Clock.systemUTC());
    records = store.security();
  }

  @AfterEach
  void close() {
    store.close();
  }

  static long at(double minutes) {
    return ModelRulePackTest.at(minutes);
  }

  void evaluate(String alert, double fromMin, double toMin) {
    List<Rule> rules = BuiltinRules.load(RulesConfig.Builtin.DEFAULTS).stream().filter(r -> r.name().equals(alert)).toList();
    assertThat(rules).as("pack rules named " + alert).isNotEmpty().allMatch(r -> r.dimension() == Dimension.SECURITY);
    RuleEngine engine = new RuleEngine(rules, new SecuritySignals(new SampleSignals(List.of()), records),
        new DeploymentVersionHistory(new DeploymentLog()), alerts -> { }, RuleEngine.Settings.DEFAULTS);
    for (long t = at(fromMin); t <= at(toMin); t += ModelRulePackTest.STEP) engine.evaluate(t);
    transitions.addAll(engine.history());
  }

  List<String> of(String severity) {
    return transitions.stream().filter(t -> severity.equals(t.labels().get("severity")))
        .map(t -> t.kind() + "@" + ModelRulePackTest.minutes(t.atMillis())).toList();
  }

  Transition firing(String severity) {
    return transitions.stream().filter(t -> severity.equals(t.labels().get("severity")) && t.kind() == Transition.Kind.FIRING)
        .findFirst().orElseThrow();
  }

  int n;

  void finding(double minute, String kind, Severity severity, String deployment, String keyHash) {
    records.appendFindings(List.of(new StoredFinding("f" + n++, at(minute), Dimension.SECURITY, kind, severity,
        kind + " found", new StoredFinding.Subject("svc", deployment, keyHash, null, null, "t" + n, null, null),
        Map.of("source", "completion"))));
  }

  @Test
  void injectionsAbove5PercentOfScannedPromptsOver5mWarnAfter2mAndResolve() {
    List<SecurityRecords.ScanCount> counts = new ArrayList<>();
    // 20 prompts a minute; from minute 10 to 19, 3 of them are injections (15 %).
    for (int m = -5; m <= 40; m++) counts.add(new SecurityRecords.ScanCount(at(m), "chat", 20, m >= 10 && m < 20 ? 3 : 0));
    // Another deployment with an injection now and then: 1 in 20 twice is under 5 injections.
    counts.add(new SecurityRecords.ScanCount(at(12), "batch", 20, 1));
    counts.add(new SecurityRecords.ScanCount(at(13), "batch", 20, 1));
    records.addScanCounts(counts);
    evaluate("SecurityPromptInjectionRate", 0, 40);
    // At 10:00 the window (5:00, 10:00] holds 3 injections, under the 5 the guard asks; at 11:00 it
    // holds 6 in 100 scanned (6 %). At 23:00 the window (18:00, 23:00] holds 3: under 5 again.
    assertThat(of("warning")).containsExactly("PENDING@11", "FIRING@13", "RESOLVED@23");
    Transition f = firing("warning");
    assertThat(f.labels()).containsEntry("deployment", "chat").containsEntry("dimension", "security");
    // At 13:00 the window (8:00, 13:00] holds 12 injections in 100.
    assertThat(f.value()).isEqualTo(0.12);
  }

  @Test
  void oneCanaryLeakIsCriticalAtOnceForAnHour() {
    finding(5.5, "canary_leak", Severity.CRITICAL, "support-bot", KEY);
    finding(7.2, "prompt_injection", Severity.WARNING, "support-bot", KEY);
    evaluate("SecurityCanaryLeak", 0, 70);
    // No `for`: pending and firing at the first evaluation after it (5:30); counted at the start of
    // its minute, so out of the 1h window at 65:00.
    assertThat(of("critical")).containsExactly("PENDING@5.5", "FIRING@5.5", "RESOLVED@65");
    assertThat(firing("critical").labels()).containsEntry("deployment", "support-bot");
  }

  @Test
  void anySecretInACompletionIsCriticalAndPersonalDataAWarningUnlessCardsOrSsns() {
    finding(3, "secret_in_completion", Severity.CRITICAL, "chat", KEY);
    finding(10, "pii_in_completion", Severity.WARNING, "chat", null);
    finding(30, "pii_in_completion", Severity.CRITICAL, "chat", null);
    evaluate("SecuritySecretInCompletion", 0, 70);
    assertThat(of("critical")).containsExactly("PENDING@3", "FIRING@3", "RESOLVED@63");
    transitions.clear();
    evaluate("SecurityPersonalDataInCompletion", 0, 95);
    // The warning counts the card number at 30 too: it holds until that leaves the window.
    assertThat(of("warning")).containsExactly("PENDING@10", "FIRING@10", "RESOLVED@90");
    assertThat(of("critical")).containsExactly("PENDING@30", "FIRING@30", "RESOLVED@90");
  }

  @Test
  void anExfiltrationLinkIsCritical() {
    finding(20, "exfiltration_link", Severity.WARNING, "rag", null);
    evaluate("SecurityExfiltrationLink", 0, 85);
    assertThat(of("critical")).containsExactly("PENDING@20", "FIRING@20", "RESOLVED@80");
    assertThat(firing("critical").labels()).containsEntry("deployment", "rag");
  }

  @Test
  void threeCompletionsFarLongerThanTheirDeploymentsUsualInAnHourWarn() {
    // One alone (chat, at 5) is a finding, not an alert; nor are two of support-bot's an hour apart.
    finding(5, "long_completion", Severity.WARNING, "chat", KEY);
    finding(10, "long_completion", Severity.WARNING, "support-bot", KEY);
    finding(20, "long_completion", Severity.WARNING, "support-bot", KEY);
    finding(14, "canary_leak", Severity.CRITICAL, "support-bot", KEY);
    finding(75, "long_completion", Severity.WARNING, "support-bot", KEY);
    evaluate("SecurityLongCompletion", 0, 150);
    assertThat(of("warning")).isEmpty();
    finding(80, "long_completion", Severity.WARNING, "support-bot", KEY);
    finding(80.5, "long_completion", Severity.WARNING, "support-bot", KEY);
    evaluate("SecurityLongCompletion", 0, 150);
    // The third in the hour comes at 80.5 (a finding counts from its time, at its minute's start);
    // at 135 the window (75, 135] holds two.
    assertThat(of("warning")).containsExactly("PENDING@80.5", "FIRING@80.5", "RESOLVED@135");
    assertThat(firing("warning").labels()).containsEntry("deployment", "support-bot");
    assertThat(firing("warning").value()).isEqualTo(3.0);
  }

  @Test
  void aConsumptionAnomalyWarnsNamingTheKeyForTwoHours() {
    // Consumption findings are about an hour: stored at the hour's start.
    records.appendFindings(List.of(new StoredFinding("c1", at(60), Dimension.SECURITY, "consumption_spike",
        Severity.WARNING, "API key " + KEY + " used 1,200,000 tokens", new StoredFinding.Subject(null, null, KEY, null,
        null, null, null, null), Map.of("subject", KEY))));
    evaluate("SecurityConsumptionAnomaly", 50, 190);
    assertThat(of("warning")).containsExactly("PENDING@60", "FIRING@60", "RESOLVED@180");
    Transition f = firing("warning");
    assertThat(f.labels()).containsEntry("subject", "API key " + KEY).containsEntry("kind", "consumption_spike");
  }
}
