package dev.loupe.ingest.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.ingest.events.JsonEventDecoder;
import dev.loupe.ingest.events.Rejection;
import dev.loupe.model.InvalidRecordException;
import dev.loupe.model.TimestampAdmission;
import dev.loupe.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Valid metric records and REST responses with random parts replaced by random JSON must map or
 * be rejected with a reason: never another exception, and every point counted once. Seeded, so a
 * failure repeats.
 */
class AzureMonitorMetricFuzzTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> KEYS = List.of("time", "timeStamp", "TimeGenerated", "metricName", "MetricName",
      "resourceId", "_ResourceId", "Resource", "total", "average", "count", "minimum", "maximum", "dimensions",
      "ModelDeploymentName", "StatusCode", "value", "name", "id", "timeseries", "metadatavalues", "data",
      "errorCode", "errorMessage", "localizedValue", "x");
  static final List<Object> SCALARS = List.of("", "NaN", "Infinity", "-1", "1e400", "garbage", "0", "Σ", "---",
      "2026-11-29T10:01:00.0000000Z", "+999999999-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z",
      "2026-11-29 10:01:00Z", "/", "/A/B/C/", "x/providers/microsoft.insights/metrics/y", "AzureOpenAIRequests",
      "GeneratedTokens", "Success", true, false, 0, -1, 3, Long.MAX_VALUE, 1e300, -0.0, 2.5, 1795946460000L);

  final TimestampAdmission admission = new TimestampAdmission(
      new MutableClock(Instant.parse("2026-11-29T10:05:00Z")), Duration.ofMinutes(10), Duration.ofDays(30));
  final JsonEventDecoder decoder = new JsonEventDecoder(admission);

  static Map<String, Object> seedRecord() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("time", "2026-11-29T10:01:00.0000000Z");
    r.put("resourceId", "/SUBSCRIPTIONS/S/PROVIDERS/MICROSOFT.COGNITIVESERVICES/ACCOUNTS/MY-AOAI");
    r.put("metricName", "AzureOpenAITimeToResponse");
    r.put("count", 3);
    r.put("total", 2412);
    r.put("average", 804.0);
    r.put("dimensions", new LinkedHashMap<>(Map.of("ModelDeploymentName", "gpt4o-prod", "StatusCode", "429")));
    return r;
  }

  static Map<String, Object> seedResponse() {
    List<Object> data = new ArrayList<>(List.of(
        new LinkedHashMap<>(Map.of("timeStamp", "2026-11-29T10:00:00Z")),
        new LinkedHashMap<>(Map.of("timeStamp", "2026-11-29T10:01:00Z", "total", 3)),
        new LinkedHashMap<>(Map.of("timeStamp", "2026-11-29T10:02:00Z", "average", 1, "count", 5))));
    List<Object> metadata = new ArrayList<>(List.of(
        new LinkedHashMap<>(Map.of("name", new LinkedHashMap<>(Map.of("value", "StatusCode")), "value", "429"))));
    Map<String, Object> series = new LinkedHashMap<>(Map.of("metadatavalues", metadata, "data", data));
    Map<String, Object> metric = new LinkedHashMap<>(Map.of(
        "id", "/S/ACCOUNTS/MY-AOAI/providers/Microsoft.Insights/metrics/AzureOpenAIRequests",
        "name", new LinkedHashMap<>(Map.of("value", "AzureOpenAIRequests")),
        "timeseries", new ArrayList<>(List.of(series))));
    return new LinkedHashMap<>(Map.of("value", new ArrayList<>(List.of(metric))));
  }

  @Test
  void mutatedRecordsMapOrAreRejected() {
    Random random = new Random(20261129L);
    int mapped = 0;
    int rejected = 0;
    for (int round = 0; round < 5_000; round++) {
      Map<String, Object> record = seedRecord();
      mutate(record, random);
      record.putIfAbsent("metricName", "GeneratedTokens"); // stays a metric record (also when set to null)
      try {
        AzureMonitorMetricMapper.mapRecord(record);
        mapped++;
      } catch (InvalidRecordException expected) {
        assertThat(expected.field()).isNotBlank();
        rejected++;
      } catch (RuntimeException e) {
        fail("mapRecord threw " + e + " on " + text(record), e);
      }
    }
    assertThat(mapped).isPositive();
    assertThat(rejected).isPositive();
  }

  @Test
  void mutatedResponsesNeverThrowAndCountEveryPoint() {
    Random random = new Random(7L);
    for (int round = 0; round < 5_000; round++) {
      Map<String, Object> body = seedResponse();
      mutate(body, random);
      if (!AzureMonitorMetricMapper.isMetricsResponse(body)) continue;
      try {
        AzureMonitorMetricMapper.Points p = AzureMonitorMetricMapper.mapResponse(body, admission);
        assertThat(p.rejected()).allSatisfy(r -> assertThat(r.field()).startsWith("value["));
      } catch (RuntimeException e) {
        fail("mapResponse threw " + e + " on " + text(body), e);
      }
    }
  }

  /** Through the decoder: no rejection is an unexpected exception, and kept + rejected = received. */
  @Test
  void mutatedEnvelopesAreDecodedRecordByRecord() {
    Random random = new Random(42L);
    for (int round = 0; round < 2_000; round++) {
      List<Object> records = new ArrayList<>();
      for (int i = 0; i < 1 + random.nextInt(4); i++) {
        Map<String, Object> r = random.nextBoolean() ? seedRecord() : seedResponse();
        mutate(r, random);
        if (r.get("metricName") == null && !AzureMonitorMetricMapper.isMetricsResponse(r)) r.put("metricName", "X");
        records.add(r);
      }
      String body = text(Map.of("records", records));
      JsonEventDecoder.Decoded d =
          decoder.decode(JsonEventDecoder.Kind.AZURE_OPENAI, body.getBytes(StandardCharsets.UTF_8));
      assertThat(d.rejections()).as(body).extracting(Rejection::reason)
          .noneMatch(reason -> reason.startsWith("invalid record:"));
      assertThat(d.batch().size() + d.rejections().size()).as(body).isEqualTo(d.received());
    }
  }

  /** Replaces, removes or adds one to three parts of the tree with random JSON. */
  @SuppressWarnings("unchecked")
  static void mutate(Map<String, Object> root, Random random) {
    for (int m = 0; m < 1 + random.nextInt(3); m++) {
      Object node = root;
      int depth = random.nextInt(6);
      for (int d = 0; d < depth; d++) {
        Object child = null;
        if (node instanceof Map<?, ?> map && !map.isEmpty()) {
          child = new ArrayList<>(map.values()).get(random.nextInt(map.size()));
        } else if (node instanceof List<?> list && !list.isEmpty()) {
          child = list.get(random.nextInt(list.size()));
        }
        if (!(child instanceof Map) && !(child instanceof List)) break;
        node = child;
      }
      if (node instanceof Map<?, ?> map) {
        Map<String, Object> typed = (Map<String, Object>) map;
        String key = random.nextInt(3) == 0 || typed.isEmpty()
            ? KEYS.get(random.nextInt(KEYS.size()))
            : new ArrayList<>(typed.keySet()).get(random.nextInt(typed.size()));
        if (random.nextInt(4) == 0) typed.remove(key);
        else typed.put(key, randomJson(random, 2));
      } else if (node instanceof List<?> list) {
        List<Object> typed = (List<Object>) list;
        if (!typed.isEmpty() && random.nextInt(3) == 0) typed.remove(random.nextInt(typed.size()));
        else typed.add(random.nextInt(typed.size() + 1), randomJson(random, 2));
      }
    }
  }

  static Object randomJson(Random random, int depth) {
    int kind = random.nextInt(depth <= 0 ? 2 : 4);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return SCALARS.get(random.nextInt(SCALARS.size()));
      case 2: {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) m.put(KEYS.get(random.nextInt(KEYS.size())), randomJson(random, depth - 1));
        return m;
      }
      default: {
        List<Object> l = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) l.add(randomJson(random, depth - 1));
        return l;
      }
    }
  }

  static String text(Object tree) {
    try {
      return JSON.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }
}
