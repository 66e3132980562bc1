package dev.loupe.dimension.security;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A tiny template language for writing labeled examples: {@code @slot = a | b | c} defines a slot,
 * {@code attack: ...} and {@code benign: ...} are templates where {@code {slot}} picks one value
 * (values may hold slots themselves) and {@code {slot?}} picks one or nothing. Lines starting with
 * {@code #} are comments. Expansion is driven by a seeded {@link Random}, so a grammar and a seed
 * always give the same examples.
 */
final class TemplateGrammar {
  /** One template: its label and text. */
  record Template(boolean injection, String text) {}

  private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile(" {2,}");
  private final Map<String, String[]> slots = new HashMap<>();
  private final List<Template> templates = new ArrayList<>();

  TemplateGrammar(String source) {
    int lineNo = 0;
    for (String line : source.split("\n")) {
      lineNo++;
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) continue;
      if (l.startsWith("@")) {
        int eq = l.indexOf('=');
        if (eq < 0) throw new IllegalArgumentException("line " + lineNo + ": slot without '='");
        String[] values = l.substring(eq + 1).split("\\|", -1);
        for (int i = 0; i < values.length; i++) values[i] = values[i].strip().replace("\\n", "\n");
        slots.put(l.substring(1, eq).strip(), values);
      } else if (l.startsWith("attack:") || l.startsWith("benign:")) {
        templates.add(new Template(l.startsWith("attack:"), l.substring(7).strip().replace("\\n", "\n")));
      } else {
        throw new IllegalArgumentException("line " + lineNo + ": expected @slot, attack: or benign:, got " + l);
      }
    }
  }

  List<Template> templates() {
    return templates;
  }

  String expand(String template, Random random) {
    StringBuilder out = new StringBuilder(template.length() * 2);
    expandInto(template, random, out, 0);
    return SPACES.matcher(out).replaceAll(" ").replace(" .", ".").replace(" ,", ",").replace(" ?", "?").strip();
  }

  private void expandInto(String template, Random random, StringBuilder out, int depth) {
    if (depth > 8) throw new IllegalStateException("slots nest too deep in: " + template);
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c != '{') {
        out.append(c);
        i++;
        continue;
      }
      int close = template.indexOf('}', i);
      if (close < 0) throw new IllegalArgumentException("unclosed { in: " + template);
      String name = template.substring(i + 1, close);
      boolean optional = name.endsWith("?");
      if (optional) name = name.substring(0, name.length() - 1);
      String[] values = slots.get(name);
      if (values == null) throw new IllegalArgumentException("unknown slot {" + name + "} in: " + template);
      if (!optional || random.nextBoolean()) {
        expandInto(values[random.nextInt(values.length)], random, out, depth + 1);
      }
      i = close + 1;
    }
  }
}
