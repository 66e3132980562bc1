package dev.loupe.ingest.prometheus.exposition;

import java.nio.charset.StandardCharsets;

/**
 * What both parsers share: the cursor over the body, line and column bookkeeping for errors, the
 * string caches, the reusable label arrays and the quoted-string reader. Not thread-safe, like the
 * parsers built on it.
 */
abstract class ExpositionScanner {
  private static final int NAME_CACHE_SLOTS = 4096;
  private static final int VALUE_CACHE_SLOTS = 8192;
  /** Longer label values are rarely repeated (messages, paths): decode them each time. */
  private static final int CACHED_VALUE_MAX_BYTES = 128;

  final ByteStringCache names = new ByteStringCache(NAME_CACHE_SLOTS, Integer.MAX_VALUE);
  final ByteStringCache values = new ByteStringCache(VALUE_CACHE_SLOTS, CACHED_VALUE_MAX_BYTES);
  final FloatReader numbers = new FloatReader();

  byte[] buf;
  int pos;
  int end;
  /** 1-based number of the line being read, and the offset its first byte has in {@link #buf}. */
  int line;
  int lineStart;

  /** Labels of the current sample, {@code [n0, v0, n1, v1, …]}, handed to the handler as is. */
  String[] labels = new String[32];
  /** For each label of the current sample, a 64-bit hash of its name and value. */
  long[] labelHashes = new long[16];

  /** Unescaped bytes of a quoted string that had escapes. */
  private byte[] scratch = new byte[256];
  /** Set by {@link #readQuoted}: the 64-bit hash of the value just read. */
  long quotedHash64;
  /** Set by {@link #readQuoted}: where the bytes of the value were, before unescaping. */
  int quotedRawStart;
  int quotedRawEnd;

  final void begin(byte[] body, int offset, int length) {
    java.util.Objects.checkFromIndexSize(offset, length, body.length);
    buf = body;
    pos = offset;
    end = offset + length;
    line = 1;
    lineStart = offset;
  }

  final void release() {
    buf = null;
  }

  /** A fault at byte offset {@code at} of the current line; the column counts code points. */
  final ExpositionParseException error(int at, String reason) {
    int from = lineStart;
    int to = Math.min(Math.max(at, from), end);
    return new ExpositionParseException(line, Utf8.codePoints(buf, from, to) + 1, reason);
  }

  static boolean isMetricNameStart(byte c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  }

  static boolean isMetricNameChar(byte c) {
    return isMetricNameStart(c) || (c >= '0' && c <= '9');
  }

  static boolean isLabelNameStart(byte c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  static boolean isLabelNameChar(byte c) {
    return isLabelNameStart(c) || (c >= '0' && c <= '9');
  }

  /** How a byte is named in an error: {@code 'x'}, or its hex value when it is not printable ASCII. */
  static String describe(byte c) {
    if (c == '\n') return "end of line";
    if (c >= 0x21 && c < 0x7f) return "'" + (char) c + "'";
    if (c == ' ') return "a space";
    if (c == '\t') return "a tab";
    return String.format("byte 0x%02x", c & 0xff);
  }

  final String describeAt(int at) {
    return at >= end ? "end of input" : describe(buf[at]);
  }

  /**
   * Reads a metric name starting at {@link #pos} (which the caller checked starts one) and
   * interns it; leaves {@link #pos} after it.
   */
  final ByteStringCache.Entry readMetricName() {
    return readName(true);
  }

  /** Like {@link #readMetricName} for a label name. */
  final ByteStringCache.Entry readLabelName() {
    return readName(false);
  }

  private ByteStringCache.Entry readName(boolean metric) {
    byte[] b = buf;
    int start = pos;
    int h = b[start];
    int i = start + 1;
    int e = end;
    byte c;
    while (i < e && (metric ? isMetricNameChar(c = b[i]) : isLabelNameChar(c = b[i]))) {
      h = 31 * h + c;
      i++;
    }
    pos = i;
    return names.intern(b, start, i, h, true);
  }

  /**
   * Reads a double-quoted string at {@link #pos} (on the opening quote) with the escapes both
   * formats share: {@code \\}, {@code \"} and {@code \n}; any other escaped character stays as
   * written, backslash included. Leaves {@link #pos} after the closing quote.
   *
   * @param cache the cache to intern through, or {@code null} to decode without caching
   */
  final String readQuoted(ByteStringCache cache, String what) throws ExpositionParseException {
    byte[] b = buf;
    int open = pos;
    int i = open + 1;
    int e = end;
    int h = 0;
    int highBits = 0;
    byte c = 0;
    while (i < e && (c = b[i]) != '"' && c != '\\' && c != '\n') {
      h = 31 * h + c;
      highBits |= c;
      i++;
    }
    if (i < e && c == '"') {
      pos = i + 1;
      quotedRawStart = open + 1;
      quotedRawEnd = i;
      return decoded(cache, b, open + 1, i, h, highBits >= 0, open, what);
    }
    if (i >= e || c == '\n') throw error(open, "unterminated " + what + ": no closing '\"' on this line");
    return readEscaped(cache, open, i, what);
  }

  private String readEscaped(ByteStringCache cache, int open, int firstBackslash, String what)
      throws ExpositionParseException {
    byte[] b = buf;
    int e = end;
    int n = firstBackslash - (open + 1);
    ensureScratch(n + (e - firstBackslash));
    byte[] out = scratch;
    System.arraycopy(b, open + 1, out, 0, n);
    int i = firstBackslash;
    while (true) {
      if (i >= e) throw error(open, "unterminated " + what + ": no closing '\"' on this line");
      byte c = b[i];
      if (c == '"') break;
      if (c == '\n') throw error(open, "unterminated " + what + ": no closing '\"' on this line");
      if (c == '\\') {
        if (i + 1 >= e || b[i + 1] == '\n') {
          throw error(open, "unterminated " + what + ": no closing '\"' on this line");
        }
        byte next = b[i + 1];
        if (next == 'n') {
          out[n++] = '\n';
        } else if (next == '\\' || next == '"') {
          out[n++] = next;
        } else {
          out[n++] = '\\';
          out[n++] = next;
        }
        i += 2;
        continue;
      }
      out[n++] = c;
      i++;
    }
    pos = i + 1;
    quotedRawStart = open + 1;
    quotedRawEnd = i;
    int h = ByteStringCache.hash(out, 0, n);
    boolean ascii = true;
    for (int k = 0; k < n; k++) {
      if (out[k] < 0) {
        ascii = false;
        break;
      }
    }
    return decoded(cache, out, 0, n, h, ascii, open, what);
  }

  private String decoded(ByteStringCache cache, byte[] b, int start, int stop, int h, boolean ascii, int open,
      String what) throws ExpositionParseException {
    if (cache != null) {
      ByteStringCache.Entry entry = cache.intern(b, start, stop, h, ascii);
      if (entry == null) throw error(open, what + " is not valid UTF-8");
      quotedHash64 = entry.hash64;
      return entry.string;
    }
    if (!ascii && !Utf8.isValid(b, start, stop)) throw error(open, what + " is not valid UTF-8");
    quotedHash64 = 0;
    return new String(b, start, stop - start, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
  }

  private void ensureScratch(int n) {
    if (scratch.length < n) scratch = new byte[Math.max(n, scratch.length * 2)];
  }

  /** Makes room for label {@code index} (0-based) in {@link #labels} and {@link #labelHashes}. */
  final void ensureLabelCapacity(int index) {
    if (2 * index + 2 > labels.length) labels = java.util.Arrays.copyOf(labels, labels.length * 2);
    if (index + 1 > labelHashes.length) labelHashes = java.util.Arrays.copyOf(labelHashes, labelHashes.length * 2);
  }

  /** Whether label {@code name} already appears among the first {@code count} labels in {@code array}. */
  static boolean hasLabel(String[] array, int count, String name) {
    for (int k = 0; k < count; k++) {
      String n = array[2 * k];
      if (n == name || n.equals(name)) return true;
    }
    return false;
  }

  /** The value of label {@code name} among the first {@code count}, or {@code null}. */
  static String labelValue(String[] array, int count, String name) {
    for (int k = 0; k < count; k++) {
      if (array[2 * k].equals(name)) return array[2 * k + 1];
    }
    return null;
  }

  /** Help text: {@code \\} and {@code \n} are escapes, {@code \"} too when {@code quoteEscape}; the rest stays. */
  final String unescapeHelp(int start, int stop, boolean quoteEscape) throws ExpositionParseException {
    byte[] b = buf;
    boolean ascii = true;
    boolean escapes = false;
    for (int k = start; k < stop; k++) {
      byte c = b[k];
      if (c < 0) ascii = false;
      if (c == '\\') escapes = true;
    }
    if (!ascii && !Utf8.isValid(b, start, stop)) throw error(start, "help text is not valid UTF-8");
    if (!escapes) {
      return new String(b, start, stop - start, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }
    ensureScratch(stop - start);
    byte[] out = scratch;
    int n = 0;
    for (int k = start; k < stop; k++) {
      byte c = b[k];
      if (c == '\\' && k + 1 < stop) {
        byte next = b[k + 1];
        if (next == 'n') {
          out[n++] = '\n';
          k++;
          continue;
        }
        if (next == '\\' || (quoteEscape && next == '"')) {
          out[n++] = next;
          k++;
          continue;
        }
      }
      out[n++] = c;
    }
    return new String(out, 0, n, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
  }
}
