package dev.loupe.rule;

import dev.loupe.model.Alert;
import dev.loupe.model.AlertState;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The alerts of one rule and Prometheus's state machine over them ({@code rules/alerting.go},
 * {@code AlertingRule.Eval}), step for step: a new breach is pending with {@code active_at} = that
 * evaluation; it fires at the first evaluation with {@code now - active_at >= for}; a pending alert
 * whose breach is gone is deleted; a firing one resolves, unless {@code keep_firing_for} holds it
 * (counted from the first evaluation without the breach); a resolved alert is kept for the
 * retention and a breach in that time starts a new pending alert. Live evaluation and backtests
 * both run this class. Not thread-safe: the engine serialises access.
 */
final class RuleState {
  /** Prometheus's {@code resolvedRetention}: how long a resolved alert is still reported. */
  static final Duration RESOLVED_RETENTION = Duration.ofMinutes(15);

  private static final class Active {
    final SortedMap<String, String> labels;
    Map<String, String> annotations;
    AlertState state = AlertState.PENDING;
    long activeAt;
    long firedAt;
    long resolvedAt;
    long keepFiringSince;
    double value;

    Active(SortedMap<String, String> labels, long activeAt) {
      this.labels = labels;
      this.activeAt = activeAt;
    }
  }

  private final Rule rule;
  private final long resolvedRetentionMillis;
  private final Map<SortedMap<String, String>, Active> active = new LinkedHashMap<>();
  private final Set<Map<String, String>> writtenLastTime = new HashSet<>();

  RuleState(Rule rule, Duration resolvedRetention) {
    this.rule = rule;
    this.resolvedRetentionMillis = resolvedRetention.toMillis();
  }

  Rule rule() {
    return rule;
  }

  /** One evaluation at {@code ts} with the groups that breach; returns the state changes. */
  List<Transition> apply(List<Breach> breaches, long ts) {
    List<Transition> changes = new ArrayList<>();
    Set<SortedMap<String, String>> present = new HashSet<>();
    for (Breach b : breaches) {
      SortedMap<String, String> labels = alertLabels(b);
      Map<String, String> annotations = render(rule.annotations(), b.labels(), b.value());
      present.add(labels);
      Active a = active.get(labels);
      if (a != null && a.state != AlertState.RESOLVED) {
        a.value = b.value();
        a.annotations = annotations;
        continue;
      }
      Active fresh = new Active(labels, ts);
      fresh.value = b.value();
      fresh.annotations = annotations;
      active.put(labels, fresh); // replaces a retained resolved alert: a recurrence is a new alert
      changes.add(transition(fresh, Transition.Kind.PENDING, ts));
    }
    long forMillis = rule.forDuration().toMillis();
    long keepFiringMillis = rule.keepFiringFor().toMillis();
    for (Iterator<Active> it = active.values().iterator(); it.hasNext(); ) {
      Active a = it.next();
      if (!present.contains(a.labels)) {
        boolean keepFiring = false;
        if (a.state == AlertState.FIRING && keepFiringMillis > 0) {
          if (a.keepFiringSince == 0) a.keepFiringSince = ts;
          keepFiring = ts - a.keepFiringSince < keepFiringMillis;
        }
        if (a.state == AlertState.PENDING
            || (a.resolvedAt != 0 && ts - a.resolvedAt > resolvedRetentionMillis)) {
          it.remove();
        }
        if (a.state != AlertState.RESOLVED && !keepFiring) {
          changes.add(transition(a, a.state == AlertState.PENDING ? Transition.Kind.CANCELLED : Transition.Kind.RESOLVED, ts));
          a.state = AlertState.RESOLVED;
          a.resolvedAt = ts;
        }
        if (!keepFiring) continue;
      } else {
        a.keepFiringSince = 0;
      }
      if (a.state == AlertState.PENDING && ts - a.activeAt >= forMillis) {
        a.state = AlertState.FIRING;
        a.firedAt = ts;
        changes.add(transition(a, Transition.Kind.FIRING, ts));
      }
    }
    return changes;
  }

  /**
   * {@code ALERTS} and {@code ALERTS_FOR_STATE} of every pending and firing alert at {@code ts},
   * and a staleness marker for each such series written last time but not now, so a resolved
   * alert leaves {@code ALERTS} at once, as Prometheus's rule group does.
   */
  List<Sample> samples(long ts) {
    List<Sample> out = new ArrayList<>();
    Set<Map<String, String>> written = new HashSet<>();
    for (Active a : active.values()) {
      if (a.state == AlertState.RESOLVED) continue;
      Map<String, String> alerts = new TreeMap<>(a.labels);
      alerts.put("alertstate", a.state == AlertState.PENDING ? "pending" : "firing");
      out.add(new Sample("ALERTS", alerts, ts, 1));
      out.add(new Sample("ALERTS_FOR_STATE", a.labels, ts, Math.floorDiv(a.activeAt, 1000)));
      written.add(key("ALERTS", alerts));
      written.add(key("ALERTS_FOR_STATE", a.labels));
    }
    for (Map<String, String> gone : writtenLastTime) {
      if (!written.contains(gone)) {
        Map<String, String> labels = new TreeMap<>(gone);
        String name = labels.remove("__name__");
        out.add(Sample.staleMarker(name, labels, ts));
      }
    }
    writtenLastTime.clear();
    writtenLastTime.addAll(written);
    return out;
  }

  private static Map<String, String> key(String name, Map<String, String> labels) {
    Map<String, String> k = new TreeMap<>(labels);
    k.put("__name__", name);
    return k;
  }

  /**
   * Prometheus's {@code RestoreForState} for this rule's active alerts at {@code ts}, given the
   * {@code ALERTS_FOR_STATE} series of the outage tolerance before it. Rules whose {@code for} is
   * shorter than the grace period are not restored.
   */
  void restore(long ts, List<RangeSeries> forState, Duration gracePeriod) {
    long hold = rule.forDuration().toMillis();
    long grace = gracePeriod.toMillis();
    if (hold < grace) return;
    for (Active a : active.values()) {
      if (a.state == AlertState.RESOLVED) continue;
      RangeSeries.Point last = null;
      for (RangeSeries s : forState) {
        Map<String, String> labels = new TreeMap<>(s.labels());
        labels.remove("__name__");
        if (labels.equals(a.labels) && !s.points().isEmpty()) last = s.points().get(s.points().size() - 1);
      }
      if (last == null || last.value() <= 0) continue;
      long downAt = Math.floorDiv(last.timeMillis(), 1000) * 1000;
      long restoredActiveAt = (long) last.value() * 1000;
      long remaining = hold - (downAt - restoredActiveAt);
      if (remaining <= 0) {
        // It was firing when we went down; the next evaluation fires it again if it still holds.
      } else if (remaining < grace) {
        restoredActiveAt = ts + grace - hold;
      } else {
        restoredActiveAt += ts - downAt;
      }
      a.activeAt = restoredActiveAt;
    }
  }

  /** Every pending and firing alert, and the resolved ones still retained. */
  List<Alert> alerts() {
    List<Alert> out = new ArrayList<>(active.size());
    for (Active a : active.values()) {
      out.add(new Alert(rule.name(), a.labels, a.state, a.activeAt, a.firedAt, a.resolvedAt, a.value, a.annotations));
    }
    return out;
  }

  private SortedMap<String, String> alertLabels(Breach b) {
    SortedMap<String, String> labels = new TreeMap<>(b.labels());
    render(rule.labels(), b.labels(), b.value()).forEach(labels::put);
    labels.put("severity", rule.severity().name().toLowerCase(java.util.Locale.ROOT));
    labels.put("dimension", rule.dimension().wireName());
    labels.put("alertname", rule.name());
    labels.values().removeIf(String::isEmpty);
    return labels;
  }

  private static Map<String, String> render(Map<String, AlertTemplate> templates, Map<String, String> labels, double value) {
    Map<String, String> out = new TreeMap<>();
    templates.forEach((k, t) -> out.put(k, t.render(labels, value)));
    return out;
  }

  private Transition transition(Active a, Transition.Kind kind, long ts) {
    return new Transition(rule.name(), a.labels, kind, ts, a.activeAt, a.value);
  }
}
