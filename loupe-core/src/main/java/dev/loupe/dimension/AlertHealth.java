package dev.loupe.dimension;

import dev.loupe.model.Alert;
import dev.loupe.model.AlertState;
import dev.loupe.model.Dimension;
import dev.loupe.model.Finding;
import dev.loupe.model.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Health as the rule engine sees it: a dimension, or one subject of it (a GPU, a port), is as bad
 * as the worst of its firing alerts. Pending alerts do not change a status (their {@code for} has
 * not elapsed) and resolved ones are over. This is the only place a threshold turns into a colour.
 */
public final class AlertHealth {
  /** Worst severity first, then the oldest. */
  private static final Comparator<Alert> WORST_FIRST =
      Comparator.comparing((Alert a) -> severity(a)).reversed().thenComparingLong(Alert::firedAtMillis);

  private AlertHealth() {}

  /** Firing alerts of a dimension, worst first, then oldest first. */
  public static List<Alert> firing(List<Alert> alerts, Dimension dimension) {
    List<Alert> out = new ArrayList<>();
    for (Alert a : alerts) {
      if (a.state() == AlertState.FIRING && dimension.wireName().equals(a.labels().get("dimension"))) out.add(a);
    }
    out.sort(WORST_FIRST);
    return out;
  }

  /**
   * The dimension's health: the judge's own view (whether there is data at all, and its notes)
   * with the status and reasons of its firing alerts. A dimension with no data stays
   * {@code no_data} unless an alert of it fires (a rule may read data the judge does not watch).
   * {@code missingInputs} are the dimension's rules whose inputs were never seen; they are named
   * among the reasons but change no status. The status holds since the worst alerts became
   * active (the breach began; {@code for} only confirmed it). With {@code byRules} false the
   * judge's own findings count too (a dimension whose thresholds are not rules yet).
   */
  public static DimensionHealth of(DimensionHealth judged, boolean byRules, List<Alert> firing,
      List<String> missingInputs) {
    DimensionHealth base = byRules ? presenceOnly(judged) : judged;
    if (firing.isEmpty()) return withNotes(base, missingInputs);
    HealthStatus status = HealthStatus.of(severity(firing.get(0)));
    long since = Long.MAX_VALUE;
    List<String> reasons = new ArrayList<>();
    for (Alert a : firing) {
      if (HealthStatus.of(severity(a)) == status) since = Math.min(since, a.activeSinceMillis());
      reasons.add(reason(a));
    }
    if (base.status() != HealthStatus.NO_DATA) {
      if (base.status().worst(status) != status) {
        status = base.status();
        since = base.sinceMillis() == null ? since : base.sinceMillis();
      }
      reasons.addAll(base.reasons());
    }
    reasons.addAll(missingInputs);
    return new DimensionHealth(status, reasons, since, base.findings());
  }

  /**
   * The judge's word on data only: no data, and stale subjects ({@code *_stale} findings: a GPU
   * or port that stopped reporting is a data problem, not a threshold), with its notes; its
   * other findings are the rules' job.
   */
  static DimensionHealth presenceOnly(DimensionHealth judged) {
    if (judged.status() == HealthStatus.NO_DATA) return judged;
    List<Finding> kept = new ArrayList<>();
    Set<String> dropped = new HashSet<>();
    for (Finding f : judged.findings()) {
      if (f.kind().endsWith("_stale")) kept.add(f);
      else dropped.add(f.reason());
    }
    List<String> reasons = new ArrayList<>();
    for (String r : judged.reasons()) if (!dropped.contains(r)) reasons.add(r);
    HealthStatus status = HealthStatus.OK;
    for (Finding f : kept) status = status.worst(HealthStatus.of(f.severity()));
    Long since = kept.isEmpty() ? judged.sinceMillis()
        : Long.valueOf(kept.stream().mapToLong(Finding::sinceMillis).min().getAsLong());
    return new DimensionHealth(status, reasons, since, kept);
  }

  /**
   * The status of one subject: worst firing alert whose labels carry every one of
   * {@code subject}'s labels with the same value; ok when none does.
   */
  public static HealthStatus ofSubject(List<Alert> alerts, Map<String, String> subject) {
    HealthStatus worst = HealthStatus.OK;
    for (Alert a : alerts) {
      if (a.state() != AlertState.FIRING || !matches(a.labels(), subject)) continue;
      worst = worst.worst(HealthStatus.of(severity(a)));
    }
    return worst;
  }

  /** The sentences of the firing alerts about one subject, worst first. */
  public static List<String> reasonsOfSubject(List<Alert> alerts, Map<String, String> subject) {
    List<Alert> mine = new ArrayList<>();
    for (Alert a : alerts) {
      if (a.state() == AlertState.FIRING && matches(a.labels(), subject)) mine.add(a);
    }
    mine.sort(WORST_FIRST);
    return mine.stream().map(AlertHealth::reason).toList();
  }

  /** What a person reads about a firing alert: its summary, else its name and labels. */
  public static String reason(Alert a) {
    String summary = a.annotations().get("summary");
    if (summary != null && !summary.isBlank()) return summary;
    return a.rule() + " " + a.labels();
  }

  private static boolean matches(Map<String, String> labels, Map<String, String> subject) {
    for (Map.Entry<String, String> e : subject.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) return false;
    }
    return !subject.isEmpty();
  }

  private static Severity severity(Alert a) {
    return "critical".equals(a.labels().get("severity")) ? Severity.CRITICAL : Severity.WARNING;
  }

  private static DimensionHealth withNotes(DimensionHealth h, List<String> notes) {
    if (notes.isEmpty()) return h;
    List<String> reasons = new ArrayList<>(h.reasons());
    reasons.addAll(notes);
    return new DimensionHealth(h.status(), reasons, h.sinceMillis(), h.findings());
  }
}
