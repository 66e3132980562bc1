package dev.loupe.trace;

import dev.loupe.model.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A trace assembled from its spans, whatever order or batches they arrived in: each span with
 * its children, its self time (its duration minus the time covered by its children, overlaps
 * counted once) and that self time's share of the whole trace, so it shows whether embedding,
 * vector search or the model call dominates. Spans whose parent never arrived are roots.
 */
public final class TraceTree {
  /** One span in the tree. */
  public record Node(Span span, long selfNanos, double shareOfTrace, List<Node> children) {
    public long durationNanos() {
      return span.endNanos() - span.startNanos();
    }
  }

  private TraceTree() {}

  /** The roots, in start order; {@code spans} all belong to one trace. */
  public static List<Node> build(List<Span> spans) {
    if (spans.isEmpty()) return List.of();
    long start = spans.stream().mapToLong(Span::startNanos).min().orElseThrow();
    long end = spans.stream().mapToLong(Span::endNanos).max().orElseThrow();
    long total = Math.max(1, end - start);
    Map<String, List<Span>> children = new HashMap<>();
    Map<String, Span> byId = new HashMap<>();
    for (Span s : spans) byId.put(s.spanId(), s);
    List<Span> roots = new ArrayList<>();
    for (Span s : spans) {
      if (s.parentSpanId() == null || !byId.containsKey(s.parentSpanId()) || s.parentSpanId().equals(s.spanId())) {
        roots.add(s);
      } else {
        children.computeIfAbsent(s.parentSpanId(), k -> new ArrayList<>()).add(s);
      }
    }
    List<Node> out = new ArrayList<>();
    for (Span r : sorted(roots)) out.add(node(r, children, total, new java.util.HashSet<>()));
    return out;
  }

  private static Node node(Span s, Map<String, List<Span>> children, long total, java.util.Set<String> path) {
    path.add(s.spanId());
    List<Node> kids = new ArrayList<>();
    for (Span c : sorted(children.getOrDefault(s.spanId(), List.of()))) {
      if (!path.contains(c.spanId())) kids.add(node(c, children, total, path)); // a cycle is cut, not followed
    }
    path.remove(s.spanId());
    long self = Math.max(0, (s.endNanos() - s.startNanos()) - covered(s, kids));
    return new Node(s, self, (double) self / total, List.copyOf(kids));
  }

  /** How much of the span's own interval its children cover, overlaps counted once. */
  private static long covered(Span parent, List<Node> kids) {
    List<long[]> intervals = new ArrayList<>();
    for (Node k : kids) {
      long a = Math.max(parent.startNanos(), k.span().startNanos());
      long b = Math.min(parent.endNanos(), k.span().endNanos());
      if (b > a) intervals.add(new long[] {a, b});
    }
    intervals.sort(Comparator.comparingLong(x -> x[0]));
    long sum = 0;
    long curA = -1;
    long curB = -1;
    for (long[] iv : intervals) {
      if (iv[0] > curB) {
        sum += curB - curA;
        curA = iv[0];
        curB = iv[1];
      } else {
        curB = Math.max(curB, iv[1]);
      }
    }
    return sum + (curB - curA);
  }

  private static List<Span> sorted(List<Span> spans) {
    return spans.stream().sorted(Comparator.comparingLong(Span::startNanos).thenComparing(Span::spanId)).toList();
  }
}
