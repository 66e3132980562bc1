package dev.loupe.notify;

import static dev.loupe.notify.TestAlerts.firing;
import static dev.loupe.notify.TestAlerts.labels;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Without any alerting config, alerts go to the log: one structured line per notification. */
class LogNotifierTest {
  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  private static final long T = T0.toEpochMilli();

  @TempDir Path dir;
  private final Logger logger = (Logger) LoggerFactory.getLogger(LogNotifier.LOGGER);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @BeforeEach
  void capture() {
    lines.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void release() {
    logger.detachAppender(lines);
  }

  @Test
  void eachNotificationIsOneLogLineWithItsStatusGroupAndBody() throws Exception {
    try (AlertDispatcher d = TestAlerts.dispatcher("", dir, new MutableClock(T0), new PrometheusRegistry())) {
      List<dev.loupe.model.Alert> alerts = List.of(
          firing(labels("GpuTemperatureHigh", "critical", "gpu", "0"), T, T, 84),
          firing(labels("GpuMemoryFull", "warning", "gpu", "1"), T, T, 0.97));
      d.dispatch(alerts, T);
      d.deliverDue(T);
      assertThat(lines.list).isEmpty();  // group_wait 30s, Alertmanager's default
      d.dispatch(alerts, T + 30_000);
      d.deliverDue(T + 30_000);
    }
    assertThat(lines.list).hasSize(1);
    ILoggingEvent line = lines.list.get(0);
    Map<String, Object> pairs = line.getKeyValuePairs().stream().collect(Collectors.toMap(p -> p.key, p -> p.value));
    assertThat(line.getFormattedMessage()).isEqualTo("alert notification: firing {}:{}, 2 alert(s)");
    assertThat(pairs).containsEntry("status", "firing").containsEntry("group_key", "{}:{}").containsEntry("alerts", 2);
    var body = new ObjectMapper().readTree((String) pairs.get("notification"));
    assertThat(body.get("receiver").asText()).isEqualTo("log");
    assertThat(body.get("alerts")).hasSize(2);
  }
}
