package dev.loupe.dimension.security;

import java.text.Normalizer;

/**
 * A text as the injection rules and the classifier read it: lower case, Latin accents dropped,
 * full-width forms as ASCII, curly quotes straight, runs of spaces as one, and every invisible
 * character taken out — so "Ｉｇｎｏｒｅ", "IGNORE" and "ig\u200Bnore" read the same. What was
 * taken out is counted (and tag characters decoded), since hiding is itself a signal.
 * {@code origin[i]} is the index in the raw text of folded character {@code i}.
 */
final class FoldedText {
  /** Latin-1 Supplement and Latin Extended-A folded to their base letter, lower case. */
  private static final char[] LATIN_FOLD = new char[0x180 - 0xC0];

  static {
    for (int c = 0xC0; c < 0x180; c++) {
      String d = Normalizer.normalize(String.valueOf((char) c), Normalizer.Form.NFD);
      char base = Character.toLowerCase(d.charAt(0));
      LATIN_FOLD[c - 0xC0] = base < 0x80 ? base : Character.toLowerCase((char) c);
    }
    LATIN_FOLD[0xDF - 0xC0] = 's'; // ß reads as ss; one s keeps offsets 1:1 and still matches "gross"
  }

  final String raw;
  final String text;
  final int[] origin;
  /** Zero-width characters between two letters or digits: the shape of a word split to hide it. */
  final int zeroWidthInWords;
  /** Bidirectional embedding, override and isolate controls (Trojan Source). */
  final int bidiControls;
  /** Unicode tag characters outside a subdivision flag, and variation selectors in bulk. */
  final int tagCharacters;
  /** The ASCII that tag characters spell, which a model reads and a person does not see. */
  final String tagPayload;

  private FoldedText(String raw, String text, int[] origin, int zeroWidth, int bidi, int tags, String tagPayload) {
    this.raw = raw;
    this.text = text;
    this.origin = origin;
    this.zeroWidthInWords = zeroWidth;
    this.bidiControls = bidi;
    this.tagCharacters = tags;
    this.tagPayload = tagPayload;
  }

  static FoldedText of(String raw) {
    int n = raw.length();
    char[] out = new char[n];
    int[] origin = new int[n];
    int len = 0;
    int zeroWidth = 0;
    int bidi = 0;
    int tags = 0;
    int selectors = 0;
    StringBuilder payload = null;
    boolean pendingSpace = false;
    for (int i = 0; i < n; i++) {
      char c = raw.charAt(i);
      char f;
      if (c < 0x80) {
        if (c >= 'A' && c <= 'Z') {
          f = (char) (c + 32);
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
          pendingSpace = len > 0;
          continue;
        } else if (c == '\n') {
          if (len > 0 && out[len - 1] == '\n') continue;
          pendingSpace = false;
          f = '\n';
        } else {
          f = c;
        }
      } else if (c >= 0xC0 && c < 0x180) {
        f = LATIN_FOLD[c - 0xC0];
      } else if (c >= 0xFF01 && c <= 0xFF5E) {
        f = Character.toLowerCase((char) (c - 0xFEE0));
      } else if (c == '\u200B' || c == '\u200C' || c == '\u200D' || c == '\u2060' || c == '\uFEFF' || c == '\u00AD'
          || c == '\u180E' || c >= '\u2061' && c <= '\u2064') {
        if (len > 0 && isWordChar(out[len - 1]) && i + 1 < n && isWordChar(raw.charAt(i + 1))) zeroWidth++;
        continue;
      } else if (c >= '\u202A' && c <= '\u202E' || c >= '\u2066' && c <= '\u2069') {
        bidi++;
        continue;
      } else if (c == '\u200E' || c == '\u200F' || c == '\u061C') {
        continue; // marks that right-to-left text uses legitimately
      } else if (c >= '\uFE00' && c <= '\uFE0F') {
        continue; // emoji presentation selectors
      } else if (c == '\uDB40' && i + 1 < n && Character.isLowSurrogate(raw.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, raw.charAt(i + 1));
        i++;
        if (cp >= 0xE0000 && cp <= 0xE007F) {
          if (!inSubdivisionFlag(raw, i - 1)) {
            tags++;
            if (cp >= 0xE0020 && cp < 0xE007F) {
              if (payload == null) payload = new StringBuilder();
              payload.append((char) (cp - 0xE0000));
            }
          }
        } else if (cp >= 0xE0100 && cp <= 0xE01EF) {
          selectors++;
        }
        continue;
      } else if (c == '\u2018' || c == '\u2019' || c == '\u02BC') {
        f = '\'';
      } else if (c == '\u201C' || c == '\u201D' || c == '\u00AB' || c == '\u00BB') {
        f = '"';
      } else if (c == '\u00A0' || c == '\u3000' || c >= '\u2000' && c <= '\u200A' || c == '\u202F') {
        pendingSpace = len > 0;
        continue;
      } else {
        f = Character.toLowerCase(c);
      }
      if (pendingSpace) {
        if (out[len - 1] != '\n') {
          out[len] = ' ';
          origin[len] = i - 1;
          len++;
        }
        pendingSpace = false;
      }
      out[len] = f;
      origin[len] = i;
      len++;
    }
    // Variation selectors beyond the emoji range carry no glyph; dozens of them carry bytes.
    if (selectors > 8) tags += selectors;
    int[] trimmed = len == n ? origin : java.util.Arrays.copyOf(origin, len);
    return new FoldedText(raw, new String(out, 0, len), trimmed, zeroWidth, bidi, tags,
        payload == null ? "" : payload.toString());
  }

  /** A flag like England's is U+1F3F4 then tag letters then U+E007F; those tags are no payload. */
  private static boolean inSubdivisionFlag(String raw, int highIndex) {
    int k = highIndex;
    int letters = 0;
    while (k >= 2 && raw.charAt(k - 2) == '\uDB40' && letters < 8) {
      k -= 2;
      letters++;
    }
    return k >= 2 && raw.charAt(k - 2) == '\uD83C' && raw.charAt(k - 1) == '\uDFF4';
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c);
  }

  /** The raw text behind folded {@code [start, end)}. */
  String rawSpan(int start, int end) {
    if (start >= end || text.isEmpty()) return "";
    int s = origin[Math.min(start, origin.length - 1)];
    int e = end >= origin.length ? raw.length() : origin[end];
    return raw.substring(s, Math.max(s, e)).strip();
  }
}
