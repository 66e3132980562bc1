package dev.loupe.dimension.model.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.Inference;
import dev.loupe.model.Outcome;
import dev.loupe.model.Score;
import dev.loupe.model.SeriesKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** No evaluator throws on arbitrary Unicode, and every score it gives is finite and in its range. */
class HeuristicFuzzTest {
  /** Pieces that steer the evaluators into their branches: fences, quotes, refusal and format phrases. */
  static final List<String> PIECES = List.of("```", "```json\n", "```python\n", "{", "}", "[", "]", "(", ")", "\"",
      "'", "`", "\\", "\"\"\"", "#", "//", "/*", "*/", "--", "\n", "\n\n", " ", ". ", "? ", "I can't help with that",
      "I don't know", ", but ", "je ne sais pas", "我不知道", "申し訳ありませんが", "respond in JSON", "Summarize this:",
      "translate", "3.14", "1,000", "l'homme", "don't", "{\"a\": [1, 2]}", "\u0301", "\u200D", "\uFEFF", "\u0000",
      "😀", "\uD83D", "ﬁ", "Ⅻ", "İ", "ß", "ǅ", "\u202E");
  static final List<String> REASONS = List.of("stop", "length", "MAX_TOKENS", "[\"length\",\"stop\"]", "tool_calls",
      "", " ", ",", "[", "\"\"");
  static final List<String> TYPES = List.of("json_object", "json_schema", "json", "text", "image", "", "JSON_SCHEMA");
  static final Map<String, HeuristicScoreName> NAMES = Arrays.stream(HeuristicScoreName.values())
      .collect(Collectors.toMap(HeuristicScoreName::wireName, Function.identity()));

  final Random random = new Random(20261208L);
  final HeuristicScorer scorer = new HeuristicScorer(HeuristicSettings.DEFAULTS, e -> {
    throw e;
  });

  String text(int maxLength) {
    int n = random.nextInt(maxLength + 1);
    StringBuilder b = new StringBuilder();
    while (b.length() < n) {
      switch (random.nextInt(4)) {
        case 0 -> b.append(PIECES.get(random.nextInt(PIECES.size())));
        case 1 -> b.appendCodePoint(anyCodePoint());
        case 2 -> b.append(Character.toChars(0x20 + random.nextInt(0x5F))); // ASCII
        default -> {
          // a word of one script: Latin, Cyrillic, Han, Hiragana, Hangul, Arabic, Devanagari
          int[] bases = {0x61, 0x430, 0x4E00, 0x3041, 0xAC00, 0x627, 0x915};
          int base = bases[random.nextInt(bases.length)];
          for (int k = random.nextInt(8); k >= 0; k--) b.appendCodePoint(base + random.nextInt(20));
          b.append(' ');
        }
      }
    }
    return b.toString();
  }

  int anyCodePoint() {
    while (true) {
      int cp = random.nextInt(Character.MAX_CODE_POINT + 1);
      if (random.nextBoolean()) cp &= 0xFFFF; // the BMP, lone surrogates included, half the time
      return cp;
    }
  }

  String maybe(int maxLength) {
    return random.nextInt(5) == 0 ? null : text(maxLength);
  }

  @Test
  void randomInferencesNeverThrowAndStayInRange() {
    int scored = 0;
    for (int n = 0; n < 1_000; n++) {
      int size = n % 100 == 0 ? 60_000 : 600;
      Inference i = new Inference(1_796_000_000_000L + n, new SeriesKey("svc", "dep", "m", "v"),
          random.nextBoolean() ? "chat" : "summarize", "r-" + n, random.nextBoolean() ? "t-" + n : null, null, null,
          null, random.nextBoolean() ? null : (long) random.nextInt(100_000), null, null, null, Outcome.OK, null,
          random.nextInt(4) == 0 ? null : random.nextBoolean() ? REASONS.get(random.nextInt(REASONS.size())) : text(20),
          null, null, maybe(size), maybe(size), null);
      List<String> docs = new ArrayList<>();
      for (int d = random.nextInt(4); d > 0; d--) docs.add(maybe(size));
      RequestedFormat format = random.nextBoolean() ? RequestedFormat.UNSPECIFIED
          : random.nextInt(4) == 0 ? RequestedFormat.code(maybe(10))
          : RequestedFormat.fromResponseFormat(TYPES.get(random.nextInt(TYPES.size())), maybe(200));
      RequestContext context = new RequestContext(docs, format, random.nextInt(4) == 0 ? maybe(size) : null);
      for (Score s : scorer.score(i, context)) {
        HeuristicScoreName name = NAMES.get(s.name());
        assertThat(name).as(s.name()).isNotNull();
        assertThat(name.accepts(s.value())).as("%s = %s", s.name(), s.value()).isTrue();
        scored++;
      }
    }
    assertThat(scored).isGreaterThan(3_000);
  }

  @Test
  void eachPieceAloneNeverThrows() {
    List<RequestedFormat> formats = List.of(RequestedFormat.UNSPECIFIED, RequestedFormat.fromResponseFormat("json_object", null),
        RequestedFormat.fromResponseFormat("json_schema", "{\"type\":\"object\",\"required\":[\"a\"]}"),
        RequestedFormat.fromPrompt("respond in JSON"));
    for (int n = 0; n < 1_000; n++) {
      String t = text(n % 50 == 0 ? 20_000 : 300);
      LanguageIdentifier.identify(t);
      RefusalDetector.detect(t);
      RequestedFormat.fromPrompt(t);
      RequestedFormat.fromResponseFormat(t, t);
      SummaryCoverage.asksForSummary(t, t);
      CodeBlockCheck.check(t, n % 3 == 0 ? "python" : n % 3 == 1 ? "rust" : null);
      JsonAnswerCheck.check(t, formats.get(n % formats.size()));
      HeuristicScorer.finishReasons(t);
      Groundedness.of(t, List.of(text(300)), t).ifPresent(g -> assertThat(g).isBetween(0.0, 1.0));
      SummaryCoverage.of(t, t + t).ifPresent(c -> assertThat(c).isBetween(0.0, 1.0));
    }
  }

  @Test
  void pathologicalShapesNeverThrow() {
    List<String> shapes = List.of("[".repeat(100_000), "{\"a\":".repeat(50_000), "```\n".repeat(20_001),
        "(".repeat(100_000) + ")".repeat(99_999), "'".repeat(100_001), "\"".repeat(100_001), "I can't ".repeat(20_000),
        "a".repeat(500_000), "我".repeat(200_000), "\n".repeat(100_000), "\uD800".repeat(1000), "1.".repeat(100_000),
        "don't ".repeat(50_000));
    HeuristicScorer scorer = this.scorer;
    for (String s : shapes) {
      Inference i = new Inference(1_796_000_000_000L, new SeriesKey("svc", "dep", "m", "v"), "summarize", "r", null,
          null, null, null, 5L, null, null, null, Outcome.OK, null, "length", null, null, "Respond in JSON. " + s, s, null);
      for (RequestedFormat f : List.of(RequestedFormat.UNSPECIFIED, RequestedFormat.code("python"))) {
        for (Score score : scorer.score(i, new RequestContext(List.of(s), f, s))) {
          assertThat(NAMES.get(score.name()).accepts(score.value())).isTrue();
        }
      }
    }
  }
}
