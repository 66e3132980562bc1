package dev.loupe.dimension.security;

import java.util.Locale;

/** Which text of an inference a finding was made in. */
public enum TextSource {
  PROMPT,
  SYSTEM_PROMPT,
  COMPLETION,
  TOOL_ARGUMENTS,
  /** A retrieved document or tool output placed in the context (indirect injection). */
  RETRIEVED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
