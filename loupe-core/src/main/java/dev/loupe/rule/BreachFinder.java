package dev.loupe.rule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The groups of a rule that breach at one time. For a change the value compared (and reported
 * as {@code $value}) is the relative change, e.g. 0.42 for +42 %; a group without a reference, or
 * whose reference is 0, does not breach. A previous-version change adds the label
 * {@code previous_model_version} naming the version compared with.
 */
final class BreachFinder {
  private BreachFinder() {}

  static List<Breach> find(Rule rule, SignalSource source, VersionHistory versions, long t, Set<String> seen) {
    List<Breach> found = find(rule.expression(), rule.condition(), source, versions, t, seen);
    if (rule.when() == null) return found;
    // The guard is read even when nothing breaches, so that its inputs are known to be there.
    Expression g = rule.when().expression();
    Set<List<String>> guarded = new java.util.HashSet<>();
    for (Breach b : find(g, rule.when().condition(), source, versions, t, seen)) guarded.add(key(b.labels(), g.by()));
    List<Breach> out = new ArrayList<>();
    for (Breach b : found) {
      if (guarded.contains(key(b.labels(), g.by()))) out.add(b);
    }
    return out;
  }

  private static List<String> key(Map<String, String> labels, List<String> by) {
    List<String> k = new ArrayList<>(by.size());
    for (String l : by) k.add(labels.getOrDefault(l, ""));
    return k;
  }

  private static List<Breach> find(Expression e, Condition c, SignalSource source, VersionHistory versions, long t,
      Set<String> seen) {
    Map<SortedMap<String, String>, Double> current = e.values(source, t, seen);
    List<Breach> out = new ArrayList<>();
    if (c instanceof Condition.Threshold) {
      current.forEach((group, v) -> {
        if (c.comparison().holds(v, c.threshold())) out.add(new Breach(group, v));
      });
      return out;
    }
    Condition.Reference ref = ((Condition.Change) c).reference();
    if (ref instanceof Condition.Offset || ref instanceof Condition.Baseline) {
      Map<SortedMap<String, String>, Double> before = ref instanceof Condition.Offset o
          ? e.values(source, t - o.offset().toMillis(), new java.util.HashSet<>())
          : new Expression(e.numerator(), e.denominator(), ((Condition.Baseline) ref).span(), e.by())
              .values(source, t - e.window().toMillis(), new java.util.HashSet<>());
      current.forEach((group, v) -> {
        Double r = before.get(group);
        if (r != null && r != 0) {
          double change = (v - r) / Math.abs(r);
          if (c.comparison().holds(change, c.threshold())) out.add(new Breach(group, change));
        }
      });
      return out;
    }
    // Previous version: the reference groups are read at the time each version was replaced.
    Map<Long, Map<SortedMap<String, String>, Double>> byEnd = new HashMap<>();
    byEnd.put(t, current);
    current.forEach((group, v) -> {
      Optional<VersionHistory.Previous> previous = versions.previous(group);
      if (previous.isEmpty()) return;
      SortedMap<String, String> refGroup = new TreeMap<>(group);
      refGroup.put("model_version", previous.get().version());
      long end = Math.min(t, previous.get().replacedAtMillis());
      Double r = byEnd.computeIfAbsent(end, at -> e.values(source, at, new java.util.HashSet<>())).get(refGroup);
      if (r == null || r == 0) return;
      double change = (v - r) / Math.abs(r);
      if (c.comparison().holds(change, c.threshold())) {
        SortedMap<String, String> labels = new TreeMap<>(group);
        labels.put("previous_model_version", previous.get().version());
        out.add(new Breach(labels, change));
      }
    });
    return out;
  }
}
