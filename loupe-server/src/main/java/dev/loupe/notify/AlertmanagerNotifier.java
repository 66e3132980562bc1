package dev.loupe.notify;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Posts alert batches to one Alertmanager's v2 API ({@code POST <url>/api/v2/alerts}, a JSON
 * array of {@code {labels, annotations, startsAt, endsAt, generatorURL}}). What is sent when is
 * decided by {@link AlertmanagerFeed}, the way Prometheus decides it.
 */
final class AlertmanagerNotifier implements Notifier {
  private final String name;
  private final URI alertsUrl;
  private final Duration timeout;

  AlertmanagerNotifier(URI baseUrl, Duration timeout) {
    String base = baseUrl.toString();
    this.name = "alertmanager:" + base;
    this.alertsUrl = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/v2/alerts");
    this.timeout = timeout;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Outcome deliver(long deliveryId, String body) {
    return JsonPost.send(name, alertsUrl, body.getBytes(StandardCharsets.UTF_8), Map.of(), timeout);
  }
}
