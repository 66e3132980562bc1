package dev.loupe.dimension.model.quality;

import java.util.List;
import java.util.Objects;

/**
 * What an inference's request carried beside its prompt, where the sender reported it: the
 * documents retrieved for it (a RAG pipeline's vector-search results on the same trace, or an
 * attribute), the output format its API call asked for, and the document it asked to summarize
 * when that is not simply its prompt.
 *
 * @param retrievedDocuments never null; empty when nothing was retrieved (or reported)
 * @param requestedFormat never null; {@link RequestedFormat#UNSPECIFIED} when the call said nothing
 * @param summarySource the text a summary should cover, or null (then a prompt asking for a
 *     summary is its own source)
 */
public record RequestContext(List<String> retrievedDocuments, RequestedFormat requestedFormat, String summarySource) {
  /** Nothing beside the prompt. */
  public static final RequestContext NONE = new RequestContext(null, null, null);

  public RequestContext {
    retrievedDocuments = retrievedDocuments == null ? List.of()
        : retrievedDocuments.stream().filter(Objects::nonNull).filter(d -> !d.isBlank()).toList();
    requestedFormat = requestedFormat == null ? RequestedFormat.UNSPECIFIED : requestedFormat;
    summarySource = summarySource == null || summarySource.isBlank() ? null : summarySource;
  }

  public static RequestContext retrieved(List<String> documents) {
    return new RequestContext(documents, null, null);
  }

  public static RequestContext format(RequestedFormat format) {
    return new RequestContext(null, format, null);
  }
}
