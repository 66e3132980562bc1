package dev.loupe.rule;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The few Go-template forms alert labels and annotations use, rendered as Prometheus renders
 * them: {@code {{ $labels.gpu }}} (a missing label renders empty), {@code {{ $value }}}, and
 * {@code $value} through {@code humanize}, {@code humanizePercentage} or {@code humanizeDuration},
 * written either {@code {{ $value | humanize }}} or {@code {{ humanize $value }}}. Anything else
 * is refused when the rule is read. Not a template engine.
 */
public record AlertTemplate(String source, List<Part> parts) {
  /** A literal run of text, or one substitution. */
  public sealed interface Part {}

  record Text(String text) implements Part {}

  record Label(String name) implements Part {}

  record Value(String function) implements Part {}

  private static final List<String> FUNCTIONS = List.of("humanize", "humanizePercentage", "humanizeDuration");

  public AlertTemplate {
    parts = List.copyOf(parts);
  }

  /** Reads a template; an unsupported form names its column (1-based). */
  public static AlertTemplate parse(String text) {
    String s = text == null ? "" : text;
    List<Part> parts = new ArrayList<>();
    int pos = 0;
    while (pos < s.length()) {
      int open = s.indexOf("{{", pos);
      if (open < 0) {
        parts.add(new Text(s.substring(pos)));
        break;
      }
      if (open > pos) parts.add(new Text(s.substring(pos, open)));
      int close = s.indexOf("}}", open + 2);
      if (close < 0) throw new IllegalArgumentException("column " + (open + 1) + ": '{{' without '}}'");
      parts.add(action(s.substring(open + 2, close), open + 1));
      pos = close + 2;
    }
    return new AlertTemplate(s, parts);
  }

  private static Part action(String inner, int column) {
    String a = inner.strip();
    if (a.startsWith("-")) a = a.substring(1).strip(); // {{- trims space in Go; the text is kept here
    if (a.endsWith("-")) a = a.substring(0, a.length() - 1).strip();
    String[] pipe = a.split("\\|", -1);
    if (pipe.length == 2) {
      String fn = pipe[1].strip();
      if (pipe[0].strip().equals("$value") && FUNCTIONS.contains(fn)) return new Value(fn);
    } else if (pipe.length == 1) {
      if (a.equals("$value")) return new Value(null);
      if (a.startsWith("$labels.") && isName(a.substring("$labels.".length()))) {
        return new Label(a.substring("$labels.".length()));
      }
      String[] words = a.split("\\s+");
      if (words.length == 2 && FUNCTIONS.contains(words[0]) && words[1].equals("$value")) return new Value(words[0]);
    }
    throw new IllegalArgumentException("column " + column + ": unsupported template '{{" + inner + "}}'; "
        + "supported: {{ $labels.NAME }}, {{ $value }}, {{ $value | humanize }}, humanizePercentage, humanizeDuration");
  }

  private static boolean isName(String s) {
    if (s.isEmpty()) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '_')) return false;
    }
    return true;
  }

  /**
   * The same template as Go's {@code text/template} reads it to the text {@link #render} gives,
   * for a Prometheus rule file: each action in one spelling, and without the {@code {{-} and
   * {@code -}}} markers, since Go trims the space beside them and Loupe keeps it.
   */
  public String goTemplate() {
    StringBuilder out = new StringBuilder();
    for (Part p : parts) {
      if (p instanceof Text t) {
        out.append(t.text());
      } else if (p instanceof Label l) {
        out.append("{{ $labels.").append(l.name()).append(" }}");
      } else if (p instanceof Value v) {
        out.append(v.function() == null ? "{{ $value }}" : "{{ $value | " + v.function() + " }}");
      }
    }
    return out.toString();
  }

  public String render(Map<String, String> labels, double value) {
    if (parts.size() == 1 && parts.get(0) instanceof Text t) return t.text();
    StringBuilder out = new StringBuilder();
    for (Part p : parts) {
      if (p instanceof Text t) {
        out.append(t.text());
      } else if (p instanceof Label l) {
        out.append(labels.getOrDefault(l.name(), ""));
      } else if (p instanceof Value v) {
        out.append(v.function() == null ? goFloat(value) : switch (v.function()) {
          case "humanize" -> humanize(value);
          case "humanizePercentage" -> g4(value * 100) + "%";
          default -> humanizeDuration(value);
        });
      }
    }
    return out.toString();
  }

  /** Prometheus's {@code humanize}: SI prefixes, four significant digits. */
  static String humanize(double v) {
    if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) return g4(v);
    String prefix = "";
    if (Math.abs(v) >= 1) {
      for (String p : new String[] {"k", "M", "G", "T", "P", "E", "Z", "Y"}) {
        if (Math.abs(v) < 1000) break;
        prefix = p;
        v /= 1000;
      }
    } else {
      for (String p : new String[] {"m", "u", "n", "p", "f", "a", "z", "y"}) {
        if (Math.abs(v) >= 1) break;
        prefix = p;
        v *= 1000;
      }
    }
    return g4(v) + prefix;
  }

  /** Prometheus's {@code humanizeDuration} of seconds: {@code 1d 2h 3m 4s}, or {@code 1.5s}, {@code 250ms}. */
  static String humanizeDuration(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) return g4(v);
    if (v == 0) return g4(v) + "s";
    if (Math.abs(v) >= 1) {
      String sign = v < 0 ? "-" : "";
      v = Math.abs(v);
      long d = (long) v;
      long seconds = d % 60;
      long minutes = d / 60 % 60;
      long hours = d / 3600 % 24;
      long days = d / 86400;
      if (days != 0) return sign + days + "d " + hours + "h " + minutes + "m " + seconds + "s";
      if (hours != 0) return sign + hours + "h " + minutes + "m " + seconds + "s";
      if (minutes != 0) return sign + minutes + "m " + seconds + "s";
      return sign + g4(v) + "s";
    }
    String prefix = "";
    for (String p : new String[] {"m", "u", "n", "p", "f", "a", "z", "y"}) {
      if (Math.abs(v) >= 1) break;
      prefix = p;
      v *= 1000;
    }
    return g4(v) + prefix + "s";
  }

  /** Go's {@code %.4g}: four significant digits, trailing zeros dropped, exponent form outside 1e-4..1e4. */
  static String g4(double v) {
    if (Double.isNaN(v)) return "NaN";
    if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == 0) return "0";
    BigDecimal d = new BigDecimal(v).round(new MathContext(4, RoundingMode.HALF_EVEN)).stripTrailingZeros();
    int exp = d.precision() - d.scale() - 1;
    if (exp < -4 || exp >= 4) {
      BigDecimal mantissa = d.movePointLeft(exp);
      String e = (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
      return mantissa.toPlainString() + "e" + e;
    }
    return d.toPlainString();
  }

  /** Go's {@code %v} of a float64: the shortest form that reads back, exponent form from 1e21. */
  static String goFloat(double v) {
    if (Double.isNaN(v)) return "NaN";
    if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == Math.rint(v) && Math.abs(v) < 1e21) return new BigDecimal(v).toPlainString();
    BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
    int exp = d.precision() - d.scale() - 1;
    if (exp < -4 || exp >= 21) {
      String e = (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
      return d.movePointLeft(exp).toPlainString() + "e" + e;
    }
    return d.toPlainString();
  }
}
