package dev.loupe.ingest.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loupe.model.Inference;
import dev.loupe.model.Outcome;
import dev.loupe.model.TimestampAdmission;
import dev.loupe.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class JsonEventDecoderTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:05:00Z"));
  final JsonEventDecoder decoder =
      new JsonEventDecoder(new TimestampAdmission(clock, Duration.ofMinutes(10), Duration.ofDays(30)));

  static String line(int i) {
    return "{\"timestamp\":\"2026-11-28T10:00:00Z\",\"deployment\":\"chat-prod\",\"model\":\"gpt-4o\","
        + "\"request_id\":\"r-" + i + "\",\"input_tokens\":" + (100 + i) + ",\"latency_ms\":12.5,\"status\":\"ok\"}";
  }

  JsonEventDecoder.Decoded decode(String body) {
    return decoder.decode(JsonEventDecoder.Kind.INFERENCES, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsArraysSingleObjectsAndNdjson() {
    assertThat(decode("[" + line(1) + "," + line(2) + "]").batch().inferences()).hasSize(2);
    assertThat(decode(line(1)).batch().inferences()).hasSize(1);
    assertThat(decode(line(1) + "\r\n\r\n" + line(2) + "\n").batch().inferences()).hasSize(2);
    assertThat(decode("  [ ]  ").received()).isZero();
    Inference i = decode(line(3)).batch().inferences().get(0);
    assertThat(i.inputTokens()).isEqualTo(103);
    assertThat(i.outcome()).isEqualTo(Outcome.OK);
    assertThat(i.key().modelVersion()).isEqualTo("unknown");
  }

  @Test
  void nonObjectsAndTrailingContentAreRejectedWithTheirPlace() {
    JsonEventDecoder.Decoded d = decode(line(1) + "\n42\n" + line(3) + " {}\n[1]\n");
    assertThat(d.batch().inferences()).hasSize(1);
    assertThat(d.rejections()).extracting(Rejection::line).containsExactly(2, 3, 4);
    assertThat(d.rejections().get(0).reason()).contains("a number");
    assertThat(d.rejections().get(1).reason()).contains("one object per line");
    assertThat(d.rejections().get(1).column()).isEqualTo(line(3).length() + 2);

    JsonEventDecoder.Decoded a = decode("[\n" + line(1) + ",\n\"x\",\n" + line(2) + "]");
    assertThat(a.batch().inferences()).hasSize(2);
    assertThat(a.rejections()).singleElement().satisfies(r -> {
      assertThat(r.line()).isEqualTo(3);
      assertThat(r.column()).isEqualTo(1);
    });
  }

  @Test
  void malformedArrayNamesLineAndColumn() {
    assertThatThrownBy(() -> decode("[\n" + line(1) + ",\n  {\"a\": }\n]"))
        .isInstanceOf(MalformedJsonException.class)
        .satisfies(e -> {
          MalformedJsonException m = (MalformedJsonException) e;
          assertThat(m.line()).isEqualTo(3);
          assertThat(m.column()).isEqualTo(9);
        });
    assertThatThrownBy(() -> decode("[" + line(1))).isInstanceOf(MalformedJsonException.class);
    assertThatThrownBy(() -> decode("   ")).isInstanceOf(MalformedJsonException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void wrongTypesNameTheField() {
    JsonEventDecoder.Decoded d = decode(
        line(1).replace("\"input_tokens\":101", "\"input_tokens\":\"many\"") + "\n"
            + line(2).replace("12.5", "[1]") + "\n"
            + line(3).replace("\"ok\"", "\"fine\"") + "\n"
            + line(4).replace("2026-11-28T10:00:00Z", "yesterday") + "\n"
            + line(5).replace("\"input_tokens\":105", "\"input_tokens\":1.5") + "\n");
    assertThat(d.batch().inferences()).isEmpty();
    assertThat(d.rejections()).extracting(Rejection::field)
        .containsExactly("input_tokens", "latency_ms", "status", "timestamp", "input_tokens");
    assertThat(d.rejections().get(0).reason()).contains("\"many\"");
    assertThat(d.rejections().get(2).reason()).contains("ok, error, throttled");
  }

  @Test
  void aTimeBeyondEpochMillisecondsIsRejectedByName() {
    JsonEventDecoder.Decoded d = decode(line(1).replace("2026-11-28T10:00:00Z", "+999999999-01-01T00:00:00Z"));
    assertThat(d.rejections()).singleElement().satisfies(r -> {
      assertThat(r.field()).isEqualTo("timestamp");
      assertThat(r.reason()).contains("out of range");
    });
  }

  @Test
  void timestampsInEveryAcceptedForm() {
    String base = "{\"deployment\":\"d\",\"model\":\"m\",\"timestamp\":";
    long expected = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    for (String ts : List.of("\"2026-11-28T10:00:00Z\"", "\"2026-11-28T11:00:00+01:00\"", "\"2026-11-28 10:00:00Z\"",
        Long.toString(expected), Long.toString(expected / 1000), "\"" + expected + "\"")) {
      JsonEventDecoder.Decoded d = decode(base + ts + "}");
      assertThat(d.rejections()).as(ts).isEmpty();
      assertThat(d.batch().inferences().get(0).timestampMillis()).as(ts).isEqualTo(expected);
    }
  }

  /**
   * Property: whatever a mutation does to one NDJSON line, the decoder neither throws nor loses
   * any other line, and rejects at most the mutated one.
   */
  @Test
  void fuzzedLinesNeverCostTheOthers() {
    Random random = new Random(20261128);
    int lines = 12;
    List<String> original = new ArrayList<>();
    for (int i = 0; i < lines; i++) original.add(line(i));
    byte[] alphabet = "{}[]\":,0123456789.-eE ntrufalsxyz\\\u00e9\t".getBytes(StandardCharsets.UTF_8);
    for (int round = 0; round < 3000; round++) {
      int target = random.nextInt(lines);
      byte[] b = original.get(target).getBytes(StandardCharsets.UTF_8);
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits; e++) {
        int pos = random.nextInt(b.length);
        byte with = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
        if (with == '\n') with = ' ';
        switch (random.nextInt(3)) {
          case 0 -> b[pos] = with;
          case 1 -> b = concat(slice(b, 0, pos), new byte[] {with}, slice(b, pos, b.length));
          default -> b = concat(slice(b, 0, pos), slice(b, Math.min(b.length, pos + 1 + random.nextInt(8)), b.length));
        }
      }
      List<String> body = new ArrayList<>(original);
      body.set(target, new String(b, StandardCharsets.ISO_8859_1));
      byte[] bytes = concat(
          String.join("\n", body.subList(0, target)).getBytes(StandardCharsets.UTF_8),
          target == 0 ? new byte[0] : new byte[] {'\n'},
          b,
          new byte[] {'\n'},
          String.join("\n", body.subList(target + 1, lines)).getBytes(StandardCharsets.UTF_8));
      if (bytes.length > 0 && bytes[0] == '[') continue; // a mutated first line may turn the body into an array
      JsonEventDecoder.Decoded d = decoder.decode(JsonEventDecoder.Kind.INFERENCES, bytes);
      Set<String> kept = d.batch().inferences().stream().map(Inference::requestId).collect(Collectors.toSet());
      for (int i = 0; i < lines; i++) {
        if (i != target) assertThat(kept).as("round %d, line %d", round, i + 1).contains("r-" + i);
      }
      assertThat(d.rejections()).allSatisfy(r -> assertThat(r.line()).isEqualTo(target + 1));
    }
  }

  @Test
  void fuzzedArraysEitherDecodeOrFailCleanly() {
    Random random = new Random(7);
    String body = "[" + line(1) + "," + line(2) + "," + line(3) + "]";
    for (int round = 0; round < 3000; round++) {
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      for (int e = 0; e < 3; e++) b[random.nextInt(b.length)] = (byte) random.nextInt(128);
      try {
        JsonEventDecoder.Decoded d = decoder.decode(JsonEventDecoder.Kind.INFERENCES, b);
        assertThat(d.batch().inferences().size() + d.rejections().size()).isLessThanOrEqualTo(d.received() + 1);
      } catch (MalformedJsonException expected) {
        assertThat(expected.line()).isPositive();
        assertThat(expected.column()).isPositive();
      }
    }
  }

  /**
   * Property: feedback and labels with any mix of field types are each kept or rejected, never
   * both, never thrown; a kept thumbs is 0 or 1 and a kept rating a whole number from 1 to 5.
   */
  @Test
  void feedbackAndLabelsWithRandomFieldsAreEachKeptOrRejected() {
    Random random = new Random(11);
    String[] values = {"\"up\"", "\"down\"", "\"sideways\"", "true", "false", "1", "0", "-1", "3", "5", "7", "4.5",
        "null", "{}", "[1]", "\"\"", "\"r-1\"", "\"2026-11-28T10:00:00Z\"", "1e308", "\"positive\""};
    String[] fields = {"thumbs", "rating", "request_id", "trace_id", "timestamp", "label", "predicted", "name", "comment"};
    for (JsonEventDecoder.Kind kind : List.of(JsonEventDecoder.Kind.FEEDBACK, JsonEventDecoder.Kind.LABELS)) {
      for (int round = 0; round < 2000; round++) {
        StringBuilder body = new StringBuilder();
        int records = 1 + random.nextInt(5);
        for (int r = 0; r < records; r++) {
          List<String> parts = new ArrayList<>();
          for (String f : fields) {
            if (random.nextInt(3) > 0) parts.add("\"" + f + "\":" + values[random.nextInt(values.length)]);
          }
          body.append('{').append(String.join(",", parts)).append("}\n");
        }
        JsonEventDecoder.Decoded d = decoder.decode(kind, body.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(d.batch().scores().size() + d.labels().size() + d.rejections().size())
            .as("round %d: %s", round, body).isEqualTo(records);
        for (var score : d.batch().scores()) {
          if (score.name().equals(FeedbackJson.THUMBS)) assertThat(score.value()).isIn(0.0, 1.0);
          if (score.name().equals(FeedbackJson.RATING)) assertThat(score.value()).isIn(1.0, 2.0, 3.0, 4.0, 5.0);
        }
      }
    }
  }

  private static byte[] slice(byte[] b, int from, int to) {
    return java.util.Arrays.copyOfRange(b, from, Math.max(from, to));
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
