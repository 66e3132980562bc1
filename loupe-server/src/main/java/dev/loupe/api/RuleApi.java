package dev.loupe.api;

import dev.loupe.rule.Backtest;
import dev.loupe.rule.Rule;
import dev.loupe.rule.RuleEngine;
import java.time.Duration;
import java.util.List;

/** What the rules and alerts routes need from the server's rule evaluation. */
public interface RuleApi {
  RuleEngine engine();

  Duration evaluationInterval();

  /**
   * The rules of a posted body, YAML or JSON: one rule, a list of rules, or a rule file
   * ({@code groups:}); a mistake is an {@link IllegalArgumentException} naming line and key.
   */
  List<Rule> parse(String body);

  /** The rule run over stored history in {@code [fromMillis, toMillis]}, evaluated every {@code interval}. */
  Backtest.Result backtest(Rule rule, long fromMillis, long toMillis, Duration interval);
}
