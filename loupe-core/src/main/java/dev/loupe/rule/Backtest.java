package dev.loupe.rule;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs a rule over stored history at its evaluation interval with the same state machine as live
 * evaluation, and answers when it would have gone pending, fired, resolved or been dropped
 * while pending.
 *
 * <pre>{@code
 * Backtest.Result r = Backtest.run(rule, source, VersionHistory.none(), from, to, Duration.ofSeconds(15));
 * }</pre>
 */
public final class Backtest {
  /** The state changes, how many evaluations ran, and the inputs that were never seen. */
  public record Result(List<Transition> transitions, int evaluations, List<String> missingInputs) {
    public Result {
      transitions = List.copyOf(transitions);
      missingInputs = List.copyOf(missingInputs);
    }
  }

  /** At most this many evaluations per backtest (14 days at 15 s is 80,640). */
  public static final int MAX_EVALUATIONS = 200_000;

  private Backtest() {}

  /** Evaluates at {@code from}, {@code from + interval}, … up to and including {@code to}. */
  public static Result run(Rule rule, SignalSource source, VersionHistory versions, long fromMillis, long toMillis,
      Duration interval) {
    long step = interval.toMillis();
    if (step <= 0) throw new IllegalArgumentException("interval must be positive");
    if (toMillis < fromMillis) throw new IllegalArgumentException("the end is before the start");
    if ((toMillis - fromMillis) / step + 1 > MAX_EVALUATIONS) {
      throw new IllegalArgumentException("more than " + MAX_EVALUATIONS + " evaluations; shorten the range");
    }
    RuleState state = new RuleState(rule, RuleState.RESOLVED_RETENTION);
    Set<String> seen = new HashSet<>();
    List<Transition> out = new ArrayList<>();
    int n = 0;
    for (long t = fromMillis; t <= toMillis; t += step) {
      out.addAll(state.apply(BreachFinder.find(rule, source, versions, t, seen), t));
      n++;
    }
    List<String> missing = new ArrayList<>();
    for (String input : rule.inputs()) {
      if (!seen.contains(input)) missing.add(RuleEngine.missingText(input, rule.missingHint()));
    }
    return new Result(out, n, missing);
  }
}
