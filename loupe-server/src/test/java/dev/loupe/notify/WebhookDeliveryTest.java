package dev.loupe.notify;

import static dev.loupe.notify.TestAlerts.counter;
import static dev.loupe.notify.TestAlerts.firing;
import static dev.loupe.notify.TestAlerts.labels;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.Alert;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.RecordingReceiver;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delivery of webhook notifications: retries with capped exponential backoff, HMAC signatures, giving up. */
class WebhookDeliveryTest {
  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  private static final long T = T0.toEpochMilli();

  @TempDir Path dir;
  private final RecordingReceiver hook = RecordingReceiver.start();
  private final MutableClock clock = new MutableClock(T0);
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Alert alert = firing(labels("GpuTemperatureHigh", "critical", "gpu", "0"), T, T, 84);

  @AfterEach
  void stop() {
    hook.close();
  }

  private String yaml(String webhookExtra, String deliveryExtra) {
    return "alerting:\n  webhooks:\n    - name: oncall\n      url: " + hook.uri("/hook") + "\n" + webhookExtra
        + "  route:\n    receiver: oncall\n    group_wait: 0s\n" + deliveryExtra;
  }

  @Test
  void failedDeliveriesAreRetriedWithExponentialBackoffUntilTheReceiverTakesThem() {
    hook.answer(500, 503, 500, 200);
    try (AlertDispatcher d = TestAlerts.dispatcher(yaml("", "  delivery:\n    min_backoff: 1s\n    max_backoff: 3s\n"),
        dir, clock, registry)) {
      d.dispatch(List.of(alert), T);
      assertThat(d.queueLength()).isEqualTo(1);
      assertThat(TestAlerts.queueGauge(registry)).isEqualTo(1);
      assertThat(d.deliverDue(T)).isZero();
      assertThat(hook.requests()).hasSize(1);
      // 1s after the first failure, 2s after the second, then capped at max_backoff 3s.
      assertThat(d.deliverDue(T + 999)).isZero();
      assertThat(hook.requests()).hasSize(1);
      assertThat(d.deliverDue(T + 1000)).isZero();
      assertThat(hook.requests()).hasSize(2);
      assertThat(d.deliverDue(T + 2999)).isZero();
      assertThat(hook.requests()).hasSize(2);
      assertThat(d.deliverDue(T + 3000)).isZero();
      assertThat(hook.requests()).hasSize(3);
      assertThat(d.deliverDue(T + 5999)).isZero();
      assertThat(hook.requests()).hasSize(3);
      assertThat(d.deliverDue(T + 6000)).isEqualTo(1);
      assertThat(hook.requests()).hasSize(4);
      assertThat(d.deliverDue(T + 60_000)).isZero();
      assertThat(hook.requests()).hasSize(4);

      // Every attempt carried the same body and delivery id.
      assertThat(hook.bodies()).containsOnly(hook.bodies().get(0));
      assertThat(hook.requests()).extracting(r -> r.headers().get("x-loupe-delivery"))
          .containsOnly(hook.requests().get(0).headers().get("x-loupe-delivery"));
      assertThat(hook.requests().get(0).headers()).doesNotContainKey("x-loupe-signature");
      assertThat(d.queueLength()).isZero();
      assertThat(TestAlerts.queueGauge(registry)).isZero();
      assertThat(counter(registry, "oncall", "failed")).isEqualTo(3);
      assertThat(counter(registry, "oncall", "delivered")).isEqualTo(1);
    }
  }

  @Test
  void laterNotificationsWaitBehindAFailedOneSoOrderIsKept() throws Exception {
    hook.answer(500);
    String yaml = "alerting:\n  webhooks:\n    - name: oncall\n      url: " + hook.uri("/") + "\n"
        + "  route:\n    receiver: oncall\n    group_by: [gpu]\n    group_wait: 0s\n";
    try (AlertDispatcher d = TestAlerts.dispatcher(yaml, dir, clock, registry)) {
      d.dispatch(List.of(alert), T);
      d.deliverDue(T);
      d.dispatch(List.of(alert, firing(labels("GpuTemperatureHigh", "critical", "gpu", "1"), T, T, 85)), T + 500);
      d.deliverDue(T + 500);
      assertThat(hook.requests()).hasSize(1);  // the second waits for the first's retry
      d.deliverDue(T + 1000);
      assertThat(hook.bodies()).hasSize(3);
      assertThat(hook.bodies().get(1)).isEqualTo(hook.bodies().get(0)).contains("\"gpu\":\"0\"");
      assertThat(hook.bodies().get(2)).contains("\"gpu\":\"1\"");
    }
  }

  @Test
  void withASecretEachRequestIsSignedWithHmacSha256OfTheRawBody() throws Exception {
    try (AlertDispatcher d = TestAlerts.dispatcher(yaml("      hmac_secret: 's3cret-key'\n", ""), dir, clock, registry)) {
      d.dispatch(List.of(alert), T);
      assertThat(d.deliverDue(T)).isEqualTo(1);
      RecordingReceiver.Request r = hook.requests().get(0);
      String header = r.headers().get("x-loupe-signature");
      assertThat(header).isEqualTo("sha256=" + hmac("s3cret-key", r.body()));
      assertThat(header).isNotEqualTo("sha256=" + hmac("another-key", r.body()));
      assertThat(header).isNotEqualTo("sha256=" + hmac("s3cret-key", r.body() + " "));
    }
  }

  @Test
  void aNotificationTheReceiverRefusesIsDroppedAndCounted() {
    hook.answer(400);
    try (AlertDispatcher d = TestAlerts.dispatcher(yaml("", ""), dir, clock, registry)) {
      d.dispatch(List.of(alert), T);
      d.deliverDue(T);
      d.deliverDue(T + 600_000);
      assertThat(hook.requests()).hasSize(1);
      assertThat(d.queueLength()).isZero();
      assertThat(counter(registry, "oncall", "rejected")).isEqualTo(1);
    }
  }

  @Test
  void aNotificationUndeliveredPastMaxAgeIsDroppedAndCounted() {
    hook.close();  // the receiver is down
    try (AlertDispatcher d = TestAlerts.dispatcher(yaml("", "  delivery:\n    max_age: 1h\n"), dir, clock, registry)) {
      d.dispatch(List.of(alert), T);
      for (long t = T; t <= T + 3_600_000; t += 60_000) d.deliverDue(t);
      assertThat(d.queueLength()).isEqualTo(1);
      d.deliverDue(T + 3_600_001);
      assertThat(d.queueLength()).isZero();
      assertThat(counter(registry, "oncall", "expired")).isEqualTo(1);
      assertThat(counter(registry, "oncall", "failed")).isGreaterThan(10);
    }
  }

  private static String hmac(String secret, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }
}
