package dev.loupe.ingest.prometheus.exposition;

import java.util.HashSet;
import java.util.Set;

/**
 * OpenMetrics 1.0 text, checked against the whole specification rather than only its grammar: a
 * body that breaks any MUST is an {@link ExpositionParseException}, with the line and column of
 * the first fault (for a histogram whose buckets, count and sum disagree, the last line of the
 * offending series).
 *
 * <p>Checked beyond the grammar: {@code # EOF} last and nothing after it; no blank line; single
 * spaces; metadata once per family and before its samples; a family's samples together, its series
 * groups together and each group's timestamps never going backwards; family names that clash with
 * an earlier family's sample names; units that end the family name; counter, histogram and summary
 * values that are counters (not NaN, not negative, integers where they count); histogram buckets
 * with {@code le}, ascending, cumulative, ending at {@code +Inf} and agreeing with {@code _count};
 * summary quantiles in [0, 1]; stateset and info values; exemplars only on counter totals and
 * histogram buckets, with at most 128 characters of labels.
 */
public final class OpenMetricsParser extends ExpositionScanner implements ExpositionParser {
  /** How strictly the values of summaries and histograms are held to the specification. */
  public enum Strictness {
    /** Every MUST of OpenMetrics 1.0: what {@code loupe check metrics} and the conformance suite expect. */
    SPECIFICATION,
    /**
     * Also accepts negative observations: a negative {@code _sum} or summary quantile, and a
     * {@code _sum} on a histogram with negative buckets. The specification forbids them (the sum
     * would no longer be a counter), but Go's client library writes them for any metric that
     * observes negative values, and Prometheus ingests them.
     */
    ALLOW_NEGATIVE_OBSERVATIONS
  }

  // What a sample name adds to its family name.
  private static final int NONE = 0;
  private static final int TOTAL = 1;
  private static final int CREATED = 2;
  private static final int COUNT = 3;
  private static final int SUM = 4;
  private static final int BUCKET = 5;
  private static final int GCOUNT = 6;
  private static final int GSUM = 7;
  private static final int INFO = 8;
  private static final int NOT_IN_FAMILY = -1;
  private static final String[] SUFFIX_TEXT = {
    "", "_total", "_created", "_count", "_sum", "_bucket", "_gcount", "_gsum", "_info"
  };

  private static final int[] UNTYPED_SUFFIXES = {NONE};
  private static final int[] COUNTER_SUFFIXES = {TOTAL, CREATED};
  private static final int[] SUMMARY_SUFFIXES = {NONE, COUNT, SUM, CREATED};
  private static final int[] HISTOGRAM_SUFFIXES = {BUCKET, COUNT, SUM, CREATED};
  private static final int[] GAUGE_HISTOGRAM_SUFFIXES = {BUCKET, GCOUNT, GSUM};
  private static final int[] INFO_SUFFIXES = {INFO};

  private static final int EXEMPLAR_LABELS_MAX_CHARS = 128;
  /** Every info sample is in one group: the spec cannot tell their series apart. */
  private static final long INFO_GROUP = 0x1f0f0f0f0f0f0f1L;

  /** Sample names of families already finished: a later family may not reuse one. */
  private final Set<String> claimedNames = new HashSet<>();

  // The family being read.
  private String family;
  private MetricType familyType;
  private int[] familySuffixes;
  private boolean typed;
  private boolean helped;
  private boolean unitSeen;
  private String unit;
  private boolean familyHasSamples;
  /** Identifies the family for the per-name memo; never reused across families or parses. */
  private int familySeq;

  // Series groups of the family: labels without le / quantile / the stateset label.
  private final LongSet seenGroups = new LongSet();
  private boolean haveGroup;
  private long groupKey;
  private boolean groupHasTimestamp;
  private double groupTimestamp;

  // The histogram group being read (one group at one timestamp).
  private boolean segmentOpen;
  private long segmentGroup;
  private boolean segmentHasTimestamp;
  private double segmentTimestamp;
  private int segmentLastLine;
  private boolean segmentHasBucket;
  private double segmentLastLe;
  private double segmentLastBucketValue;
  private boolean segmentNegativeBucket;
  private boolean segmentHasCount;
  private double segmentCount;
  private boolean segmentHasSum;
  private boolean segmentHasGsum;
  private boolean segmentNegativeGsum;

  /** Where each label value of the current sample was in the body, before unescaping. */
  private int[] labelRaw = new int[32];

  private String[] exemplarLabels = new String[8];

  private final boolean allowNegativeObservations;

  /** A parser holding expositions to the whole specification. */
  public OpenMetricsParser() {
    this(Strictness.SPECIFICATION);
  }

  public OpenMetricsParser(Strictness strictness) {
    this.allowNegativeObservations = strictness == Strictness.ALLOW_NEGATIVE_OBSERVATIONS;
  }

  @Override
  public void parse(byte[] body, int offset, int length, ExpositionHandler handler)
      throws ExpositionParseException {
    begin(body, offset, length);
    family = null;
    claimedNames.clear();
    seenGroups.clear();
    haveGroup = false;
    segmentOpen = false;
    try {
      while (true) {
        if (pos >= end) {
          throw new ExpositionParseException(line, 1, "missing # EOF: an OpenMetrics exposition must end with it");
        }
        lineStart = pos;
        byte c = buf[pos];
        if (c == '#') {
          if (eof()) return;
          metadata(handler);
        } else if (c == '\n') {
          throw error(pos, "blank line: OpenMetrics allows none");
        } else {
          sample(handler);
        }
      }
    } finally {
      release();
    }
  }

  /** Whether the line is {@code # EOF}, and if so that nothing follows it but one line break. */
  private boolean eof() throws ExpositionParseException {
    byte[] b = buf;
    int p = pos;
    if (end - p < 5 || b[p + 1] != ' ' || b[p + 2] != 'E' || b[p + 3] != 'O' || b[p + 4] != 'F') return false;
    int after = p + 5;
    if (after < end && b[after] != '\n') throw error(after, "unexpected " + describeAt(after) + " after # EOF");
    finishFamily();
    if (after + 1 < end) {
      line++;
      lineStart = after + 1;
      throw error(lineStart, "text after # EOF: it must be the last line");
    }
    return true;
  }

  private void metadata(ExpositionHandler handler) throws ExpositionParseException {
    byte[] b = buf;
    int keyword = pos + 2;
    char kind = 0;
    if (pos + 1 < end && b[pos + 1] == ' ' && end - keyword >= 4) {
      if (matches(keyword, "HELP")) {
        kind = 'H';
      } else if (matches(keyword, "TYPE")) {
        kind = 'T';
      } else if (matches(keyword, "UNIT")) {
        kind = 'U';
      }
    }
    if (kind == 0) {
      throw error(pos, "not a metadata line: OpenMetrics has no comments, only '# HELP', '# TYPE', '# UNIT' and '# EOF'");
    }
    if (keyword + 4 >= end || b[keyword + 4] != ' ') {
      throw error(keyword + 4, "expected a space and a metric name after # " + text(keyword, keyword + 4));
    }
    String what = "# " + text(keyword, keyword + 4);
    pos = keyword + 5;
    if (pos >= end || !isMetricNameStart(b[pos])) {
      throw error(pos, "invalid metric name in " + what + ": it cannot start with " + describeAt(pos));
    }
    String name = readMetricName().string;
    if (pos >= end || b[pos] != ' ') {
      throw error(pos, "expected a single space after the metric name in " + what + ", found " + describeAt(pos));
    }
    pos++;
    int textStart = pos;
    int textEnd = textStart;
    while (textEnd < end && b[textEnd] != '\n') textEnd++;
    if (textEnd >= end) throw error(textEnd, "missing line break (and # EOF) at the end of the exposition");

    if (name.equals(family)) {
      if (familyHasSamples) throw error(lineStart, what + " for " + name + " after its samples: metadata comes first");
    } else {
      finishFamily();
      startFamily(name);
    }
    switch (kind) {
      case 'H' -> {
        if (helped) throw error(lineStart, "second # HELP for " + name);
        helped = true;
        handler.help(name, unescapeHelp(textStart, textEnd, true));
      }
      case 'U' -> {
        if (unitSeen) throw error(lineStart, "second # UNIT for " + name);
        for (int i = textStart; i < textEnd; i++) {
          if (!isMetricNameChar(b[i])) throw error(i, "invalid character " + describe(b[i]) + " in unit");
        }
        String u = text(textStart, textEnd);
        if (!u.isEmpty() && !name.endsWith("_" + u)) {
          throw error(textStart, "unit " + u + " must be the suffix of the family name (" + name + " does not end in _" + u + ")");
        }
        if (!u.isEmpty() && (familyType == MetricType.INFO || familyType == MetricType.STATESET)) {
          throw error(textStart, "a " + typeName(familyType) + " has no unit");
        }
        unitSeen = true;
        unit = u;
        handler.unit(name, u);
      }
      default -> {
        if (typed) throw error(lineStart, "second # TYPE for " + name);
        MetricType type = typeNamed(textStart, textEnd);
        if (type == null) {
          throw error(textStart, "invalid metric type '" + text(textStart, textEnd)
              + "': expected counter, gauge, histogram, gaugehistogram, summary, info, stateset or unknown");
        }
        if (unit != null && !unit.isEmpty() && (type == MetricType.INFO || type == MetricType.STATESET)) {
          throw error(textStart, "a " + typeName(type) + " has no unit, but " + name + " has unit " + unit);
        }
        int[] suffixes = suffixesOf(type);
        for (int s : suffixes) {
          if (s != NONE && claimedNames.contains(name + SUFFIX_TEXT[s])) {
            throw error(lineStart, "family " + name + " clashes with the earlier metric " + name + SUFFIX_TEXT[s]);
          }
        }
        typed = true;
        familyType = type;
        familySuffixes = suffixes;
        familySeq++;
        handler.type(name, type);
      }
    }
    pos = textEnd + 1;
    line++;
  }

  private boolean matches(int at, String ascii) {
    for (int k = 0; k < ascii.length(); k++) {
      if (buf[at + k] != ascii.charAt(k)) return false;
    }
    return true;
  }

  private void startFamily(String name) throws ExpositionParseException {
    if (claimedNames.contains(name)) {
      throw error(lineStart, "metric family " + name
          + " appears again or clashes with an earlier family's samples: families must not be interleaved");
    }
    family = name;
    familyType = MetricType.UNKNOWN;
    familySuffixes = UNTYPED_SUFFIXES;
    typed = false;
    helped = false;
    unitSeen = false;
    unit = null;
    familyHasSamples = false;
    familySeq++;
    seenGroups.clear();
    haveGroup = false;
    segmentOpen = false;
  }

  private void finishFamily() throws ExpositionParseException {
    if (family == null) return;
    if (segmentOpen) checkHistogramGroup();
    claimedNames.add(family);
    for (int s : familySuffixes) claimedNames.add(family + SUFFIX_TEXT[s]);
    family = null;
  }

  private static int[] suffixesOf(MetricType type) {
    return switch (type) {
      case COUNTER -> COUNTER_SUFFIXES;
      case SUMMARY -> SUMMARY_SUFFIXES;
      case HISTOGRAM -> HISTOGRAM_SUFFIXES;
      case GAUGE_HISTOGRAM -> GAUGE_HISTOGRAM_SUFFIXES;
      case INFO -> INFO_SUFFIXES;
      default -> UNTYPED_SUFFIXES;
    };
  }

  private MetricType typeNamed(int start, int stop) {
    return switch (text(start, stop)) {
      case "counter" -> MetricType.COUNTER;
      case "gauge" -> MetricType.GAUGE;
      case "histogram" -> MetricType.HISTOGRAM;
      case "gaugehistogram" -> MetricType.GAUGE_HISTOGRAM;
      case "summary" -> MetricType.SUMMARY;
      case "info" -> MetricType.INFO;
      case "stateset" -> MetricType.STATESET;
      case "unknown" -> MetricType.UNKNOWN;
      default -> null;
    };
  }

  private static String typeName(MetricType type) {
    return type == MetricType.GAUGE_HISTOGRAM ? "gaugehistogram" : type.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Which suffix the name adds to the current family, or {@link #NOT_IN_FAMILY}. */
  private int suffixInFamily(ByteStringCache.Entry name) {
    if (family == null) return NOT_IN_FAMILY;
    if (name.memoKey == familySeq) return name.memoSuffix;
    String n = name.string;
    int found = NOT_IN_FAMILY;
    for (int s : familySuffixes) {
      String suffix = SUFFIX_TEXT[s];
      if (n.length() == family.length() + suffix.length() && n.startsWith(family) && n.endsWith(suffix)) {
        found = s;
        break;
      }
    }
    name.memoKey = familySeq;
    name.memoSuffix = found;
    return found;
  }

  private void sample(ExpositionHandler handler) throws ExpositionParseException {
    byte[] b = buf;
    if (!isMetricNameStart(b[pos])) throw error(pos, "invalid metric name: it cannot start with " + describeAt(pos));
    ByteStringCache.Entry nameEntry = readMetricName();
    int labelCount = 0;
    boolean hasLabels = pos < end && b[pos] == '{';
    if (hasLabels) labelCount = readLabels(false);
    if (pos >= end || b[pos] != ' ') {
      if (pos < end && b[pos] == '\n') throw error(pos, "missing value for " + nameEntry.string);
      throw error(pos, hasLabels
          ? "expected a single space after the label set, found " + describeAt(pos)
          : "invalid metric name: unexpected " + describeAt(pos) + " after " + nameEntry.string);
    }
    int valueStart = ++pos;
    int valueEnd = tokenEnd(valueStart);
    if (valueEnd == valueStart) throw error(valueStart, "missing value: expected a number, found " + describeAt(valueStart));
    if (!numbers.readOpenMetricsNumber(b, valueStart, valueEnd)) {
      throw error(valueStart, "invalid value '" + text(valueStart, valueEnd) + "'");
    }
    double value = numbers.value;
    pos = valueEnd;

    boolean hasTimestamp = false;
    double seconds = 0;
    long millis = ExpositionHandler.NO_TIMESTAMP;
    int timestampStart = -1;
    int exemplarStart = -1;
    int exemplarCount = 0;
    double exemplarValue = 0;
    long exemplarMillis = ExpositionHandler.NO_TIMESTAMP;
    if (pos < end && b[pos] == ' ') {
      pos++;
      if (pos >= end || b[pos] != '#') {
        timestampStart = pos;
        int timestampEnd = tokenEnd(pos);
        if (timestampEnd == timestampStart) {
          throw error(pos, "expected a timestamp or an exemplar after the space, found " + describeAt(pos));
        }
        if (!numbers.readRealNumber(b, timestampStart, timestampEnd)) {
          throw error(timestampStart, "invalid timestamp '" + text(timestampStart, timestampEnd) + "'");
        }
        hasTimestamp = true;
        seconds = numbers.value;
        millis = toMillis(timestampStart, timestampEnd, seconds);
        pos = timestampEnd;
        if (pos < end && b[pos] == ' ') {
          pos++;
          if (pos >= end || b[pos] != '#') {
            throw error(pos, "expected '# {' to start an exemplar, found " + describeAt(pos));
          }
        }
      }
      if (pos < end && b[pos] == '#') {
        exemplarStart = pos;
        if (pos + 2 >= end || b[pos + 1] != ' ' || b[pos + 2] != '{') {
          throw error(pos, "an exemplar is written ' # {labels} value [timestamp]'");
        }
        pos += 2;
        exemplarCount = readLabels(true);
        int chars = 0;
        for (int k = 0; k < 2 * exemplarCount; k++) {
          chars += exemplarLabels[k].codePointCount(0, exemplarLabels[k].length());
        }
        if (chars > EXEMPLAR_LABELS_MAX_CHARS) {
          throw error(exemplarStart + 2, "exemplar labels have " + chars + " characters, more than 128");
        }
        if (pos >= end || b[pos] != ' ') {
          throw error(pos, "expected a space and the exemplar value, found " + describeAt(pos));
        }
        int exemplarValueStart = ++pos;
        int exemplarValueEnd = tokenEnd(pos);
        if (!numbers.readOpenMetricsNumber(b, exemplarValueStart, exemplarValueEnd)) {
          throw error(exemplarValueStart, "invalid exemplar value '" + text(exemplarValueStart, exemplarValueEnd) + "'");
        }
        exemplarValue = numbers.value;
        pos = exemplarValueEnd;
        if (pos < end && b[pos] == ' ') {
          int exemplarTimestampStart = ++pos;
          int exemplarTimestampEnd = tokenEnd(pos);
          if (!numbers.readRealNumber(b, exemplarTimestampStart, exemplarTimestampEnd)) {
            throw error(exemplarTimestampStart,
                "invalid exemplar timestamp '" + text(exemplarTimestampStart, exemplarTimestampEnd) + "'");
          }
          exemplarMillis = toMillis(exemplarTimestampStart, exemplarTimestampEnd, numbers.value);
          pos = exemplarTimestampEnd;
        }
      }
    }
    if (pos >= end) throw error(pos, "missing line break (and # EOF) at the end of the exposition");
    if (b[pos] != '\n') throw error(pos, "unexpected " + describe(b[pos]) + " at the end of the sample");

    // The line is well-formed; now what it means.
    int suffix = suffixInFamily(nameEntry);
    if (suffix == NOT_IN_FAMILY) {
      finishFamily();
      startFamily(nameEntry.string);
      suffix = suffixInFamily(nameEntry);
    }
    familyHasSamples = true;
    MetricType type = familyType;
    int excluded = -1;
    double le = 0;
    switch (type) {
      case STATESET -> {
        excluded = labelIndex(labelCount, family);
        if (excluded < 0) throw error(lineStart, "a stateset sample needs a label named after its family, " + family);
        if (value != 0 && value != 1) throw error(valueStart, "a stateset value is 0 or 1");
      }
      case INFO -> {
        if (value != 1) throw error(valueStart, "an info value is 1");
      }
      case SUMMARY -> {
        if (suffix == NONE) {
          excluded = labelIndex(labelCount, "quantile");
          if (excluded < 0) throw error(lineStart, "a summary quantile sample needs a quantile label");
          double q = labelNumber(excluded, "quantile");
          if (!(q >= 0 && q <= 1)) throw error(labelRaw[2 * excluded], "quantile must be between 0 and 1");
          if (value < 0 && !allowNegativeObservations) throw error(valueStart, "a quantile value cannot be negative");
        }
      }
      case HISTOGRAM, GAUGE_HISTOGRAM -> {
        if (suffix == BUCKET) {
          excluded = labelIndex(labelCount, "le");
          if (excluded < 0) throw error(lineStart, "a histogram bucket needs an le label");
          le = labelNumber(excluded, "le");
          if (Double.isNaN(le)) throw error(labelRaw[2 * excluded], "le cannot be NaN");
        }
      }
      default -> {}
    }
    if ((suffix == BUCKET || suffix == COUNT || suffix == GCOUNT) && !(Double.isFinite(value) && value == Math.rint(value))) {
      throw error(valueStart, nameEntry.string + " counts observations: its value must be a whole number");
    }
    if (suffix != NONE && suffix != CREATED && suffix != INFO) {
      if (Double.isNaN(value)) throw error(valueStart, nameEntry.string + " cannot be NaN");
      if (suffix != GSUM && value < 0 && !(suffix == SUM && allowNegativeObservations)) throw error(valueStart, nameEntry.string + " is a counter and cannot be negative");
    }
    if (exemplarStart >= 0
        && !((type == MetricType.COUNTER && suffix == TOTAL)
            || ((type == MetricType.HISTOGRAM || type == MetricType.GAUGE_HISTOGRAM) && suffix == BUCKET))) {
      throw error(exemplarStart, "exemplars are allowed only on counter _total and histogram _bucket samples");
    }

    long key = type == MetricType.INFO ? INFO_GROUP : groupKey(labelCount, excluded);
    if (haveGroup && key == groupKey) {
      if (hasTimestamp != groupHasTimestamp) {
        throw error(hasTimestamp ? timestampStart : valueEnd,
            "samples of one series must all have timestamps or none");
      }
      if (hasTimestamp && type != MetricType.INFO && seconds < groupTimestamp) {
        throw error(timestampStart, "timestamp goes backwards within the series");
      }
    } else if (!seenGroups.add(key)) {
      throw error(lineStart, "samples of one series are not together: this label set was seen earlier in " + family);
    }
    haveGroup = true;
    groupKey = key;
    groupHasTimestamp = hasTimestamp;
    groupTimestamp = seconds;

    if (type == MetricType.HISTOGRAM || type == MetricType.GAUGE_HISTOGRAM) {
      histogramSample(suffix, key, hasTimestamp, seconds, le, value, excluded, valueStart);
    }

    handler.sample(family, type, nameEntry.string, labels, labelCount, value, millis);
    if (exemplarStart >= 0) handler.exemplar(exemplarLabels, exemplarCount, exemplarValue, exemplarMillis);
    pos++;
    line++;
  }

  private int tokenEnd(int from) {
    byte[] b = buf;
    int i = from;
    int e = end;
    while (i < e && b[i] != ' ' && b[i] != '\n') i++;
    return i;
  }

  /**
   * Reads {@code {name="value",…}} at {@link #pos}: no spaces, no trailing comma, no repeated
   * name. Exemplar labels go to their own array and are not cached (they are mostly trace ids).
   */
  private int readLabels(boolean exemplar) throws ExpositionParseException {
    byte[] b = buf;
    pos++;
    if (pos < end && b[pos] == '}') {
      pos++;
      return 0;
    }
    int count = 0;
    while (true) {
      if (pos >= end || !isLabelNameStart(b[pos])) {
        throw error(pos, "invalid label name: unexpected " + describeAt(pos));
      }
      int nameStart = pos;
      ByteStringCache.Entry nameEntry = readLabelName();
      String labelName = nameEntry.string;
      if (pos >= end || b[pos] != '=') {
        throw error(pos, "expected '=' after label name " + labelName + ", found " + describeAt(pos));
      }
      pos++;
      if (pos >= end || b[pos] != '"') {
        throw error(pos, "expected '\"' to open the value of label " + labelName + ", found " + describeAt(pos));
      }
      if (exemplar) {
        String v = readQuoted(null, "exemplar label value");
        if (hasLabel(exemplarLabels, count, labelName)) throw error(nameStart, "duplicate exemplar label " + labelName);
        if (2 * count + 2 > exemplarLabels.length) {
          exemplarLabels = java.util.Arrays.copyOf(exemplarLabels, exemplarLabels.length * 2);
        }
        exemplarLabels[2 * count] = labelName;
        exemplarLabels[2 * count + 1] = v;
      } else {
        String v = readQuoted(values, "label value");
        if (hasLabel(labels, count, labelName)) throw error(nameStart, "duplicate label name " + labelName);
        ensureLabelCapacity(count);
        if (2 * count + 2 > labelRaw.length) labelRaw = java.util.Arrays.copyOf(labelRaw, labelRaw.length * 2);
        labels[2 * count] = labelName;
        labels[2 * count + 1] = v;
        labelHashes[count] = ByteStringCache.mix64(nameEntry.hash64 * 0x9e3779b97f4a7c15L + quotedHash64);
        labelRaw[2 * count] = quotedRawStart;
        labelRaw[2 * count + 1] = quotedRawEnd;
      }
      count++;
      if (pos < end && b[pos] == ',') {
        pos++;
        if (pos < end && b[pos] == '}') throw error(pos, "trailing comma in the label set");
      } else if (pos < end && b[pos] == '}') {
        pos++;
        return count;
      } else {
        throw error(pos, "expected ',' or '}' after the value of label " + labelName + ", found " + describeAt(pos));
      }
    }
  }

  private int labelIndex(int count, String name) {
    String[] l = labels;
    for (int k = 0; k < count; k++) {
      if (l[2 * k].equals(name)) return k;
    }
    return -1;
  }

  /**
   * Label {@code index} read as an OpenMetrics number from its raw bytes; infinities must be
   * written {@code +Inf} or {@code -Inf}, the canonical form.
   */
  private double labelNumber(int index, String what) throws ExpositionParseException {
    int start = labelRaw[2 * index];
    int stop = labelRaw[2 * index + 1];
    if (!numbers.readOpenMetricsNumber(buf, start, stop)) {
      throw error(start, what + " label is not a number: '" + text(start, stop) + "'");
    }
    double v = numbers.value;
    if (Double.isInfinite(v) && !(stop - start == 4 && (matches(start, "+Inf") || matches(start, "-Inf")))) {
      throw error(start, what + " must be written +Inf or -Inf, not '" + text(start, stop) + "'");
    }
    return v;
  }

  /** The series group: an order-independent hash of the labels, without the one at {@code excluded}. */
  private long groupKey(int count, int excluded) {
    long key = 0x2545f4914f6cdd1dL;
    long[] h = labelHashes;
    for (int k = 0; k < count; k++) {
      if (k != excluded) key += h[k];
    }
    return key;
  }

  private void histogramSample(int suffix, long key, boolean hasTimestamp, double seconds, double le, double value,
      int leIndex, int valueStart) throws ExpositionParseException {
    if (!segmentOpen || key != segmentGroup || hasTimestamp != segmentHasTimestamp
        || (hasTimestamp && seconds != segmentTimestamp)) {
      if (segmentOpen) checkHistogramGroup();
      segmentOpen = true;
      segmentGroup = key;
      segmentHasTimestamp = hasTimestamp;
      segmentTimestamp = seconds;
      segmentHasBucket = false;
      segmentLastLe = 0;
      segmentLastBucketValue = 0;
      segmentNegativeBucket = false;
      segmentHasCount = false;
      segmentCount = 0;
      segmentHasSum = false;
      segmentHasGsum = false;
      segmentNegativeGsum = false;
    }
    segmentLastLine = line;
    switch (suffix) {
      case BUCKET -> {
        if (segmentHasBucket && le <= segmentLastLe) {
          throw error(labelRaw[2 * leIndex], "buckets out of order: le must increase, and " + format(le)
              + " follows " + format(segmentLastLe));
        }
        if (value < segmentLastBucketValue) {
          throw error(valueStart, "bucket counts are cumulative and cannot decrease: " + format(value)
              + " follows " + format(segmentLastBucketValue));
        }
        if (le < 0) segmentNegativeBucket = true;
        segmentHasBucket = true;
        segmentLastLe = le;
        segmentLastBucketValue = value;
      }
      case COUNT, GCOUNT -> {
        segmentHasCount = true;
        segmentCount = value;
      }
      case SUM -> segmentHasSum = true;
      case GSUM -> {
        segmentHasGsum = true;
        if (value < 0) segmentNegativeGsum = true;
      }
      default -> {}
    }
  }

  /** The checks that need a histogram group's samples all read, reported at its last line. */
  private void checkHistogramGroup() throws ExpositionParseException {
    segmentOpen = false;
    String reason = null;
    boolean gauge = familyType == MetricType.GAUGE_HISTOGRAM;
    String count = gauge ? "_gcount" : "_count";
    String sum = gauge ? "_gsum" : "_sum";
    if (!segmentHasBucket || segmentLastLe != Double.POSITIVE_INFINITY) {
      reason = "histogram " + family + " has no le=\"+Inf\" bucket";
    } else if (segmentHasCount && segmentCount != segmentLastBucketValue) {
      reason = family + count + " is " + format(segmentCount) + " but the +Inf bucket is " + format(segmentLastBucketValue);
    } else if ((segmentHasSum || segmentHasGsum) && !segmentHasCount) {
      reason = family + sum + " without " + family + count;
    } else if (segmentHasCount && !(segmentHasSum || segmentHasGsum)) {
      reason = family + count + " without " + family + sum;
    } else if (segmentNegativeBucket && segmentHasSum && !allowNegativeObservations) {
      reason = "histogram " + family + " has negative buckets, so it cannot have a _sum";
    } else if (!segmentNegativeBucket && segmentNegativeGsum) {
      reason = family + "_gsum is negative but no bucket is";
    }
    if (reason != null) throw new ExpositionParseException(segmentLastLine, 1, reason);
  }

  /**
   * Seconds as written, to milliseconds, rounded down. Plain decimals are converted digit by digit
   * (no binary rounding: {@code 1.005} is 1005 ms); exponents and huge values go through the
   * double, saturating at the range of a long.
   */
  private long toMillis(int start, int stop, double seconds) {
    byte[] b = buf;
    int i = start;
    boolean negative = false;
    if (b[i] == '+' || b[i] == '-') {
      negative = b[i] == '-';
      i++;
    }
    long whole = 0;
    while (i < stop && FloatReader.isDigit(b[i]) && whole < 900_000_000_000_000L) {
      whole = whole * 10 + (b[i] - '0');
      i++;
    }
    long fraction = 0;
    int fractionDigits = 0;
    boolean remainder = false;
    if (i < stop && b[i] == '.') {
      i++;
      while (i < stop && FloatReader.isDigit(b[i])) {
        if (fractionDigits < 3) {
          fraction = fraction * 10 + (b[i] - '0');
          fractionDigits++;
        } else if (b[i] != '0') {
          remainder = true;
        }
        i++;
      }
    }
    if (i == stop) {
      for (; fractionDigits < 3; fractionDigits++) fraction *= 10;
      long ms = whole * 1000 + fraction;
      return negative ? -ms - (remainder ? 1 : 0) : ms;
    }
    double ms = Math.floor(seconds * 1000);
    if (ms >= 9.2e18) return Long.MAX_VALUE;
    if (ms <= -9.2e18) return Long.MIN_VALUE + 1;
    return (long) ms;
  }

  private String text(int start, int stop) {
    return new String(buf, start, Math.max(0, Math.min(stop, end) - start), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String format(double v) {
    if (v == Double.POSITIVE_INFINITY) return "+Inf";
    if (v == Double.NEGATIVE_INFINITY) return "-Inf";
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
