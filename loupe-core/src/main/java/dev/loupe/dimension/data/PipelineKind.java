package dev.loupe.dimension.data;

import java.util.Locale;

/**
 * What a pipeline produces: a RAG index (its freshness is its last successful refresh, and the
 * deployments answering from it are only as fresh), or a batch job's tables. A pipeline that is
 * not configured is of unknown kind.
 */
public enum PipelineKind {
  RAG_INDEX,
  BATCH,
  UNKNOWN;

  /** {@code rag_index}, {@code batch}, {@code unknown}: the config's and the labels' spelling. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind a config names: {@code rag_index} or {@code batch}. */
  public static PipelineKind parse(String text) {
    for (PipelineKind k : new PipelineKind[] {RAG_INDEX, BATCH}) {
      if (k.wireName().equals(text)) return k;
    }
    throw new IllegalArgumentException("must be rag_index or batch, got '" + text + "'");
  }
}
