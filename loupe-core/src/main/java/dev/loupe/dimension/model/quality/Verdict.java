package dev.loupe.dimension.model.quality;

/** A pass/fail check's answer; {@code reason} says why it failed without quoting the answer. */
record Verdict(boolean valid, String reason) {
  static final Verdict VALID = new Verdict(true, null);

  static Verdict invalid(String reason) {
    return new Verdict(false, reason);
  }
}
