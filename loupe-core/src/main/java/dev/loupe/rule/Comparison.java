package dev.loupe.rule;

/** The six comparisons of PromQL; a NaN value never holds. */
public enum Comparison {
  GT(">"), GE(">="), LT("<"), LE("<="), EQ("=="), NE("!=");

  private final String symbol;

  Comparison(String symbol) {
    this.symbol = symbol;
  }

  public String symbol() {
    return symbol;
  }

  public boolean holds(double value, double threshold) {
    if (Double.isNaN(value)) return false;
    return switch (this) {
      case GT -> value > threshold;
      case GE -> value >= threshold;
      case LT -> value < threshold;
      case LE -> value <= threshold;
      case EQ -> value == threshold;
      case NE -> value != threshold;
    };
  }

  /** The comparison a text starts with; the longest symbol wins ({@code >=} before {@code >}). */
  static Comparison prefixOf(String text) {
    for (Comparison c : new Comparison[] {GE, LE, EQ, NE, GT, LT}) {
      if (text.startsWith(c.symbol)) return c;
    }
    throw new IllegalArgumentException("expected one of > >= < <= == != at the start of '" + text + "'");
  }
}
