package dev.loupe.model;

import java.util.List;
import java.util.Objects;

/**
 * What a request carried beside its prompt, as its sender reported it: the documents retrieved
 * for it (RAG), the output format its call asked for, and the text it asked to summarize when that
 * is not the prompt. Read by the quality evaluators while the batch is in memory; never stored.
 *
 * @param responseFormat the API's {@code response_format} type ({@code json_object},
 *     {@code json_schema}, {@code text}…), or null
 * @param responseSchema the JSON schema asked for, as text, or null
 */
public record InferenceContext(
    List<String> retrievedDocuments, String responseFormat, String responseSchema, String summarySource) {
  public static final InferenceContext NONE = new InferenceContext(null, null, null, null);

  public InferenceContext {
    retrievedDocuments = retrievedDocuments == null ? List.of()
        : retrievedDocuments.stream().filter(Objects::nonNull).filter(d -> !d.isBlank()).toList();
  }

  public boolean isEmpty() {
    return retrievedDocuments.isEmpty() && responseFormat == null && responseSchema == null && summarySource == null;
  }

  /**
   * The key a batch files an inference's context under: its request id, else its trace id (the
   * documents a trace's retrieval span found serve every model call of that trace); null when the
   * inference has neither.
   */
  public static String keyOf(Inference i) {
    return i.requestId() != null ? "r:" + i.requestId() : i.traceId() != null ? "t:" + i.traceId() : null;
  }

  /** The key of a trace's context, for contexts read from spans. */
  public static String traceKey(String traceId) {
    return "t:" + traceId;
  }
}
