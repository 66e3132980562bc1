package dev.loupe.model;

import java.util.List;
import java.util.Objects;

/**
 * What a request carried beside its prompt, as its sender reported it: the documents retrieved
 * for it (RAG) with their provenance, the output format its call asked for, the text it asked to
 * summarize when that is not the prompt, its system prompt, the arguments of the tool calls the
 * model made, and the end user it was made for. Read by the quality evaluators and the security
 * detectors while the batch is in memory; never stored.
 *
 * @param responseFormat the API's {@code response_format} type ({@code json_object},
 *     {@code json_schema}, {@code text}…), or null
 * @param responseSchema the JSON schema asked for, as text, or null
 * @param systemPrompt the system message as sent, or null (it may be part of the prompt already)
 * @param toolArguments the arguments of each tool call, as sent (JSON text)
 * @param user the end user the request was made for (an id), or null
 */
public record InferenceContext(
    List<RetrievedDocument> retrieved, String responseFormat, String responseSchema, String summarySource,
    String systemPrompt, List<String> toolArguments, String user) {
  public static final InferenceContext NONE = new InferenceContext(null, null, null, null);

  public InferenceContext {
    retrieved = retrieved == null ? List.of()
        : retrieved.stream().filter(Objects::nonNull).filter(d -> !d.text().isBlank()).toList();
    toolArguments = toolArguments == null ? List.of()
        : toolArguments.stream().filter(Objects::nonNull).filter(a -> !a.isBlank()).toList();
    systemPrompt = systemPrompt == null || systemPrompt.isBlank() ? null : systemPrompt;
    user = user == null || user.isBlank() ? null : user;
  }

  /** Documents without provenance, and nothing for the security detectors beyond them. */
  public InferenceContext(
      List<String> retrievedDocuments, String responseFormat, String responseSchema, String summarySource) {
    this(retrievedDocuments == null ? null
            : retrievedDocuments.stream().filter(Objects::nonNull).map(RetrievedDocument::of).toList(),
        responseFormat, responseSchema, summarySource, null, null, null);
  }

  /** The texts of the retrieved documents, in their order. */
  public List<String> retrievedDocuments() {
    return retrieved.stream().map(RetrievedDocument::text).toList();
  }

  public boolean isEmpty() {
    return retrieved.isEmpty() && responseFormat == null && responseSchema == null && summarySource == null
        && systemPrompt == null && toolArguments.isEmpty() && user == null;
  }

  /** Both contexts' documents and tool arguments; for the rest, this one's where it says, else {@code other}'s. */
  public InferenceContext merge(InferenceContext other) {
    List<RetrievedDocument> docs = new java.util.ArrayList<>(retrieved);
    docs.addAll(other.retrieved);
    List<String> tools = new java.util.ArrayList<>(toolArguments);
    tools.addAll(other.toolArguments);
    return new InferenceContext(docs, first(responseFormat, other.responseFormat),
        first(responseSchema, other.responseSchema), first(summarySource, other.summarySource),
        first(systemPrompt, other.systemPrompt), tools, first(user, other.user));
  }

  private static String first(String a, String b) {
    return a != null ? a : b;
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
