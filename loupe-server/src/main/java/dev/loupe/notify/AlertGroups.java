package dev.loupe.notify;

import dev.loupe.model.Alert;
import dev.loupe.model.AlertState;
import dev.loupe.notify.AlertDispatcher.Route;
import dev.loupe.notify.AlertmanagerFeed.AlertKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Alertmanager's grouping for the webhook and log receivers ({@code dispatch/dispatch.go}'s
 * aggregation groups and {@code notify/notify.go}'s dedup stage): alerts are routed, then grouped
 * by the route's {@code group_by} labels. A new group waits {@code group_wait} (none if its first
 * alert fired longer ago than that), then is looked at every {@code group_interval}; it notifies
 * when a firing alert is new since the last notification, when everything it notified has
 * resolved, when (for receivers that send resolved) an alert resolved, or else once
 * {@code repeat_interval} has passed. Resolved alerts leave the group after each look.
 */
final class AlertGroups {
  /** A group_by value meaning "all labels", as in Alertmanager. */
  static final String ALL_LABELS = "...";

  private final RouteTable routes;
  private final Predicate<String> sendsResolved;
  private final Map<String, Group> groups = new LinkedHashMap<>();
  /** What each group last notified (Alertmanager's notification log), kept while it has firing alerts. */
  private final Map<String, Notified> notified = new HashMap<>();

  AlertGroups(RouteTable routes, Predicate<String> sendsResolved) {
    this.routes = routes;
    this.sendsResolved = sendsResolved;
  }

  /** One notification of a group to its receiver. */
  record GroupNotification(String receiver, String groupKey, Map<String, String> groupLabels, List<Alert> alerts) {}

  /** Takes the engine's current alerts; pending ones are not grouped. */
  void update(List<Alert> alerts, long now) {
    Set<AlertKey> present = new HashSet<>();
    for (Alert a : alerts) {
      if (a.state() == AlertState.PENDING) continue;
      AlertKey key = AlertKey.of(a);
      present.add(key);
      for (RouteTable.Matched m : routes.match(a.labels())) {
        Map<String, String> groupLabels = groupLabels(m.route(), a.labels());
        String groupKey = m.path() + ":" + LabelText.of(groupLabels);
        Group g = groups.get(groupKey);
        // A resolved alert matters only to a group that had it firing; the engine re-hands
        // resolved alerts for 15 minutes and they must not start groups of their own.
        if (a.state() == AlertState.RESOLVED && (g == null || !g.alerts.containsKey(key))) continue;
        if (g == null) {
          long first = AlertmanagerFeed.startsAt(a) + m.route().groupWait().toMillis() < now
              ? now : now + m.route().groupWait().toMillis();
          g = new Group(m.route(), groupKey, groupLabels, first);
          groups.put(groupKey, g);
        }
        g.alerts.put(key, a);
      }
    }
    // A firing alert the engine no longer hands over (its rule was removed) has ended now.
    for (Group g : groups.values()) {
      g.alerts.replaceAll((key, a) -> a.state() == AlertState.FIRING && !present.contains(key)
          ? new Alert(a.rule(), a.labels(), AlertState.RESOLVED, a.activeSinceMillis(), a.firedAtMillis(), now,
              a.value(), a.annotations())
          : a);
    }
  }

  /** Looks at every group whose time has come; returns the notifications to send. */
  List<GroupNotification> flushDue(long now) {
    List<GroupNotification> out = new ArrayList<>();
    for (Iterator<Group> it = groups.values().iterator(); it.hasNext(); ) {
      Group g = it.next();
      if (g.nextFlushAt > now) continue;
      Set<AlertKey> firing = new HashSet<>();
      Set<AlertKey> resolved = new HashSet<>();
      g.alerts.forEach((k, a) -> (a.state() == AlertState.RESOLVED ? resolved : firing).add(k));
      String receiver = g.route.receiver();
      boolean sendResolved = sendsResolved.test(receiver);
      Notified last = notified.get(g.key);
      if (needsUpdate(last, firing, resolved, sendResolved, g.route.repeatInterval().toMillis(), now)) {
        List<Alert> alerts = new ArrayList<>();
        for (Alert a : g.alerts.values()) {
          if (sendResolved || a.state() != AlertState.RESOLVED) alerts.add(a);
        }
        if (!alerts.isEmpty()) out.add(new GroupNotification(receiver, g.key, g.groupLabels, alerts));
        last = new Notified(firing, resolved, now);
        notified.put(g.key, last);
      }
      g.alerts.values().removeIf(a -> a.state() == AlertState.RESOLVED);
      if (g.alerts.isEmpty()) {
        it.remove();
        // A log entry without firing alerts decides as no entry would.
        if (last != null && last.firing.isEmpty()) notified.remove(g.key);
      } else {
        g.nextFlushAt = now + g.route.groupInterval().toMillis();
      }
    }
    return out;
  }

  /** Alertmanager's {@code DedupStage.needsUpdate}. */
  private static boolean needsUpdate(
      Notified last, Set<AlertKey> firing, Set<AlertKey> resolved, boolean sendResolved, long repeat, long now) {
    if (last == null) return !firing.isEmpty();
    if (!last.firing.containsAll(firing)) return true;
    if (firing.isEmpty()) return !last.firing.isEmpty();
    if (sendResolved && !last.resolved.containsAll(resolved)) return true;
    return last.at < now - repeat;
  }

  /** The earliest time a group is due, or {@code Long.MAX_VALUE} with no groups. */
  long nextDue() {
    return groups.values().stream().mapToLong(g -> g.nextFlushAt).min().orElse(Long.MAX_VALUE);
  }

  private static Map<String, String> groupLabels(Route route, Map<String, String> labels) {
    Map<String, String> out = new TreeMap<>();
    if (route.groupBy().contains(ALL_LABELS)) {
      out.putAll(labels);
      return out;
    }
    for (String name : route.groupBy()) {
      String v = labels.get(name);
      if (v != null && !v.isEmpty()) out.put(name, v);
    }
    return out;
  }

  private static final class Group {
    final Route route;
    final String key;
    final Map<String, String> groupLabels;
    final Map<AlertKey, Alert> alerts = new LinkedHashMap<>();
    long nextFlushAt;

    Group(Route route, String key, Map<String, String> groupLabels, long nextFlushAt) {
      this.route = route;
      this.key = key;
      this.groupLabels = groupLabels;
      this.nextFlushAt = nextFlushAt;
    }
  }

  private record Notified(Set<AlertKey> firing, Set<AlertKey> resolved, long at) {}
}
