package dev.loupe.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.model.Alert;
import dev.loupe.model.AlertState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The body of a webhook or log notification: Alertmanager's webhook payload (version 4, its
 * field names, so receivers written for Alertmanager take it unchanged), each alert with Loupe's
 * {@code value} added. A firing alert's {@code endsAt} is Go's zero time, as Alertmanager sends it.
 */
final class WebhookPayload {
  static final String VERSION = "4";
  static final String NO_END = "0001-01-01T00:00:00Z";
  private static final ObjectMapper JSON = new ObjectMapper();

  private WebhookPayload() {}

  static String render(AlertGroups.GroupNotification n, LoupeLinks links) {
    ObjectNode o = JSON.createObjectNode();
    o.put("version", VERSION);
    o.put("groupKey", n.groupKey());
    o.put("truncatedAlerts", 0);
    boolean firing = n.alerts().stream().anyMatch(a -> a.state() == AlertState.FIRING);
    o.put("status", firing ? "firing" : "resolved");
    o.put("receiver", n.receiver());
    put(o.putObject("groupLabels"), n.groupLabels());
    put(o.putObject("commonLabels"), common(n.alerts(), Alert::labels));
    put(o.putObject("commonAnnotations"), common(n.alerts(), Alert::annotations));
    o.put("externalURL", links.base());
    ArrayNode alerts = o.putArray("alerts");
    for (Alert a : n.alerts()) {
      ObjectNode j = alerts.addObject();
      j.put("status", a.state() == AlertState.RESOLVED ? "resolved" : "firing");
      put(j.putObject("labels"), a.labels());
      put(j.putObject("annotations"), a.annotations());
      j.put("startsAt", Instant.ofEpochMilli(AlertmanagerFeed.startsAt(a)).toString());
      j.put("endsAt", a.state() == AlertState.RESOLVED ? Instant.ofEpochMilli(a.resolvedAtMillis()).toString() : NO_END);
      j.put("generatorURL", links.alert(a));
      j.put("fingerprint", fingerprint(a.labels()));
      if (Double.isFinite(a.value())) {
        j.put("value", a.value());
      } else {
        j.put("value", Double.toString(a.value()));
      }
    }
    return o.toString();
  }

  private static void put(ObjectNode node, Map<String, String> values) {
    new TreeMap<>(values).forEach(node::put);
  }

  /** The pairs every alert shares, as Alertmanager's commonLabels / commonAnnotations. */
  private static Map<String, String> common(List<Alert> alerts, Function<Alert, Map<String, String>> of) {
    Map<String, String> out = new HashMap<>(of.apply(alerts.get(0)));
    for (Alert a : alerts.subList(1, alerts.size())) {
      Map<String, String> m = of.apply(a);
      out.entrySet().removeIf(e -> !e.getValue().equals(m.get(e.getKey())));
    }
    return out;
  }

  /**
   * Alertmanager's (Prometheus's {@code LabelSet.Fingerprint}) identity of an alert: FNV-1a 64 over
   * the sorted names and values, each followed by byte 255, in 16 hex digits.
   */
  static String fingerprint(Map<String, String> labels) {
    long h = 0xcbf29ce484222325L;
    for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
      h = add(add(h, e.getKey()), e.getValue());
    }
    return String.format("%016x", h);
  }

  private static long add(long h, String s) {
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= 0xff;
    h *= 0x100000001b3L;
    return h;
  }
}
