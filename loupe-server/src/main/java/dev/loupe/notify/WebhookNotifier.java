package dev.loupe.notify;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Posts grouped notifications ({@link WebhookPayload}) to a URL. With a secret, each request
 * carries {@code X-Loupe-Signature: sha256=<hex HMAC-SHA256 of the raw body>}; every request
 * carries {@code X-Loupe-Delivery: <id>}, the same on each retry, so a receiver can drop repeats.
 */
final class WebhookNotifier implements Notifier {
  static final String SIGNATURE_HEADER = "X-Loupe-Signature";
  static final String DELIVERY_HEADER = "X-Loupe-Delivery";

  private final String name;
  private final URI url;
  private final String hmacSecret;
  private final Duration timeout;

  WebhookNotifier(String name, URI url, String hmacSecret, Duration timeout) {
    this.name = name;
    this.url = url;
    this.hmacSecret = hmacSecret;
    this.timeout = timeout;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Outcome deliver(long deliveryId, String body) {
    byte[] raw = body.getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(DELIVERY_HEADER, Long.toString(deliveryId));
    if (hmacSecret != null) headers.put(SIGNATURE_HEADER, "sha256=" + hmacSha256Hex(hmacSecret, raw));
    return JsonPost.send(name, url, raw, headers, timeout);
  }

  static String hmacSha256Hex(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
