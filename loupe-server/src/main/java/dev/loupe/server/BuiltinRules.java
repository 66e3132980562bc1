package dev.loupe.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.rule.Rule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The rule pack Loupe ships: one rule file per dimension under {@code builtin-rules/} in the jar,
 * in the same shape as a user's rule file, so a team reads (and exports) the thresholds it runs.
 * {@code rules.builtin} turns the pack off, leaves rules out, or overrides fields of a rule.
 */
public final class BuiltinRules {
  /**
   * The pack's files, one per dimension (later dimensions add theirs here), and the silences of
   * sources in every dimension.
   */
  static final List<String> FILES =
      List.of("compute.yml", "model.yml", "network.yml", "data.yml", "cost.yml", "sources.yml", "security.yml");
  private static final String DIR = "builtin-rules/";

  private BuiltinRules() {}

  /** The rule specs of the pack as shipped, by file, before any setting of {@code rules.builtin}. */
  public static Map<String, List<JsonNode>> shipped() {
    Map<String, List<JsonNode>> out = new LinkedHashMap<>();
    for (String file : FILES) {
      String text = resource(file);
      List<JsonNode> rules = new ArrayList<>();
      JsonNode tree = ConfigLoader.read(text, DIR + file, JsonNode.class, null);
      if (tree != null) {
        for (JsonNode group : tree.path("groups")) {
          for (JsonNode r : group.path("rules")) rules.add(r);
        }
      }
      out.put(file, rules);
    }
    return out;
  }

  /** The pack's rules with {@code settings} applied; empty when the pack is turned off. */
  public static List<Rule> load(RulesConfig.Builtin settings) {
    if (!settings.enabled()) return List.of();
    Set<String> unused = new HashSet<>(settings.disable());
    Set<String> unusedOverrides = new HashSet<>(settings.override().keySet());
    List<Rule> out = new ArrayList<>();
    for (Map.Entry<String, List<JsonNode>> file : shipped().entrySet()) {
      for (JsonNode node : file.getValue()) {
        String name = node.path("alert").asText();
        String both = name + "/" + node.path("severity").asText().toLowerCase(Locale.ROOT);
        boolean off = settings.disable().contains(name) || settings.disable().contains(both);
        unused.remove(name);
        unused.remove(both);
        if (off) continue;
        ObjectNode spec = node.deepCopy();
        Map<String, JsonNode> applied = new LinkedHashMap<>();
        for (String key : List.of(name, both)) {
          JsonNode change = settings.override().get(key);
          if (change == null) continue;
          unusedOverrides.remove(key);
          if (!change.isObject()) {
            throw new ConfigException("config", 0, 0, "rules.builtin.override." + key,
                "an override is a map of the rule's fields, e.g. {for: 10m, condition: '> 80'}");
          }
          if (change.has("alert") || change.has("severity")) {
            throw new ConfigException("config", 0, 0, "rules.builtin.override." + key,
                "alert and severity name the rule and cannot be overridden; disable it and write your own");
          }
          spec.setAll((ObjectNode) change);
          applied.put(key, change);
        }
        out.add(bind(spec, file.getKey(), both, applied));
      }
    }
    if (!unused.isEmpty()) {
      throw new ConfigException("config", 0, 0, "rules.builtin.disable",
          "no built-in rule named " + String.join(", ", new java.util.TreeSet<>(unused)) + " (" + names() + ")");
    }
    if (!unusedOverrides.isEmpty()) {
      throw new ConfigException("config", 0, 0, "rules.builtin.override",
          "no built-in rule named " + String.join(", ", new java.util.TreeSet<>(unusedOverrides)) + " (" + names() + ")");
    }
    return out;
  }

  /** The names of the pack's rules, for error messages and the docs. */
  public static String names() {
    Set<String> names = new java.util.TreeSet<>();
    for (List<JsonNode> rules : shipped().values()) for (JsonNode r : rules) names.add(r.path("alert").asText());
    return "built-in rules: " + String.join(", ", names);
  }

  /**
   * The rule from its spec; a failure can only come from an override (the shipped pack is tested),
   * so it names the override's key that set the faulty field.
   */
  private static Rule bind(ObjectNode spec, String file, String name, Map<String, JsonNode> applied) {
    try {
      return ConfigLoader.read(spec.toString(), DIR + file + " (" + name + ")", RulesConfig.RuleSpec.class, null)
          .toRule();
    } catch (ConfigException e) {
      throw new ConfigException("config", 0, 0, overrideKey(applied, name, e.keyPath()), e.reason());
    } catch (ConfigValueException e) {
      throw new ConfigException("config", 0, 0, overrideKey(applied, name, e.key()), e.getMessage());
    }
  }

  private static String overrideKey(Map<String, JsonNode> applied, String name, String field) {
    String top = field.split("[.\\[]", 2)[0];
    String key = applied.isEmpty() ? name : applied.keySet().iterator().next();
    for (Map.Entry<String, JsonNode> e : applied.entrySet()) {
      if (e.getValue().has(top)) key = e.getKey();
    }
    return "rules.builtin.override." + key + (field.isEmpty() ? "" : "." + field);
  }

  private static String resource(String file) {
    try (InputStream in = BuiltinRules.class.getResourceAsStream(DIR + file)) {
      if (in == null) throw new IllegalStateException("the jar lacks its built-in rule file " + DIR + file);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
