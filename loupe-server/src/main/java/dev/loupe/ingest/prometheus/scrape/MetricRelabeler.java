package dev.loupe.ingest.prometheus.scrape;

import dev.loupe.model.Checks;
import dev.loupe.server.ScrapeConfig.RelabelConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies {@code metric_relabel_configs} with Prometheus's semantics: regexes are fully
 * anchored, {@code $1} / {@code ${1}} / {@code ${name}} expand like Go's {@code Regexp.Expand},
 * and the series' name is the label {@code __name__}. Compiled once per scrape config.
 */
public final class MetricRelabeler {
  public static final String NAME = "__name__";

  private record Rule(RelabelConfig config, Pattern regex) {}

  private final List<Rule> rules;

  public MetricRelabeler(List<RelabelConfig> configs) {
    List<Rule> compiled = new ArrayList<>();
    for (RelabelConfig c : configs) {
      compiled.add(new Rule(c, Pattern.compile("^(?:" + c.regex() + ")$", Pattern.DOTALL)));
    }
    this.rules = List.copyOf(compiled);
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /**
   * Relabels {@code labels} (which include {@code __name__}) in place; false when the series is
   * dropped.
   */
  public boolean apply(Map<String, String> labels) {
    for (Rule rule : rules) {
      RelabelConfig c = rule.config();
      switch (c.action()) {
        case "keep" -> {
          if (!rule.regex().matcher(sourceValue(c, labels)).matches()) return false;
        }
        case "drop" -> {
          if (rule.regex().matcher(sourceValue(c, labels)).matches()) return false;
        }
        case "replace" -> {
          Matcher m = rule.regex().matcher(sourceValue(c, labels));
          if (m.matches()) {
            String target = expand(c.targetLabel(), m);
            if (Checks.isLabelName(target)) {
              String value = expand(c.replacement(), m);
              if (value.isEmpty()) labels.remove(target);
              else labels.put(target, value);
            }
          }
        }
        case "lowercase" -> labels.put(c.targetLabel(), sourceValue(c, labels).toLowerCase(Locale.ROOT));
        case "uppercase" -> labels.put(c.targetLabel(), sourceValue(c, labels).toUpperCase(Locale.ROOT));
        case "hashmod" -> labels.put(c.targetLabel(), Long.toString(hashMod(sourceValue(c, labels), c.modulus())));
        case "labeldrop" -> labels.keySet().removeIf(name -> rule.regex().matcher(name).matches());
        case "labelkeep" -> labels.keySet().removeIf(name -> !rule.regex().matcher(name).matches());
        case "labelmap" -> {
          Map<String, String> added = new java.util.HashMap<>();
          for (Iterator<Map.Entry<String, String>> it = labels.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, String> e = it.next();
            Matcher m = rule.regex().matcher(e.getKey());
            if (m.matches()) added.put(expand(c.replacement(), m), e.getValue());
          }
          labels.putAll(added);
        }
        default -> throw new IllegalStateException("unchecked relabel action " + c.action());
      }
    }
    String name = labels.get(NAME);
    return name != null && !name.isEmpty();
  }

  private static String sourceValue(RelabelConfig c, Map<String, String> labels) {
    List<String> sources = c.sourceLabels();
    if (sources.size() == 1) return labels.getOrDefault(sources.get(0), "");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < sources.size(); i++) {
      if (i > 0) b.append(c.separator());
      b.append(labels.getOrDefault(sources.get(i), ""));
    }
    return b.toString();
  }

  /** Prometheus's hashmod: the first 8 bytes of the MD5 of the value, big-endian, mod m. */
  static long hashMod(String value, long modulus) {
    try {
      byte[] sum = MessageDigest.getInstance("MD5").digest(value.getBytes(StandardCharsets.UTF_8));
      long h = 0;
      for (int i = 0; i < 8; i++) h = (h << 8) | (sum[i] & 0xff);
      return Long.remainderUnsigned(h, modulus);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is part of every JDK", e);
    }
  }

  /** Go's template expansion: {@code $1}, {@code ${1}}, {@code $name}, {@code ${name}}, {@code $$}. */
  static String expand(String template, Matcher m) {
    if (template.indexOf('$') < 0) return template;
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char ch = template.charAt(i);
      if (ch != '$' || i + 1 >= template.length()) {
        out.append(ch);
        i++;
        continue;
      }
      char next = template.charAt(i + 1);
      if (next == '$') {
        out.append('$');
        i += 2;
        continue;
      }
      String name;
      int end;
      if (next == '{') {
        int close = template.indexOf('}', i + 2);
        if (close < 0) {
          out.append(ch);
          i++;
          continue;
        }
        name = template.substring(i + 2, close);
        end = close + 1;
      } else {
        end = i + 1;
        while (end < template.length() && isNameChar(template.charAt(end))) end++;
        name = template.substring(i + 1, end);
      }
      if (name.isEmpty() || !name.chars().allMatch(c -> isNameChar((char) c))) {
        out.append(ch);
        i++;
        continue;
      }
      out.append(group(m, name));
      i = end;
    }
    return out.toString();
  }

  private static String group(Matcher m, String name) {
    String value;
    if (name.chars().allMatch(Character::isDigit)) {
      int n;
      try {
        n = Integer.parseInt(name);
      } catch (NumberFormatException e) {
        return "";
      }
      value = n <= m.groupCount() ? m.group(n) : null;
    } else {
      try {
        value = m.group(name);
      } catch (IllegalArgumentException e) {
        value = null;
      }
    }
    return value == null ? "" : value;
  }

  private static boolean isNameChar(char c) {
    return c == '_' || Character.isLetterOrDigit(c) && c < 128;
  }
}
