package dev.loupe.rule;

import java.time.Duration;

/**
 * When a group's value breaches: a comparison with a fixed threshold, or a relative change
 * ({@code (value - reference) / reference}) compared with a fraction, against the same
 * aggregation at an offset or over the group's previous model version.
 */
public sealed interface Condition {
  Comparison comparison();

  double threshold();

  /** {@code value OP threshold}. */
  record Threshold(Comparison comparison, double threshold) implements Condition {
    public Threshold {
      if (comparison == null) throw new IllegalArgumentException("a comparison is required");
    }
  }

  /** {@code (value - reference) / reference OP threshold}; {@code threshold} is a fraction (0.4 = +40 %). */
  record Change(Comparison comparison, double threshold, Reference reference) implements Condition {
    public Change {
      if (comparison == null) throw new IllegalArgumentException("a comparison is required");
      if (reference == null) throw new IllegalArgumentException("change needs 'against'");
    }
  }

  /** What a change is measured against. */
  sealed interface Reference {}

  /** The same aggregation, ending {@code offset} earlier. */
  record Offset(Duration offset) implements Reference {
    public Offset {
      if (offset == null || offset.isNegative() || offset.isZero()) {
        throw new IllegalArgumentException("offset must be positive");
      }
    }
  }

  /**
   * The same aggregation over the longer {@code span} just before the window: a baseline such as
   * the last 7 days, against which the current window is compared.
   */
  record Baseline(Duration span) implements Reference {
    public Baseline {
      if (span == null || span.isNegative() || span.isZero()) {
        throw new IllegalArgumentException("baseline span must be positive");
      }
    }
  }

  /**
   * The group with the same labels but the version its {@code model_version} replaced, over the
   * window ending when it was replaced (or now, if both still report).
   */
  record PreviousVersion() implements Reference {}

  /** Reads {@code > 83}, {@code <= 0.1}, {@code != 0}. */
  public static Threshold parseThreshold(String text) {
    String t = text == null ? "" : text.trim();
    Comparison c = Comparison.prefixOf(t);
    return new Threshold(c, number(t.substring(c.symbol().length()).trim(), false));
  }

  /** Reads {@code > 40%}, {@code < -30%}, {@code > 0.4}. */
  public static Change parseChange(String text, Reference reference) {
    String t = text == null ? "" : text.trim();
    Comparison c = Comparison.prefixOf(t);
    return new Change(c, number(t.substring(c.symbol().length()).trim(), true), reference);
  }

  /** Reads {@code offset 7d}, {@code baseline 7d} or {@code previous_model_version}. */
  public static Reference parseReference(String text) {
    String t = text == null ? "" : text.trim();
    if (t.equals("previous_model_version")) return new PreviousVersion();
    if (t.startsWith("offset ")) return new Offset(Durations.parse(t.substring("offset ".length()).trim()));
    if (t.startsWith("baseline ")) return new Baseline(Durations.parse(t.substring("baseline ".length()).trim()));
    throw new IllegalArgumentException(
        "against must be 'offset <duration>', 'baseline <duration>' or 'previous_model_version', got '" + text + "'");
  }

  private static double number(String s, boolean percentAllowed) {
    boolean percent = percentAllowed && s.endsWith("%");
    String digits = percent ? s.substring(0, s.length() - 1).trim() : s;
    try {
      double v = Double.parseDouble(digits);
      return percent ? v / 100 : v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a number" + (percentAllowed ? " or a percentage" : "")
          + " after the comparison, got '" + s + "'");
    }
  }
}
