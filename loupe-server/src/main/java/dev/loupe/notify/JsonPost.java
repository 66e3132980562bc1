package dev.loupe.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One JSON POST with a timeout, its answer mapped to a {@link Notifier.Outcome}. */
final class JsonPost {
  private static final Logger LOG = LoggerFactory.getLogger(JsonPost.class);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();

  private JsonPost() {}

  static Notifier.Outcome send(String notifier, URI url, byte[] body, Map<String, String> headers, Duration timeout) {
    HttpRequest.Builder request = HttpRequest.newBuilder(url)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header("User-Agent", "Loupe")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    try {
      HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      int code = r.statusCode();
      if (code / 100 == 2) return Notifier.Outcome.DELIVERED;
      String answer = r.body().length() > 200 ? r.body().substring(0, 200) + "…" : r.body();
      if (code == 408 || code == 429 || code / 100 == 5) {
        LOG.warn("notifier {}: {} answered {} {}; will retry", notifier, url, code, answer);
        return Notifier.Outcome.RETRY;
      }
      LOG.error("notifier {}: {} refused the notification with {} {}; dropping it", notifier, url, code, answer);
      return Notifier.Outcome.REJECTED;
    } catch (IOException e) {
      LOG.warn("notifier {}: cannot reach {}: {}; will retry", notifier, url, e.toString());
      return Notifier.Outcome.RETRY;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Notifier.Outcome.RETRY;
    }
  }
}
