package dev.loupe.ingest.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.model.InvalidRecordException;
import dev.loupe.model.Outcome;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shapes real JSON log formatters write, each mapped the same way. */
class LogLineMapperTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @SuppressWarnings("unchecked")
  static LogLineMapper.Mapped map(String json) throws Exception {
    return LogLineMapper.map(new FieldReader(JSON.readValue(json, Map.class)));
  }

  @Test
  void pythonJsonLogger() throws Exception {
    LogLineMapper.Mapped m = map("{\"asctime\":\"x\",\"timestamp\":\"2026-11-28T10:00:00.123Z\",\"levelname\":\"INFO\","
        + "\"service\":\"chat-api\",\"message\":\"completion done\",\"model\":\"gpt-4o\",\"model_version\":\"2024-08-06\","
        + "\"request_id\":\"r-9\",\"prompt_tokens\":700,\"completion_tokens\":120,\"latency_ms\":950.5}");
    assertThat(m.log().level()).isEqualTo("INFO");
    assertThat(m.log().message()).isEqualTo("completion done");
    assertThat(m.inference().inputTokens()).isEqualTo(700);
    assertThat(m.inference().outputTokens()).isEqualTo(120);
    assertThat(m.inference().totalTokens()).isEqualTo(820);
    assertThat(m.inference().latencyMs()).isEqualTo(950.5);
    assertThat(m.inference().requestId()).isEqualTo("r-9");
    assertThat(m.inference().key().modelVersion()).isEqualTo("2024-08-06");
  }

  @Test
  void pinoAndLogstashShapes() throws Exception {
    LogLineMapper.Mapped pino = map("{\"level\":30,\"time\":1764324000123,\"msg\":\"ok\",\"app\":\"gw\","
        + "\"tokens_used\":42,\"duration_ms\":12,\"status_code\":429}");
    assertThat(pino.log().timestampMillis()).isEqualTo(1764324000123L);
    assertThat(pino.log().service()).isEqualTo("gw");
    assertThat(pino.inference().outcome()).isEqualTo(Outcome.THROTTLED);
    assertThat(pino.inference().totalTokens()).isEqualTo(42);
    assertThat(pino.inference().inputTokens()).isNull();
    assertThat(pino.inference().key().model()).isEqualTo("unknown");

    LogLineMapper.Mapped logstash = map("{\"@timestamp\":\"2026-11-28T10:00:00Z\",\"level\":\"ERROR\","
        + "\"service.name\":\"chat\",\"message\":\"boom\",\"latency_ms\":5,\"error\":\"timeout\"}");
    assertThat(logstash.inference().outcome()).isEqualTo(Outcome.ERROR);
    assertThat(logstash.log().service()).isEqualTo("chat");
  }

  @Test
  void plainLinesAreLogsOnlyAndApiKeysNeverKept() throws Exception {
    LogLineMapper.Mapped m = map("{\"ts\":1764324000,\"level\":\"debug\",\"msg\":\"cache warm\",\"api_key\":\"sk-1\"}");
    assertThat(m.inference()).isNull();
    assertThat(m.log().timestampMillis()).isEqualTo(1764324000000L);
    assertThat(m.log().attributes()).doesNotContainKey("api_key");
    assertThat(m.log().attributes().values()).noneMatch(v -> v.contains("sk-1"));
  }

  @Test
  void aLineWithoutTimeIsRejected() {
    assertThatThrownBy(() -> map("{\"msg\":\"x\"}"))
        .isInstanceOf(InvalidRecordException.class)
        .satisfies(e -> assertThat(((InvalidRecordException) e).field()).isEqualTo("timestamp"));
  }
}
