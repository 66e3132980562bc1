package dev.loupe.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.model.Alert;
import dev.loupe.model.AlertState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What goes to Alertmanager after an evaluation, decided as Prometheus's {@code rules/alerting.go}
 * ({@code needsSending}, {@code sendAlerts}) and {@code rules/manager.go} ({@code SendAlerts}) do:
 * pending alerts are not sent; a firing alert is sent when it was never sent or its last send is
 * more than {@code resend_delay} ago, with {@code endsAt = now + 4 × max(evaluation interval,
 * resend delay)} so Alertmanager expires it if Loupe stops; a resolved alert is sent at once with
 * {@code endsAt} = its resolve time, then every {@code resend_delay} while the engine keeps it.
 * {@code startsAt} is when it fired. Alertmanager groups and deduplicates itself.
 */
final class AlertmanagerFeed {
  /** Prometheus's notifier posts at most this many alerts per request. */
  static final int MAX_BATCH = 256;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final long resendDelayMillis;
  private final long validForMillis;
  private final LoupeLinks links;
  /** When each alert instance was last sent; an instance is its labels and its active-since time. */
  private final Map<AlertKey, Long> lastSent = new HashMap<>();

  AlertmanagerFeed(Duration resendDelay, Duration evaluationInterval, LoupeLinks links) {
    this.resendDelayMillis = resendDelay.toMillis();
    this.validForMillis = 4 * Math.max(evaluationInterval.toMillis(), resendDelayMillis);
    this.links = links;
  }

  /** The request bodies to post to every Alertmanager now (none when nothing needs sending). */
  List<String> bodies(List<Alert> alerts, long nowMillis) {
    Set<AlertKey> present = new HashSet<>();
    List<ObjectNode> toSend = new ArrayList<>();
    for (Alert a : alerts) {
      AlertKey key = AlertKey.of(a);
      present.add(key);
      if (!needsSending(a, lastSent.get(key), nowMillis)) continue;
      lastSent.put(key, nowMillis);
      toSend.add(render(a, nowMillis));
    }
    // An instance the engine no longer hands over is gone for good; a recurrence is a new one.
    lastSent.keySet().retainAll(present);
    List<String> bodies = new ArrayList<>();
    for (int from = 0; from < toSend.size(); from += MAX_BATCH) {
      ArrayNode batch = JSON.createArrayNode();
      toSend.subList(from, Math.min(toSend.size(), from + MAX_BATCH)).forEach(batch::add);
      bodies.add(batch.toString());
    }
    return bodies;
  }

  private boolean needsSending(Alert a, Long lastSentAt, long now) {
    if (a.state() == AlertState.PENDING) return false;
    long last = lastSentAt == null ? 0 : lastSentAt;
    if (a.state() == AlertState.RESOLVED && a.resolvedAtMillis() > last) return true;
    // Strictly after, as Prometheus's LastSentAt.Add(resendDelay).Before(ts).
    return last + resendDelayMillis < now;
  }

  private ObjectNode render(Alert a, long now) {
    ObjectNode o = JSON.createObjectNode();
    ObjectNode labels = o.putObject("labels");
    new java.util.TreeMap<>(a.labels()).forEach(labels::put);
    ObjectNode annotations = o.putObject("annotations");
    new java.util.TreeMap<>(a.annotations()).forEach(annotations::put);
    o.put("startsAt", Instant.ofEpochMilli(startsAt(a)).toString());
    long endsAt = a.state() == AlertState.RESOLVED ? a.resolvedAtMillis() : now + validForMillis;
    o.put("endsAt", Instant.ofEpochMilli(endsAt).toString());
    o.put("generatorURL", links.alert(a));
    return o;
  }

  /** Prometheus sends {@code FiredAt}; an alert resolved without having fired has none, so its start. */
  static long startsAt(Alert a) {
    return a.firedAtMillis() > 0 ? a.firedAtMillis() : a.activeSinceMillis();
  }

  /** One alert instance: its label set and when it became active. */
  record AlertKey(Map<String, String> labels, long activeSinceMillis) {
    static AlertKey of(Alert a) {
      return new AlertKey(a.labels(), a.activeSinceMillis());
    }
  }
}
