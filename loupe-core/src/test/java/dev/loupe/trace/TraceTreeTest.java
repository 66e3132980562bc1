package dev.loupe.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.model.Span;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TraceTreeTest {
  static final long MS = 1_000_000;
  static final long T = 1_795_900_000_000L * MS;

  static Span span(String id, String parent, String name, long fromMs, long toMs) {
    return new Span("5b8efff798038103d269b633813fc60c", id, parent, name, T + fromMs * MS, T + toMs * MS, null,
        Map.of(), Map.of());
  }

  /** gateway 0–1000: embedding 0–100, vector search 100–250, llm 250–950 (with overlap 900–940). */
  static List<Span> rag() {
    return List.of(
        span("a", null, "gateway", 0, 1000),
        span("b", "a", "embedding", 0, 100),
        span("c", "a", "vector-search", 100, 250),
        span("d", "a", "llm-inference", 250, 950),
        span("e", "a", "post-processing", 900, 940));
  }

  @Test
  void selfTimeAndShareShowWhereTheTimeWent() {
    List<TraceTree.Node> roots = TraceTree.build(rag());
    assertThat(roots).hasSize(1);
    TraceTree.Node gateway = roots.get(0);
    assertThat(gateway.children()).extracting(n -> n.span().name())
        .containsExactly("embedding", "vector-search", "llm-inference", "post-processing");
    assertThat(gateway.selfNanos()).as("1000 minus children covering 0–950, overlap once").isEqualTo(50 * MS);
    TraceTree.Node llm = gateway.children().get(2);
    assertThat(llm.shareOfTrace()).isEqualTo(0.7);
    assertThat(gateway.children().get(0).shareOfTrace()).isEqualTo(0.1);
  }

  @Test
  void arrivalOrderDoesNotMatterAndOrphansBecomeRoots() {
    List<Span> shuffled = new ArrayList<>(rag());
    Collections.shuffle(shuffled, new Random(5));
    assertThat(TraceTree.build(shuffled)).isEqualTo(TraceTree.build(rag()));
    List<Span> partial = List.of(span("d", "a", "llm-inference", 250, 950), span("x", "d", "tokenizer", 260, 270));
    List<TraceTree.Node> roots = TraceTree.build(partial);
    assertThat(roots).extracting(n -> n.span().name()).containsExactly("llm-inference");
    assertThat(roots.get(0).children()).hasSize(1);
  }
}
