package dev.loupe.dimension.security;

import java.util.Locale;

/**
 * What a deployment lets Loupe keep of prompt and completion text. Detectors run on the text in
 * memory under every policy; the policy decides what a finding's evidence may quote.
 */
public enum CapturePolicy {
  /** No text is kept; evidence names kinds, rules, positions and counts, never the text. */
  OFF,
  /** Text is kept after every sensitive match was replaced by its typed placeholder. */
  REDACTED,
  /** Text is kept as sent. */
  FULL;

  /** {@code off}, {@code redacted} or {@code full}, in any case. */
  public static CapturePolicy parse(String value) {
    if (value == null) throw new IllegalArgumentException("capture policy is missing");
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "off" -> OFF;
      case "redacted" -> REDACTED;
      case "full" -> FULL;
      default -> throw new IllegalArgumentException(
          "capture policy must be off, redacted or full, got '" + value + "'");
    };
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
