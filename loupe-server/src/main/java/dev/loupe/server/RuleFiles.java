package dev.loupe.server;

import dev.loupe.rule.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules of a config: those written inline under {@code rules.groups}, then those of each
 * {@code rules.rule_files} entry, in order. A faulty file fails with its own name, line and key.
 */
public final class RuleFiles {
  private RuleFiles() {}

  /** Reads one rule file ({@code groups:} as in a Prometheus rule file). */
  public static RulesConfig.RuleFile read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), 0, 0, "", "no such rule file");
    } catch (IOException e) {
      throw new ConfigException(file.toString(), 0, 0, "", "cannot read: " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  /** Reads rule file text; {@code source} names it in errors. */
  public static RulesConfig.RuleFile parse(String yaml, String source) {
    return ConfigLoader.read(yaml, source, RulesConfig.RuleFile.class, new RulesConfig.RuleFile(List.of()));
  }

  /**
   * Every rule of the config: the built-in pack (as {@code rules.builtin} leaves it), then those
   * written inline, then the rule files'. A rule named twice (with one severity) is refused, a
   * built-in one too: it is changed under {@code rules.builtin.override}.
   */
  public static List<Rule> load(RulesConfig config) {
    List<Rule> out = new ArrayList<>(BuiltinRules.load(config.builtin()));
    Set<String> names = new HashSet<>();
    for (Rule r : out) names.add(r.name() + "/" + r.severity());
    for (Rule r : config.inlineRules()) {
      if (!names.add(r.name() + "/" + r.severity())) {
        throw new ConfigException("config", 0, 0, "rules.groups", "rule '" + r.name() + "' with severity "
            + r.severity().name().toLowerCase(java.util.Locale.ROOT)
            + " is a built-in rule; change it under rules.builtin.override or leave it out with rules.builtin.disable");
      }
      out.add(r);
    }
    for (String f : config.ruleFiles()) {
      for (RulesConfig.RuleGroup g : read(Path.of(f)).groups()) {
        for (RulesConfig.RuleSpec spec : g.rules()) {
          Rule r = spec.toRule();
          if (!names.add(r.name() + "/" + r.severity())) {
            throw new ConfigException(f, 0, 0, "", "rule '" + r.name() + "' with severity "
                + r.severity().name().toLowerCase(java.util.Locale.ROOT) + " is defined twice");
          }
          out.add(r);
        }
      }
    }
    return out;
  }
}
