package dev.loupe.model;

import java.util.regex.Pattern;

/** One label condition of a series selector, with Prometheus's four operators. */
public record LabelMatcher(String name, Op op, String value) {
  /** {@code =}, {@code !=}, {@code =~}, {@code !~}; regexes are fully anchored as in PromQL. */
  public enum Op {
    EQ("="),
    NEQ("!="),
    RE("=~"),
    NRE("!~");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }
  }

  public LabelMatcher {
    Checks.name("label name", name);
    Checks.required("op", op);
    Checks.required("value", value);
    if (op == Op.RE || op == Op.NRE) {
      Pattern.compile(value); // fail at parse time, not per series
    }
  }

  public static LabelMatcher eq(String name, String value) {
    return new LabelMatcher(name, Op.EQ, value);
  }

  /** Whether a series whose label has {@code actual} (null when absent) matches. */
  public boolean matches(String actual) {
    String v = actual == null ? "" : actual;
    switch (op) {
      case EQ:
        return v.equals(value);
      case NEQ:
        return !v.equals(value);
      case RE:
        return Pattern.matches(value, v);
      case NRE:
        return !Pattern.matches(value, v);
      default:
        throw new AssertionError(op);
    }
  }

  public boolean matches(SeriesKey key) {
    return matches(key.label(name));
  }
}
