package dev.loupe.rule;

import java.time.Duration;

/** Prometheus's duration text: {@code 1d2h}, {@code 15m}, {@code 30s}, {@code 500ms}, {@code 1w}, {@code 1y}. */
final class Durations {
  private Durations() {}

  static Duration parse(String text) {
    if (text == null || text.isBlank()) throw new IllegalArgumentException("a duration is required");
    String s = text.trim();
    long millis = 0;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
      if (i == start) throw bad(text);
      long n = Long.parseLong(s.substring(start, i));
      int unitStart = i;
      while (i < s.length() && Character.isLetter(s.charAt(i))) i++;
      String unit = s.substring(unitStart, i);
      long factor = switch (unit) {
        case "ms" -> 1;
        case "s" -> 1000;
        case "m" -> 60_000;
        case "h" -> 3_600_000;
        case "d" -> 86_400_000;
        case "w" -> 7 * 86_400_000L;
        case "y" -> 365 * 86_400_000L;
        default -> throw bad(text);
      };
      millis = Math.addExact(millis, Math.multiplyExact(n, factor));
    }
    return Duration.ofMillis(millis);
  }

  /** The shortest text of one unit that {@link #parse} reads back: {@code 7d}, {@code 90m}, {@code 1500ms}. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms > 0 && ms % 86_400_000 == 0) return ms / 86_400_000 + "d";
    if (ms > 0 && ms % 3_600_000 == 0) return ms / 3_600_000 + "h";
    if (ms > 0 && ms % 60_000 == 0) return ms / 60_000 + "m";
    if (ms % 1000 == 0) return ms / 1000 + "s";
    return ms + "ms";
  }

  private static IllegalArgumentException bad(String text) {
    return new IllegalArgumentException("not a duration: '" + text + "' (write e.g. 30s, 15m, 7d, 1h30m)");
  }
}
