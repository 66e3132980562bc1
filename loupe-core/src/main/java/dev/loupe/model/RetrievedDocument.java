package dev.loupe.model;

/**
 * A document (or tool output) a request placed in the model's context, with where it came from:
 * {@code documentId} (a URL, a file, a record id) and the retrieval span that fetched it, either
 * null when the sender did not say. Held in memory while a batch is read; never stored.
 */
public record RetrievedDocument(String text, String documentId, String spanId) {
  public RetrievedDocument {
    Checks.required("text", text);
  }

  /** A document whose provenance is unknown. */
  public static RetrievedDocument of(String text) {
    return new RetrievedDocument(text, null, null);
  }
}
