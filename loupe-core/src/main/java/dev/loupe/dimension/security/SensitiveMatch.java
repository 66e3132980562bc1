package dev.loupe.dimension.security;

/** One piece of personal data or one secret found in a text: {@code [start, end)} in UTF-16 units. */
public record SensitiveMatch(SensitiveKind kind, int start, int end) {
  public SensitiveMatch {
    if (kind == null) throw new IllegalArgumentException("kind is required");
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException("bad span [" + start + ", " + end + ")");
    }
  }

  public String valueIn(String text) {
    return text.substring(start, end);
  }
}
