package dev.loupe.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each notification as one log line on logger {@code dev.loupe.notify.alerts}: a short
 * message, and as key-value pairs its {@code status}, {@code group_key}, {@code alerts} count and
 * the whole webhook JSON as {@code notification} (fields of the line in Loupe's JSON log format).
 */
final class LogNotifier implements Notifier {
  static final String NAME = "log";
  static final String LOGGER = "dev.loupe.notify.alerts";
  private static final Logger ALERTS = LoggerFactory.getLogger(LOGGER);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Outcome deliver(long deliveryId, String body) {
    JsonNode n;
    try {
      n = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return Outcome.REJECTED;  // only Loupe writes these bodies; cannot happen short of a corrupt outbox
    }
    String status = n.path("status").asText();
    String groupKey = n.path("groupKey").asText();
    int alerts = n.path("alerts").size();
    ALERTS.atInfo()
        .setMessage("alert notification: " + status + " " + groupKey + ", " + alerts + " alert(s)")
        .addKeyValue("status", status)
        .addKeyValue("group_key", groupKey)
        .addKeyValue("alerts", alerts)
        .addKeyValue("notification", body)
        .log();
    return Outcome.DELIVERED;
  }
}
