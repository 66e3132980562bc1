package dev.loupe.dimension.model.quality;

import java.lang.Character.UnicodeScript;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Names the language of a text, as an ISO 639-1 code, or says it cannot tell. The script decides
 * for Chinese, Japanese, Korean, Russian/Ukrainian, Greek, Arabic, Hebrew, Hindi and Thai; the
 * Latin-script languages (English, French, German, Spanish, Portuguese, Italian, Dutch) are told
 * apart by their function words, a word that belongs to fewer languages weighing more, and by a
 * few letters only one of them uses. Code, URLs and e-mail addresses are ignored.
 *
 * <pre>{@code
 * LanguageIdentifier.identify("Quelle est la capitale de la France ?")  // Optional[fr]
 * LanguageIdentifier.identify("ok")                                      // Optional.empty: too short
 * }</pre>
 */
public final class LanguageIdentifier {
  /** Fewer letters than this and no language is named (Han and kana count 3 each: a character is a word). */
  static final int MIN_LETTERS = 12;
  /** A Latin-script language needs this much function-word evidence, and this lead over the next one. */
  static final double MIN_EVIDENCE = 2.0;
  static final double MIN_LEAD = 1.5;
  /** Only the start of a long text is read: enough to tell, and the cost stays bounded. */
  static final int MAX_CHARS = 8000;

  private static final Pattern CODE = Pattern.compile("```.*?(```|$)|`[^`\\n]*`", Pattern.DOTALL);
  private static final Pattern URL = Pattern.compile("\\b(?:https?|ftp)://\\S+|\\bwww\\.\\S+");
  private static final Pattern ADDRESS = Pattern.compile("[\\w.+-]{1,64}@[\\w-]{1,63}(?:\\.[\\w-]{1,63})+");

  private LanguageIdentifier() {}

  /** The text's language, or empty when it is too short, mixed or not one of the known ones. */
  public static Optional<String> identify(String text) {
    if (text == null || text.isBlank()) return Optional.empty();
    String head = text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS);
    // Each pattern runs only where its mark is: most texts have no backtick, URL or '@'.
    String prose = head;
    if (prose.indexOf('`') >= 0) prose = CODE.matcher(prose).replaceAll(" ");
    if (prose.contains("://") || prose.contains("www.")) prose = URL.matcher(prose).replaceAll(" ");
    if (prose.indexOf('@') >= 0) prose = ADDRESS.matcher(prose).replaceAll(" ");
    Map<UnicodeScript, Integer> scripts = new EnumMap<>(UnicodeScript.class);
    int letters = 0;
    for (int i = 0; i < prose.length(); ) {
      int cp = prose.codePointAt(i);
      i += Character.charCount(cp);
      if (!Character.isLetter(cp)) continue;
      UnicodeScript sc = UnicodeScript.of(cp);
      boolean ideographic = sc == UnicodeScript.HAN || sc == UnicodeScript.HIRAGANA || sc == UnicodeScript.KATAKANA;
      letters += ideographic ? 3 : 1;
      scripts.merge(sc, ideographic ? 3 : 1, Integer::sum);
    }
    if (letters < MIN_LETTERS) return Optional.empty();
    UnicodeScript top = null;
    int topCount = 0;
    for (Map.Entry<UnicodeScript, Integer> e : scripts.entrySet()) {
      if (e.getValue() > topCount) {
        top = e.getKey();
        topCount = e.getValue();
      }
    }
    int kana = scripts.getOrDefault(UnicodeScript.HIRAGANA, 0) + scripts.getOrDefault(UnicodeScript.KATAKANA, 0);
    int han = scripts.getOrDefault(UnicodeScript.HAN, 0);
    if (han + kana > letters / 2) {
      // Japanese always writes kana beside its kanji; Chinese never does.
      return Optional.of(kana * 10 >= han + kana ? "ja" : "zh");
    }
    if (topCount * 2 <= letters) return Optional.empty(); // no script holds a majority: mixed text
    switch (top) {
      case HANGUL: return Optional.of("ko");
      case CYRILLIC: return Optional.of(ukrainianLetters(prose) ? "uk" : "ru");
      case GREEK: return Optional.of("el");
      case ARABIC: return Optional.of("ar");
      case HEBREW: return Optional.of("he");
      case DEVANAGARI: return Optional.of("hi");
      case THAI: return Optional.of("th");
      case LATIN: return latin(prose);
      default: return Optional.empty();
    }
  }

  private static boolean ukrainianLetters(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = Character.toLowerCase(s.charAt(i));
      if (c == 'і' || c == 'ї' || c == 'є' || c == 'ґ') n++;
    }
    return n >= 2;
  }

  private static Optional<String> latin(String prose) {
    Map<String, Double> evidence = new HashMap<>();
    for (String w : TextTerms.words(prose)) {
      Integer shared = StopWords.LANGUAGE_COUNT.get(w);
      if (shared == null) continue;
      for (Map.Entry<String, java.util.Set<String>> l : StopWords.BY_LANGUAGE.entrySet()) {
        if (l.getValue().contains(w)) evidence.merge(l.getKey(), 1.0 / shared, Double::sum);
      }
    }
    letterHints(TextTerms.fold(prose), evidence);
    String best = null;
    double bestScore = 0;
    double second = 0;
    for (Map.Entry<String, Double> e : evidence.entrySet()) {
      double v = e.getValue();
      if (v > bestScore) {
        second = bestScore;
        bestScore = v;
        best = e.getKey();
      } else if (v > second) {
        second = v;
      }
    }
    if (best == null || bestScore < MIN_EVIDENCE || bestScore < MIN_LEAD * second) return Optional.empty();
    return Optional.of(best);
  }

  /** Letters that one of the languages uses and the others do not; each counts half a word, at most 3. */
  private static void letterHints(String s, Map<String, Double> evidence) {
    hint(s, "ßäöü", "de", evidence);
    hint(s, "ñ¿¡", "es", evidence);
    hint(s, "ãõ", "pt", evidence);
    hint(s, "œîûÿ", "fr", evidence);
    hint(s, "ìò", "it", evidence);
    hint(s, "ĳ", "nl", evidence);
  }

  private static void hint(String s, String letters, String language, Map<String, Double> evidence) {
    int n = 0;
    for (int i = 0; i < s.length() && n < 6; i++) {
      if (letters.indexOf(s.charAt(i)) >= 0) n++;
    }
    if (n > 0) evidence.merge(language, n * 0.5, Double::sum);
  }
}
