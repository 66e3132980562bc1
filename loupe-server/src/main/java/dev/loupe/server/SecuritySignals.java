package dev.loupe.server;

import dev.loupe.model.RangeSeries;
import dev.loupe.model.SeriesSelector;
import dev.loupe.rule.SignalSource;
import dev.loupe.store.SecurityRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The security dimension's signals for rules, read from the stored findings and scan counts, a
 * point per minute at the minute's start:
 * {@code loupe_security_findings{kind, severity, deployment, key, user, tenant, subject}} (findings
 * that minute; {@code subject} is the readable "deployment chat-prod" or "API key sha256:…"),
 * {@code loupe_security_scanned{deployment}} (inferences whose texts were scanned),
 * {@code loupe_security_injections{deployment}} (of those, with a prompt injection) and
 * {@code loupe_security_injection_ratio{deployment}} (the two divided). Labels a finding lacks are
 * left out. Other names go to the wrapped source.
 */
final class SecuritySignals implements SignalSource {
  static final String FINDINGS = "loupe_security_findings";
  static final String SCANNED = "loupe_security_scanned";
  static final String INJECTIONS = "loupe_security_injections";
  static final String INJECTION_RATIO = "loupe_security_injection_ratio";
  private static final long MINUTE = 60_000;

  private final SignalSource inner;
  private final SecurityRecords records;

  SecuritySignals(SignalSource inner, SecurityRecords records) {
    this.inner = inner;
    this.records = records;
  }

  @Override
  public List<RangeSeries> range(SeriesSelector selector, long fromMillis, long toMillis) {
    String name = selector.metricName();
    if (name.equals(FINDINGS)) return findings(selector, fromMillis, toMillis);
    if (name.equals(SCANNED) || name.equals(INJECTIONS) || name.equals(INJECTION_RATIO)) {
      return scans(name, selector, fromMillis, toMillis);
    }
    return inner.range(selector, fromMillis, toMillis);
  }

  /** Minutes starting in {@code (from, to]}: what a rule's window reads. */
  private static long firstMinute(long fromMillis) {
    return Math.floorDiv(fromMillis, MINUTE) * MINUTE + MINUTE;
  }

  private List<RangeSeries> findings(SeriesSelector selector, long fromMillis, long toMillis) {
    Map<SortedMap<String, String>, List<RangeSeries.Point>> series = new java.util.LinkedHashMap<>();
    for (SecurityRecords.FindingCount c : records.findingCounts(firstMinute(fromMillis), toMillis + 1)) {
      if (c.minuteMillis() <= fromMillis || c.minuteMillis() > toMillis) continue;
      SortedMap<String, String> labels = new TreeMap<>();
      labels.put("__name__", FINDINGS);
      labels.put("dimension", "security");
      labels.put("kind", c.kind());
      labels.put("severity", c.severity().name().toLowerCase(Locale.ROOT));
      put(labels, "deployment", c.deployment());
      put(labels, "key", c.keyHash());
      put(labels, "user", c.user());
      put(labels, "tenant", c.deployment() == null ? c.tenant() : null);
      labels.put("subject", c.subject());
      if (!selector.matches(labels)) continue;
      List<RangeSeries.Point> points = series.computeIfAbsent(labels, l -> new ArrayList<>());
      if (!points.isEmpty() && points.get(points.size() - 1).timeMillis() == c.minuteMillis()) {
        // Two rows of one minute differing in a label left out above (a finding's service): one point.
        RangeSeries.Point last = points.remove(points.size() - 1);
        points.add(new RangeSeries.Point(last.timeMillis(), last.value() + c.count()));
      } else {
        points.add(new RangeSeries.Point(c.minuteMillis(), c.count()));
      }
    }
    List<RangeSeries> out = new ArrayList<>();
    series.forEach((labels, points) -> out.add(new RangeSeries(labels, points)));
    return out;
  }

  private List<RangeSeries> scans(String name, SeriesSelector selector, long fromMillis, long toMillis) {
    Map<String, List<RangeSeries.Point>> byDeployment = new TreeMap<>();
    for (SecurityRecords.ScanCount c : records.scanCounts(firstMinute(fromMillis), toMillis + 1)) {
      double v = switch (name) {
        case SCANNED -> c.scanned();
        case INJECTIONS -> c.injections();
        default -> c.scanned() == 0 ? Double.NaN : (double) c.injections() / c.scanned();
      };
      if (Double.isNaN(v)) continue;
      byDeployment.computeIfAbsent(c.deployment(), d -> new ArrayList<>()).add(new RangeSeries.Point(c.minuteMillis(), v));
    }
    List<RangeSeries> out = new ArrayList<>();
    byDeployment.forEach((deployment, points) -> {
      SortedMap<String, String> labels = new TreeMap<>();
      labels.put("__name__", name);
      labels.put("deployment", deployment);
      if (selector.matches(labels)) out.add(new RangeSeries(labels, points));
    });
    return out;
  }

  private static void put(Map<String, String> labels, String name, String value) {
    if (value != null && !value.isEmpty()) labels.put(name, value);
  }
}
