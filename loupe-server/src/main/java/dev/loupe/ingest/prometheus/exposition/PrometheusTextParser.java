package dev.loupe.ingest.prometheus.exposition;

import java.util.HashMap;
import java.util.Map;

/**
 * The Prometheus text format 0.0.4, read as Prometheus reads it: {@code # HELP} and {@code # TYPE}
 * lines, other comments skipped, blank lines and runs of spaces or tabs between tokens allowed, an
 * optional trailing comma in a label set, Go floats as values and an optional integer timestamp in
 * milliseconds. Samples {@code x_bucket}, {@code x_sum} and {@code x_count} belong to family
 * {@code x} when {@code x} was declared a histogram (summary: {@code _sum}, {@code _count}).
 * What Prometheus would refuse — a broken label set, a missing or unreadable value, an invalid
 * name, an unterminated quote — is an {@link ExpositionParseException} at its line and column.
 */
public final class PrometheusTextParser extends ExpositionScanner implements ExpositionParser {
  private final Map<String, MetricType> declaredTypes = new HashMap<>();
  /** Bumped on each parse and each {@code # TYPE}, so names re-resolve their family lazily. */
  private int typeGeneration;

  @Override
  public void parse(byte[] body, int offset, int length, ExpositionHandler handler)
      throws ExpositionParseException {
    begin(body, offset, length);
    declaredTypes.clear();
    typeGeneration++;
    try {
      while (pos < end) {
        lineStart = pos;
        skipBlanks();
        if (pos == end) break;
        byte c = buf[pos];
        if (c == '\n' || (c == '\r' && pos + 1 < end && buf[pos + 1] == '\n')) {
          nextLine();
        } else if (c == '#') {
          comment(handler);
        } else {
          sample(handler);
        }
      }
    } finally {
      release();
    }
  }

  private void skipBlanks() {
    byte[] b = buf;
    int i = pos;
    int e = end;
    while (i < e && (b[i] == ' ' || b[i] == '\t')) i++;
    pos = i;
  }

  private boolean atLineEnd() {
    return pos >= end || buf[pos] == '\n' || (buf[pos] == '\r' && pos + 1 < end && buf[pos + 1] == '\n');
  }

  /** Steps over the line break at {@link #pos}, if any, and counts the line. */
  private void nextLine() {
    if (pos < end) {
      pos += buf[pos] == '\r' ? 2 : 1;
      line++;
    }
  }

  private void expectLineEnd(String after) throws ExpositionParseException {
    skipBlanks();
    if (!atLineEnd()) throw error(pos, "unexpected " + describeAt(pos) + " after " + after);
    nextLine();
  }

  private void sample(ExpositionHandler handler) throws ExpositionParseException {
    byte[] b = buf;
    if (!isMetricNameStart(b[pos])) throw error(pos, "invalid metric name: it cannot start with " + describeAt(pos));
    int seriesStart = pos;
    int seriesEnd = seriesEnd(seriesStart);
    if (seriesEnd > 0) {
      Object known = handler.knownSeries(b, seriesStart, seriesEnd);
      if (known != null) {
        pos = seriesEnd;
        skipBlanks();
        if (!atLineEnd()) {
          readValueAndTimestamp();
          handler.knownSample(known, numbers.value, timestamp);
          return;
        }
        pos = seriesStart; // no value: the full path names the metric in its error
      }
    }
    ByteStringCache.Entry name = readMetricName();
    int afterName = pos;
    skipBlanks();
    int labelCount = 0;
    if (pos < end && b[pos] == '{') {
      labelCount = readLabels();
      afterName = pos;
      skipBlanks();
    }
    if (atLineEnd()) throw error(pos, "missing value for " + name.string);
    if (pos == afterName) {
      throw error(pos, "invalid metric name: unexpected " + describeAt(pos) + " after " + name.string);
    }
    readValueAndTimestamp();
    if (name.memoKey != typeGeneration) resolveFamily(name);
    handler.sample(name.memoFamily, name.memoType, name.string, labels, labelCount, numbers.value, timestamp);
  }

  /** The timestamp {@link #readValueAndTimestamp} read, or NO_TIMESTAMP. */
  private long timestamp;

  /** Reads the value (into {@code numbers.value}) and optional timestamp, then the line end. */
  private void readValueAndTimestamp() throws ExpositionParseException {
    byte[] b = buf;
    int valueStart = pos;
    int i = pos;
    int e = end;
    while (i < e && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r') i++;
    if (!numbers.readGoFloat(b, valueStart, i)) {
      throw error(valueStart, "invalid value '" + text(valueStart, i) + "'");
    }
    pos = i;
    skipBlanks();
    timestamp = ExpositionHandler.NO_TIMESTAMP;
    if (!atLineEnd()) {
      int tsStart = pos;
      i = pos;
      while (i < e && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r') i++;
      timestamp = parseMillis(tsStart, i);
      pos = i;
      expectLineEnd("the timestamp");
    } else {
      nextLine();
    }
  }

  /**
   * Where the series text starting at {@code start} ends — after the metric name, or after the
   * label set's closing brace (quotes and escapes respected) — if a blank follows it; -1 when
   * the line is not that simple, so the full path reads it and reports any fault.
   */
  private int seriesEnd(int start) {
    byte[] b = buf;
    int e = end;
    int i = start;
    while (i < e && isMetricNameChar(b[i])) i++;
    if (i < e && b[i] == '{') {
      boolean quoted = false;
      for (i++; ; i++) {
        if (i >= e || b[i] == '\n') return -1;
        byte c = b[i];
        if (quoted) {
          if (c == '\\') i++;
          else if (c == '"') quoted = false;
        } else if (c == '"') {
          quoted = true;
        } else if (c == '}') {
          i++;
          break;
        }
      }
    } else {
      // "name {…}" (blank before the brace) is valid too, but rare: the full path reads it.
      int j = i;
      while (j < e && (b[j] == ' ' || b[j] == '\t')) j++;
      if (j < e && b[j] == '{') return -1;
    }
    return i < e && (b[i] == ' ' || b[i] == '\t') ? i : -1;
  }

  /** Reads {@code {name="value", …}} at {@link #pos}; returns the label count. */
  private int readLabels() throws ExpositionParseException {
    byte[] b = buf;
    pos++;
    int count = 0;
    while (true) {
      skipBlanks();
      if (pos >= end) throw error(pos, "label set not closed: expected a label name or '}'");
      byte c = b[pos];
      if (c == '}') {
        pos++;
        return count;
      }
      if (!isLabelNameStart(c)) throw error(pos, "invalid label name: unexpected " + describe(c));
      int nameStart = pos;
      String labelName = readLabelName().string;
      skipBlanks();
      if (pos >= end || b[pos] != '=') {
        throw error(pos, "expected '=' after label name " + labelName + ", found " + describeAt(pos));
      }
      pos++;
      skipBlanks();
      if (pos >= end || b[pos] != '"') {
        throw error(pos, "expected '\"' to open the value of label " + labelName + ", found " + describeAt(pos));
      }
      String labelValue = readQuoted(values, "label value");
      if (hasLabel(labels, count, labelName)) throw error(nameStart, "duplicate label name " + labelName);
      ensureLabelCapacity(count);
      labels[2 * count] = labelName;
      labels[2 * count + 1] = labelValue;
      count++;
      skipBlanks();
      if (pos < end && b[pos] == ',') {
        pos++;
      } else if (pos >= end || b[pos] != '}') {
        throw error(pos, "expected ',' or '}' after the value of label " + labelName + ", found " + describeAt(pos));
      }
    }
  }

  /** Go's {@code strconv.ParseInt(s, 10, 64)}: optional sign, decimal digits, no overflow. */
  private long parseMillis(int start, int stop) throws ExpositionParseException {
    byte[] b = buf;
    int i = start;
    boolean negative = false;
    if (b[i] == '+' || b[i] == '-') {
      negative = b[i] == '-';
      i++;
    }
    if (i == stop) throw error(start, "invalid timestamp '" + text(start, stop) + "'");
    long v = 0;
    for (; i < stop; i++) {
      byte c = b[i];
      if (c < '0' || c > '9') {
        throw error(start, "invalid timestamp '" + text(start, stop) + "': milliseconds must be an integer");
      }
      int d = c - '0';
      // Accumulate negatively so that Long.MIN_VALUE is reachable.
      if (v < (Long.MIN_VALUE + d) / 10) throw error(start, "timestamp out of range");
      v = v * 10 - d;
    }
    if (!negative) {
      if (v == Long.MIN_VALUE) throw error(start, "timestamp out of range");
      v = -v;
    }
    // Long.MIN_VALUE is the handler's "no timestamp"; a timestamp that far back is one ms later.
    return v == ExpositionHandler.NO_TIMESTAMP ? v + 1 : v;
  }

  private void comment(ExpositionHandler handler) throws ExpositionParseException {
    pos++;
    skipBlanks();
    boolean help = startsWithKeyword("HELP");
    boolean type = !help && startsWithKeyword("TYPE");
    if (!help && !type) {
      skipToLineEnd();
      nextLine();
      return;
    }
    pos += 4;
    skipBlanks();
    String keyword = help ? "HELP" : "TYPE";
    if (atLineEnd()) throw error(pos, "missing metric name after # " + keyword);
    if (!isMetricNameStart(buf[pos])) {
      throw error(pos, "invalid metric name in # " + keyword + ": it cannot start with " + describeAt(pos));
    }
    String family = readMetricName().string;
    int afterName = pos;
    skipBlanks();
    if (!atLineEnd() && pos == afterName) {
      throw error(pos, "invalid metric name in # " + keyword + ": unexpected " + describeAt(pos));
    }
    if (help) {
      int textStart = pos;
      skipToLineEnd();
      handler.help(family, unescapeHelp(textStart, pos, false));
      nextLine();
      return;
    }
    int typeStart = pos;
    byte[] b = buf;
    int i = pos;
    while (i < end && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r') i++;
    MetricType metricType = typeNamed(typeStart, i);
    if (metricType == null) {
      throw error(typeStart, typeStart == i
          ? "missing type after # TYPE " + family
          : "invalid metric type '" + text(typeStart, i) + "': expected counter, gauge, histogram, summary or untyped");
    }
    pos = i;
    expectLineEnd("the type");
    declaredTypes.put(family, metricType);
    typeGeneration++;
    handler.type(family, metricType);
  }

  private boolean startsWithKeyword(String keyword) {
    int k = pos + keyword.length();
    if (k >= end) return false;
    for (int j = 0; j < keyword.length(); j++) {
      if (buf[pos + j] != keyword.charAt(j)) return false;
    }
    return buf[k] == ' ' || buf[k] == '\t';
  }

  private void skipToLineEnd() {
    byte[] b = buf;
    int i = pos;
    int e = end;
    while (i < e && b[i] != '\n') i++;
    if (i > pos && b[i - 1] == '\r' && i < e) i--;
    pos = i;
  }

  private MetricType typeNamed(int start, int stop) {
    return switch (text(start, stop)) {
      case "counter" -> MetricType.COUNTER;
      case "gauge" -> MetricType.GAUGE;
      case "histogram" -> MetricType.HISTOGRAM;
      case "summary" -> MetricType.SUMMARY;
      case "untyped" -> MetricType.UNKNOWN;
      default -> null;
    };
  }

  /** Which family a sample name belongs to, given the types declared so far in this body. */
  private void resolveFamily(ByteStringCache.Entry name) {
    String n = name.string;
    String family = n;
    MetricType type = declaredTypes.get(n);
    if (type == null) {
      type = MetricType.UNKNOWN;
      String base = baseOf(n, "_bucket");
      if (base != null && declaredTypes.get(base) == MetricType.HISTOGRAM) {
        family = base;
        type = MetricType.HISTOGRAM;
      } else {
        base = baseOf(n, "_sum");
        if (base == null) base = baseOf(n, "_count");
        MetricType baseType = base == null ? null : declaredTypes.get(base);
        if (baseType == MetricType.HISTOGRAM || baseType == MetricType.SUMMARY) {
          family = base;
          type = baseType;
        }
      }
    }
    name.memoFamily = family;
    name.memoType = type;
    name.memoKey = typeGeneration;
  }

  private static String baseOf(String name, String suffix) {
    return name.length() > suffix.length() && name.endsWith(suffix)
        ? name.substring(0, name.length() - suffix.length())
        : null;
  }

  private String text(int start, int stop) {
    return new String(buf, start, Math.max(0, stop - start), java.nio.charset.StandardCharsets.UTF_8);
  }
}
