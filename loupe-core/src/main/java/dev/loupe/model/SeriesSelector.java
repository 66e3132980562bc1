package dev.loupe.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A PromQL instant-vector selector, {@code name{label="v", other=~"re"}}, the query language of
 * {@code /api/v1/signals/query_range}. Only selectors: no functions or operators.
 */
public record SeriesSelector(String metricName, List<LabelMatcher> matchers) {
  public SeriesSelector {
    Checks.name("metric name", metricName);
    matchers = List.copyOf(matchers);
  }

  /** Parses a selector; a syntax error names the column (1-based) where it was found. */
  public static SeriesSelector parse(String text) {
    return new Reader(text).selector();
  }

  /** Whether a series with these labels matches every matcher (an absent label is empty, as in PromQL). */
  public boolean matches(java.util.Map<String, String> labels) {
    for (LabelMatcher m : matchers) {
      if (!m.matches(labels.getOrDefault(m.name(), ""))) return false;
    }
    return true;
  }

  /** The matchers on one label, or an empty list. */
  public List<LabelMatcher> matchersOn(String label) {
    return matchers.stream().filter(m -> m.name().equals(label)).toList();
  }

  private static final class Reader {
    private final String s;
    private int pos;

    Reader(String s) {
      if (s == null) throw new IllegalArgumentException("query is required");
      this.s = s;
    }

    SeriesSelector selector() {
      skipSpace();
      String name = s.startsWith("{", pos) ? null : identifier("metric name");
      List<LabelMatcher> matchers = new ArrayList<>();
      skipSpace();
      if (pos < s.length() && s.charAt(pos) == '{') {
        pos++;
        skipSpace();
        while (pos < s.length() && s.charAt(pos) != '}') {
          String label = identifier("label name");
          skipSpace();
          LabelMatcher.Op op = operator();
          skipSpace();
          String value = quoted();
          if (label.equals("__name__") && op == LabelMatcher.Op.EQ) {
            if (name != null && !name.equals(value)) throw error("two different metric names");
            name = value;
          } else {
            try {
              matchers.add(new LabelMatcher(label, op, value));
            } catch (RuntimeException e) {
              throw error("invalid matcher on " + label + ": " + e.getMessage());
            }
          }
          skipSpace();
          if (pos < s.length() && s.charAt(pos) == ',') {
            pos++;
            skipSpace();
          } else if (pos >= s.length() || s.charAt(pos) != '}') {
            throw error("expected ',' or '}'");
          }
        }
        if (pos >= s.length()) throw error("missing '}'");
        pos++;
      }
      skipSpace();
      if (pos != s.length()) throw error("unexpected '" + s.charAt(pos) + "'; only selectors are supported");
      if (name == null) throw error("a metric name is required");
      return new SeriesSelector(name, matchers);
    }

    private String identifier(String what) {
      int start = pos;
      while (pos < s.length()) {
        char c = s.charAt(pos);
        boolean ok = Character.isLetter(c) || c == '_' || c == ':' || (pos > start && Character.isDigit(c));
        if (!ok) break;
        pos++;
      }
      if (pos == start) throw error("expected " + what);
      return s.substring(start, pos);
    }

    private LabelMatcher.Op operator() {
      if (s.startsWith("=~", pos)) {
        pos += 2;
        return LabelMatcher.Op.RE;
      }
      if (s.startsWith("!~", pos)) {
        pos += 2;
        return LabelMatcher.Op.NRE;
      }
      if (s.startsWith("!=", pos)) {
        pos += 2;
        return LabelMatcher.Op.NEQ;
      }
      if (s.startsWith("=", pos)) {
        pos += 1;
        return LabelMatcher.Op.EQ;
      }
      throw error("expected one of = != =~ !~");
    }

    private String quoted() {
      if (pos >= s.length() || (s.charAt(pos) != '"' && s.charAt(pos) != '\'')) {
        throw error("expected a quoted label value");
      }
      char quote = s.charAt(pos++);
      StringBuilder out = new StringBuilder();
      while (pos < s.length()) {
        char c = s.charAt(pos++);
        if (c == quote) return out.toString();
        if (c == '\\' && pos < s.length()) {
          char e = s.charAt(pos++);
          out.append(e == 'n' ? '\n' : e == 't' ? '\t' : e);
        } else {
          out.append(c);
        }
      }
      throw error("unterminated label value");
    }

    private void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
    }

    private IllegalArgumentException error(String reason) {
      return new IllegalArgumentException("column " + (pos + 1) + ": " + reason);
    }
  }
}
