package dev.loupe.rule;

import dev.loupe.model.Alert;
import dev.loupe.model.LabelMatcher;
import dev.loupe.model.RangeSeries;
import dev.loupe.model.Sample;
import dev.loupe.model.SeriesSelector;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Evaluates alerting rules, each in isolation: a rule whose query throws (or overruns its time
 * budget, when an executor runs the queries) keeps its alerts as they were and reports the error,
 * and the others go on. After each evaluation the {@link AlertSink} receives every alert and
 * {@link #evaluate} returns the {@code ALERTS} / {@code ALERTS_FOR_STATE} samples to store.
 *
 * <pre>{@code
 * RuleEngine engine = new RuleEngine(rules, source, VersionHistory.none(), sink, RuleEngine.Settings.DEFAULTS);
 * List<Sample> alertSamples = engine.evaluate(clock.millis()); // every evaluation_interval
 * }</pre>
 *
 * The first evaluation restores the {@code for} state from stored {@code ALERTS_FOR_STATE}, as
 * Prometheus does after a restart, and writes no samples (neither does Prometheus before restoring).
 */
public final class RuleEngine {
  /** How many state changes {@link #history()} keeps. */
  static final int HISTORY = 1_000;

  /**
   * Restore and isolation settings. {@code executor} runs the rule queries ({@code Runnable::run}
   * runs them in the calling thread); {@code budget} bounds how long an evaluation waits for them
   * (zero: no bound, only useful with the calling-thread executor).
   */
  public record Settings(Duration outageTolerance, Duration gracePeriod, Duration resolvedRetention,
      Executor executor, Duration budget) {
    public static final Settings DEFAULTS =
        new Settings(Duration.ofHours(1), Duration.ofMinutes(10), RuleState.RESOLVED_RETENTION, Runnable::run, Duration.ZERO);

    public Settings withExecutor(Executor e, Duration b) {
      return new Settings(outageTolerance, gracePeriod, resolvedRetention, e, b);
    }

    public Settings withRestore(Duration tolerance, Duration grace) {
      return new Settings(tolerance, grace, resolvedRetention, executor, budget);
    }
  }

  private static final class Slot {
    final RuleState state;
    final Set<String> seen = new HashSet<>();
    CompletableFuture<?> running;
    RuleStatus.Health health = RuleStatus.Health.UNKNOWN;
    long lastEvaluation;
    Duration lastDuration = Duration.ZERO;
    String lastError = "";

    Slot(RuleState state) {
      this.state = state;
    }
  }

  private final List<Slot> slots = new ArrayList<>();
  private final SignalSource source;
  private final VersionHistory versions;
  private final AlertSink sink;
  private final Settings settings;
  private final Deque<Transition> history = new ArrayDeque<>();
  private boolean restored;
  private volatile List<RuleStatus> status;
  private volatile List<Alert> alerts = List.of();
  private volatile List<Transition> changes = List.of();

  public RuleEngine(List<Rule> rules, SignalSource source, VersionHistory versions, AlertSink sink, Settings settings) {
    Set<String> names = new HashSet<>();
    for (Rule r : rules) {
      // Prometheus allows it across groups; here the name is the key of the rule's status.
      if (!names.add(r.name() + "/" + r.severity())) {
        throw new IllegalArgumentException("two rules named " + r.name() + " with severity " + r.severity());
      }
      slots.add(new Slot(new RuleState(r, settings.resolvedRetention())));
    }
    this.source = source;
    this.versions = versions;
    this.sink = sink;
    this.settings = settings;
    publish();
  }

  /** A rule's query result and how long the query took. */
  private record Queried(List<Breach> breaches, long nanos) {}

  /** Evaluates every rule at {@code nowMillis}; returns the alert samples to store. */
  public List<Sample> evaluate(long nowMillis) {
    List<Sample> samples = new ArrayList<>();
    List<Alert> alerts;
    synchronized (this) {
      long started = System.nanoTime();
      Map<Slot, CompletableFuture<Queried>> queries = new IdentityHashMap<>();
      SignalSource reads = new TickReads(source);
      for (Slot s : slots) {
        if (s.running != null && !s.running.isDone()) continue; // still busy from an earlier tick: skipped
        Rule rule = s.state.rule();
        CompletableFuture<Queried> query = CompletableFuture.supplyAsync(() -> {
          long t0 = System.nanoTime();
          Set<String> seen = new HashSet<>();
          List<Breach> b = BreachFinder.find(rule, reads, versions, nowMillis, seen);
          synchronized (s.seen) {
            s.seen.addAll(seen);
          }
          return new Queried(b, System.nanoTime() - t0);
        }, settings.executor());
        s.running = query;
        queries.put(s, query);
      }
      long budget = settings.budget().toNanos();
      for (Slot s : slots) {
        s.lastEvaluation = nowMillis;
        CompletableFuture<Queried> query = queries.get(s);
        if (query == null) {
          s.health = RuleStatus.Health.ERR;
          s.lastError = "skipped: its evaluation of an earlier tick is still running";
          continue;
        }
        long t0 = System.nanoTime();
        try {
          Queried q = budget > 0
              ? query.get(Math.max(0, started + budget - System.nanoTime()), TimeUnit.NANOSECONDS)
              : query.get();
          long applyStart = System.nanoTime();
          record(s.state.apply(q.breaches(), nowMillis));
          s.lastDuration = Duration.ofNanos(q.nanos() + System.nanoTime() - applyStart);
          s.health = RuleStatus.Health.OK;
          s.lastError = "";
          continue;
        } catch (TimeoutException e) {
          s.lastError = "evaluation did not finish within its budget of " + settings.budget().toMillis() + " ms";
        } catch (ExecutionException e) {
          Throwable cause = e.getCause() == null ? e : e.getCause();
          s.lastError = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          s.lastError = "interrupted";
        } catch (RuntimeException e) {
          s.lastError = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        s.health = RuleStatus.Health.ERR;
        s.lastDuration = Duration.ofNanos(System.nanoTime() - t0);
      }
      if (!restored) {
        restore(nowMillis);
        restored = true;
      } else {
        for (Slot s : slots) samples.addAll(s.state.samples(nowMillis));
      }
      publish();
      alerts = this.alerts;
    }
    sink.accept(alerts);
    return samples;
  }

  /** Prometheus's restore after a restart, from the {@code ALERTS_FOR_STATE} of the outage tolerance. */
  private void restore(long ts) {
    for (Slot s : slots) {
      if (s.state.rule().forDuration().compareTo(settings.gracePeriod()) < 0) continue;
      try {
        SeriesSelector sel = new SeriesSelector("ALERTS_FOR_STATE",
            List.of(LabelMatcher.eq("alertname", s.state.rule().name())));
        List<RangeSeries> history = source.range(sel, ts - settings.outageTolerance().toMillis(), ts);
        s.state.restore(ts, history, settings.gracePeriod());
      } catch (RuntimeException e) {
        s.health = RuleStatus.Health.ERR;
        s.lastError = "restoring the for state failed: " + e.getMessage();
      }
    }
  }

  private void record(List<Transition> changes) {
    for (Transition t : changes) {
      if (history.size() == HISTORY) history.removeFirst();
      history.addLast(t);
    }
  }

  /** Takes the snapshots the readers see, so that reading never waits for an evaluation. */
  private void publish() {
    List<RuleStatus> st = new ArrayList<>(slots.size());
    List<Alert> all = new ArrayList<>();
    for (Slot s : slots) {
      List<Alert> mine = s.state.alerts();
      all.addAll(mine);
      st.add(new RuleStatus(s.state.rule(), s.health, s.lastEvaluation, s.lastDuration, s.lastError, missing(s), mine));
    }
    status = List.copyOf(st);
    alerts = List.copyOf(all);
    changes = List.copyOf(history);
  }

  /** Each rule's health, last evaluation, duration, error, missing inputs and alerts, as of the last evaluation. */
  public List<RuleStatus> status() {
    return status;
  }

  /** Every pending and firing alert and the retained resolved ones, as of the last evaluation. */
  public List<Alert> alerts() {
    return alerts;
  }

  /** The most recent state changes, oldest first. */
  public List<Transition> history() {
    return changes;
  }

  private static List<String> missing(Slot s) {
    List<String> out = new ArrayList<>();
    Set<String> seen;
    synchronized (s.seen) {
      seen = new LinkedHashSet<>(s.seen);
    }
    if (s.lastEvaluation == 0) return out;
    for (String input : s.state.rule().inputs()) {
      if (!seen.contains(input)) out.add(missingText(input, s.state.rule().missingHint()));
    }
    return out;
  }

  static String missingText(String input, String hint) {
    return "missing input: " + input + " never seen" + (hint.isEmpty() ? "" : " (" + hint + ")");
  }
}
