package dev.loupe.dimension.model.quality;

import java.lang.Character.UnicodeScript;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Splits text into words and content terms the same way for an answer and the text it is
 * compared with, so that "Revenues", "revenue" and "révenue" meet. Han and kana text has no
 * spaces: a run of it is one word, and its content terms are its character bigrams.
 */
final class TextTerms {
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  /** English contractions keep their apostrophe (don't, it's); French elisions split (l'homme). */
  private static final List<String> CONTRACTION_ENDS = List.of("t", "s", "m", "re", "ve", "ll", "d");

  private TextTerms() {}

  /**
   * The start and the end of a long text (where a prompt's instructions sit, around the document
   * they are about), joined by a line break; a short text whole.
   */
  static String ends(String text, int each) {
    if (text.length() <= 2 * each) return text;
    return text.substring(0, each) + "\n" + text.substring(text.length() - each);
  }

  /** At most the first {@code max} characters, not splitting a surrogate pair. */
  static String head(String text, int max) {
    if (text.length() <= max) return text;
    int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    return text.substring(0, end);
  }

  /** NFKC, lower case and one apostrophe, so that full-width letters and curly quotes compare equal. */
  static String fold(String text) {
    String n = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    return n.replace('\u2019', '\'').replace('\u2018', '\'').replace('\u02BC', '\'');
  }

  /** Words of folded text in order; a run of Han or kana characters is one word. */
  static List<String> words(String text) {
    String s = fold(text);
    List<String> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean cjkRun = false;
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      int next = i + Character.charCount(cp);
      boolean cjk = isCjk(cp);
      if (cjk || isWordChar(cp)) {
        if (word.length() > 0 && cjk != cjkRun) flush(word, out);
        cjkRun = cjk;
        word.appendCodePoint(cp);
      } else if (!cjkRun && word.length() > 0 && inWordPunctuation(s, cp, next, word)) {
        if (cp == '\'') {
          String rest = letters(s, next);
          if (!CONTRACTION_ENDS.contains(rest)) {
            flush(word, out); // l'homme → l, homme
          } else {
            word.append('\'');
          }
        } else {
          word.appendCodePoint(cp); // 4.2, 1,000
        }
      } else if (word.length() > 0) {
        flush(word, out);
      }
      i = next;
    }
    flush(word, out);
    return out;
  }

  /**
   * Content terms in order: words without stop words or single letters, lightly stemmed and
   * without accents (Latin script); Han and kana runs as character bigrams without grammar-only
   * pairs. Numbers are kept: a figure not in the source is the clearest sign of invention.
   */
  static List<String> contentTerms(String text) {
    List<String> out = new ArrayList<>();
    for (String w : words(text)) {
      if (isCjk(w.codePointAt(0))) {
        cjkTerms(w, out);
        continue;
      }
      if (StopWords.ALL.contains(w)) continue;
      if (w.codePointCount(0, w.length()) < 2 && !Character.isDigit(w.codePointAt(0))) continue;
      out.add(isLatin(w) ? stem(withoutAccents(w)) : w);
    }
    return out;
  }

  private static void cjkTerms(String run, List<String> out) {
    int[] cps = run.codePoints().toArray();
    if (cps.length == 1) {
      if (!isFunction(cps[0])) out.add(run);
      return;
    }
    for (int k = 0; k + 1 < cps.length; k++) {
      if (isFunction(cps[k]) && isFunction(cps[k + 1])) continue;
      out.add(new String(cps, k, 2));
    }
  }

  private static boolean isFunction(int cp) {
    return StopWords.CJK_FUNCTION_CHARS.contains(cp) || UnicodeScript.of(cp) == UnicodeScript.HIRAGANA;
  }

  /** A light, language-blind plural stemmer: enough for "models"/"model", not a real stemmer. */
  static String stem(String w) {
    if (w.endsWith("'s")) w = w.substring(0, w.length() - 2);
    int n = w.length();
    if (n > 4 && w.endsWith("ies")) return w.substring(0, n - 3) + "y";
    if (n > 4 && w.endsWith("sses")) return w.substring(0, n - 2);
    if (n > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) {
      return w.substring(0, n - 1);
    }
    return w;
  }

  static boolean isCjk(int cp) {
    if (cp < 0x2E80) return false; // below the CJK radicals: no Han, no kana
    UnicodeScript sc = UnicodeScript.of(cp);
    return sc == UnicodeScript.HAN || sc == UnicodeScript.HIRAGANA || sc == UnicodeScript.KATAKANA
        || cp == 0x30FC; // the katakana length mark is COMMON
  }

  private static boolean isWordChar(int cp) {
    if (cp < 0x80) return cp >= 'a' && cp <= 'z' || cp >= '0' && cp <= '9' || cp >= 'A' && cp <= 'Z';
    int type = Character.getType(cp);
    return Character.isLetterOrDigit(cp) || type == Character.NON_SPACING_MARK
        || type == Character.COMBINING_SPACING_MARK;
  }

  /** An apostrophe between letters, or a point or comma between digits. */
  private static boolean inWordPunctuation(String s, int cp, int next, StringBuilder word) {
    if (next >= s.length()) return false;
    int after = s.codePointAt(next);
    int before = word.codePointBefore(word.length());
    if (cp == '\'') return Character.isLetter(before) && Character.isLetter(after) && !isCjk(after);
    if (cp == '.' || cp == ',') return Character.isDigit(before) && Character.isDigit(after);
    return false;
  }

  private static String letters(String s, int from) {
    int end = from;
    while (end < s.length() && Character.isLetter(s.charAt(end))) end++;
    return s.substring(from, end);
  }

  private static String withoutAccents(String w) {
    for (int i = 0; i < w.length(); i++) {
      if (w.charAt(i) >= 0x80) return MARKS.matcher(Normalizer.normalize(w, Normalizer.Form.NFD)).replaceAll("");
    }
    return w;
  }

  private static boolean isLatin(String w) {
    for (int i = 0; i < w.length(); ) {
      int cp = w.codePointAt(i);
      if (cp < 0x80) {
        i++;
        continue;
      }
      if (Character.isLetter(cp) && UnicodeScript.of(cp) != UnicodeScript.LATIN) return false;
      i += Character.charCount(cp);
    }
    return true;
  }

  private static void flush(StringBuilder word, List<String> out) {
    if (word.length() > 0) {
      out.add(word.toString());
      word.setLength(0);
    }
  }
}
