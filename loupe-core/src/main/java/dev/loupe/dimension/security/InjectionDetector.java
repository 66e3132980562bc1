package dev.loupe.dimension.security;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Scores a text for prompt injection and jailbreaks: the hand-written rules
 * ({@link InjectionRules}), the n-gram classifier ({@link InjectionClassifier}), and the same rules
 * again over payloads hidden by encoding (base64, hex, rot13, leetspeak, reversed text, Unicode tag
 * characters). One score 0..1 per text with its evidence:
 *
 * <pre>{@code
 * InjectionVerdict v = InjectionDetector.standard().inspect(prompt);
 * if (v.score() >= threshold.current()) ... v.rules(), v.ngrams()
 * }</pre>
 *
 * <p>The classifier is trained from the project's own templates the first time {@link #standard()}
 * is called (deterministic, a fraction of a second); call it at start-up to keep that off the
 * first request. Thread-safe.
 */
public final class InjectionDetector {
  /** Longest text read; a prompt longer than this is read at both ends. */
  static final int MAX_CHARS = 64 * 1024;
  private static final int MIN_BASE64 = 20;
  private static final int MIN_HEX = 24;
  private static final int MAX_LEET_WORD = 24;
  private static final String[] ROT13_WORDS = rot13(
      "ignore", "disregard", "instructions", "previous", "system prompt", "forget", "reveal", "jailbreak", "pretend");
  private static final String[] REVERSED_WORDS = reverse("instructions", "ignore", "system prompt", "previous");

  private final InjectionClassifier classifier;

  InjectionDetector(InjectionClassifier classifier) {
    this.classifier = classifier;
  }

  private static final class Standard {
    static final InjectionDetector INSTANCE =
        new InjectionDetector(InjectionClassifier.train(InjectionTrainingData.examples(), InjectionTrainingData.SEED));
  }

  /** The detector with the built-in rules and the classifier trained from the built-in templates. */
  public static InjectionDetector standard() {
    return Standard.INSTANCE;
  }

  public InjectionVerdict inspect(String raw) {
    return inspect(raw, 0);
  }

  /**
   * As {@link #inspect(String)}, but the classifier's n-grams are only read out when the score
   * reaches {@code explainFrom}: reading them costs as much as scoring, and a text below the
   * threshold is never explained.
   */
  InjectionVerdict inspect(String raw, double explainFrom) {
    if (raw == null || raw.isBlank()) return InjectionVerdict.NONE;
    if (raw.length() > MAX_CHARS) {
      raw = raw.substring(0, MAX_CHARS / 2) + "\n" + raw.substring(raw.length() - MAX_CHARS / 2);
    }
    FoldedText folded = FoldedText.of(raw);
    String text = folded.text;
    List<InjectionRules.Hit> hits = new ArrayList<>(InjectionRules.match(text));
    List<String> hidden = new ArrayList<>(0);
    double hiddenWeight = 0;

    if (folded.tagCharacters > 0) {
      hidden.add("invisible_tag_characters");
      hiddenWeight = 0.9;
      hiddenWeight = Math.max(hiddenWeight, rescan("tag_characters", folded.tagPayload, hidden));
    }
    if (folded.zeroWidthInWords >= 3) {
      hidden.add("zero_width_in_words");
      hiddenWeight = Math.max(hiddenWeight, 0.6);
    }
    if (folded.bidiControls > 0) {
      hidden.add("bidi_controls");
      hiddenWeight = Math.max(hiddenWeight, folded.bidiControls >= 3 ? 0.7 : 0.5);
    }
    hiddenWeight = Math.max(hiddenWeight, scanBase64(raw, hidden));
    hiddenWeight = Math.max(hiddenWeight, scanHex(raw, hidden));
    if (containsAny(text, ROT13_WORDS)) hiddenWeight = Math.max(hiddenWeight, rescan("rot13", rot13(text), hidden));
    if (containsAny(text, REVERSED_WORDS)) {
      hiddenWeight = Math.max(hiddenWeight, rescan("reversed", new StringBuilder(text).reverse().toString(), hidden));
    }
    String leet = leetFolded(text);
    if (leet != null) hiddenWeight = Math.max(hiddenWeight, rescan("leetspeak", leet, hidden, hits));

    InjectionClassifier.Window window = classifier.score(text);
    double c = window.probability();

    // Rules: the strongest per category, combined as independent pieces of evidence (noisy-or).
    Map<InjectionRules.Category, Double> perCategory = new EnumMap<>(InjectionRules.Category.class);
    for (InjectionRules.Hit h : hits) perCategory.merge(h.category(), h.weight(), Math::max);
    double keep = 1 - hiddenWeight;
    for (double w : perCategory.values()) keep *= 1 - w;
    double r = 1 - keep;
    // The classifier has seen only the project's templates: alone, it must be sure (c² halves a 0.7).
    double score = 1 - (1 - r) * (1 - c * c);

    hits.sort(Comparator.comparingDouble(InjectionRules.Hit::weight).reversed());
    List<String> rules = new ArrayList<>(hits.size() + hidden.size());
    for (String h : hidden) rules.add(h);
    for (InjectionRules.Hit h : hits) rules.add(h.rule());
    List<String> ngrams = c >= 0.3 && score >= explainFrom
        ? classifier.topNgrams(text, window.start(), window.end(), 5) : List.of();
    int start;
    int end;
    if (!hits.isEmpty()) {
      start = rawIndex(folded, hits.get(0).start());
      end = rawIndex(folded, hits.get(0).end());
    } else {
      start = rawIndex(folded, window.start());
      end = rawIndex(folded, window.end());
    }
    return new InjectionVerdict(score, r, c, rules, ngrams, start, end);
  }

  private static int rawIndex(FoldedText folded, int foldedIndex) {
    if (foldedIndex >= folded.origin.length) return folded.raw.length();
    return folded.origin[foldedIndex];
  }

  /** Rules over a decoded payload; hits are named {@code encoding:rule}. Returns their weight. */
  private double rescan(String encoding, String decoded, List<String> hidden) {
    return rescan(encoding, decoded, hidden, List.of());
  }

  private double rescan(String encoding, String decoded, List<String> hidden, List<InjectionRules.Hit> already) {
    if (decoded == null || decoded.isBlank()) return 0;
    String text = FoldedText.of(decoded).text;
    double best = 0;
    for (InjectionRules.Hit h : InjectionRules.match(text)) {
      boolean seen = false;
      for (InjectionRules.Hit a : already) seen |= a.rule().equals(h.rule());
      if (seen || h.weight() < 0.5) continue;
      hidden.add(encoding + ":" + h.rule());
      // Hiding an instruction is itself a sign of intent: a decoded match counts more than a plain one.
      best = Math.max(best, Math.min(0.97, h.weight() + 0.1));
    }
    if (best == 0 && !"leetspeak".equals(encoding) && !"reversed".equals(encoding)) {
      double p = classifier.score(text).probability();
      if (p >= 0.8) {
        hidden.add(encoding + ":classifier");
        best = 0.85;
      }
    }
    return best;
  }

  private double scanBase64(String raw, List<String> hidden) {
    double best = 0;
    int n = raw.length();
    int i = 0;
    while (i < n) {
      if (!isBase64(raw.charAt(i))) {
        i++;
        continue;
      }
      int s = i;
      boolean lower = false;
      boolean upperOrDigit = false;
      while (i < n && isBase64(raw.charAt(i))) {
        char c = raw.charAt(i);
        if (c >= 'a' && c <= 'z') lower = true;
        else if (c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') upperOrDigit = true;
        i++;
      }
      int e = i;
      while (e < n && raw.charAt(e) == '=') e++;
      if (i - s < MIN_BASE64 || !lower || !upperOrDigit) continue;
      String decoded = decodeBase64(raw.substring(s, e));
      if (decoded != null) best = Math.max(best, rescan("base64", decoded, hidden));
    }
    return best;
  }

  private double scanHex(String raw, List<String> hidden) {
    double best = 0;
    int n = raw.length();
    int i = 0;
    while (i < n) {
      if (!isHex(raw.charAt(i))) {
        i++;
        continue;
      }
      // Hex digits, optionally separated by single spaces or written as \x41. Counted first: English
      // words are full of a-f runs, and only a long run is worth decoding.
      int j = i;
      int count = 0;
      while (j < n) {
        char c = raw.charAt(j);
        if (isHex(c)) {
          count++;
          j++;
        } else if ((c == ' ' || c == ':') && j + 1 < n && isHex(raw.charAt(j + 1))) {
          j++;
        } else if (c == '\\' && j + 2 < n && raw.charAt(j + 1) == 'x') {
          j += 2;
        } else {
          break;
        }
      }
      int runStart = i;
      i = Math.max(j, i + 1);
      if (count < MIN_HEX || count % 2 != 0) continue;
      byte[] bytes = new byte[count / 2];
      int nibbles = 0;
      for (int k = runStart; k < j; k++) {
        char c = raw.charAt(k);
        if (c == '\\' && k + 1 < j && raw.charAt(k + 1) == 'x') {
          k++;
          continue;
        }
        if (!isHex(c)) continue;
        int v = Character.digit(c, 16);
        bytes[nibbles / 2] = (byte) (nibbles % 2 == 0 ? v << 4 : bytes[nibbles / 2] | v);
        nibbles++;
      }
      String decoded = printable(bytes);
      if (decoded != null) best = Math.max(best, rescan("hex", decoded, hidden));
    }
    return best;
  }

  private static String decodeBase64(String base64) {
    try {
      String s = base64;
      while (s.endsWith("=")) s = s.substring(0, s.length() - 1);
      if (s.length() % 4 == 1) s = s.substring(0, s.length() - 1);
      boolean url = s.indexOf('-') >= 0 || s.indexOf('_') >= 0;
      return printable((url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(s));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The bytes as UTF-8 text if they are text (at most 5 % control characters), else null. */
  private static String printable(byte[] bytes) {
    if (bytes.length < 8) return null;
    String s;
    try {
      s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    int control = 0;
    int letters = 0;
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') control++;
      if (Character.isLetter(c) || c == ' ') letters++;
    }
    return control * 20 <= s.length() && letters * 2 >= s.length() ? s : null;
  }

  /** The text with leetspeak undone inside words that mix letters and look-alike digits, or null if none. */
  static String leetFolded(String text) {
    int words = 0;
    StringBuilder out = null;
    int n = text.length();
    int i = 0;
    while (i < n) {
      if (!isLeetWordChar(text.charAt(i))) {
        i++;
        continue;
      }
      int s = i;
      boolean letter = false;
      boolean leet = false;
      while (i < n && isLeetWordChar(text.charAt(i))) {
        char c = text.charAt(i);
        if (c >= 'a' && c <= 'z') letter = true;
        else leet = true;
        i++;
      }
      // Leetspeak is written in words; a longer run of letters and digits is an id or an encoding.
      if (letter && leet && i - s >= 3 && i - s <= MAX_LEET_WORD) {
        if (out == null) out = new StringBuilder(text);
        for (int k = s; k < i; k++) out.setCharAt(k, unleet(text.charAt(k)));
        words++;
      }
    }
    return words >= 2 ? out.toString() : null;
  }

  private static final boolean[] LEET_WORD_CHAR = new boolean[128];

  static {
    for (char c = 'a'; c <= 'z'; c++) LEET_WORD_CHAR[c] = true;
    for (char c : "0134579@$!|".toCharArray()) LEET_WORD_CHAR[c] = true;
  }

  private static boolean isLeetWordChar(char c) {
    return c < 0x80 && LEET_WORD_CHAR[c];
  }

  private static char unleet(char c) {
    return switch (c) {
      case '0' -> 'o';
      case '1', '!', '|' -> 'i';
      case '3' -> 'e';
      case '4', '@' -> 'a';
      case '5', '$' -> 's';
      case '7' -> 't';
      case '9' -> 'g';
      default -> c;
    };
  }

  static String rot13(String s) {
    char[] out = s.toCharArray();
    for (int k = 0; k < out.length; k++) {
      char c = out[k];
      if (c >= 'a' && c <= 'z') out[k] = (char) ('a' + (c - 'a' + 13) % 26);
      else if (c >= 'A' && c <= 'Z') out[k] = (char) ('A' + (c - 'A' + 13) % 26);
    }
    return new String(out);
  }

  private static String[] rot13(String... words) {
    String[] out = new String[words.length];
    for (int k = 0; k < words.length; k++) out[k] = rot13(words[k]);
    return out;
  }

  private static String[] reverse(String... words) {
    String[] out = new String[words.length];
    for (int k = 0; k < words.length; k++) out[k] = new StringBuilder(words[k]).reverse().toString();
    return out;
  }

  private static boolean containsAny(String text, String[] needles) {
    for (String n : needles) {
      if (text.contains(n)) return true;
    }
    return false;
  }

  private static final boolean[] BASE64 = new boolean[128];
  private static final boolean[] HEX = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) {
      BASE64[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/'
          || c == '-' || c == '_';
      HEX[c] = c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
  }

  private static boolean isBase64(char c) {
    return c < 0x80 && BASE64[c];
  }

  private static boolean isHex(char c) {
    return c < 0x80 && HEX[c];
  }
}
