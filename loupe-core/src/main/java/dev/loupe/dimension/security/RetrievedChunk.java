package dev.loupe.dimension.security;

/**
 * A retrieved document chunk (or tool output) that went into the context, with where it came from:
 * {@code documentId} (a URL, a file, a record id) and the retrieval span that fetched it. Either
 * may be null when unknown; a finding in the chunk carries both.
 */
public record RetrievedChunk(String documentId, String spanId, String text) {
  public RetrievedChunk {
    if (text == null) throw new IllegalArgumentException("retrieved chunk text is required");
  }
}
