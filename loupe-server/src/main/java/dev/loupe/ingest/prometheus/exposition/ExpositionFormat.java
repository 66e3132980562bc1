package dev.loupe.ingest.prometheus.exposition;

/**
 * The two text formats, chosen from the {@code Content-Type} a target answers. Text is never
 * parsed with the OpenMetrics grammar: the stricter grammar is slower and rejects valid text.
 */
public enum ExpositionFormat {
  PROMETHEUS_TEXT("text/plain; version=0.0.4; charset=utf-8"),
  OPENMETRICS("application/openmetrics-text; version=1.0.0; charset=utf-8");

  /** What a scraper sends as {@code Accept}, preferring OpenMetrics like Prometheus does. */
  public static final String ACCEPT =
      "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1";

  private final String contentType;

  ExpositionFormat(String contentType) {
    this.contentType = contentType;
  }

  public String contentType() {
    return contentType;
  }

  /** OpenMetrics for {@code application/openmetrics-text}, the text format for anything else. */
  public static ExpositionFormat fromContentType(String contentType) {
    if (contentType != null
        && contentType.trim().toLowerCase(java.util.Locale.ROOT).startsWith("application/openmetrics-text")) {
      return OPENMETRICS;
    }
    return PROMETHEUS_TEXT;
  }
}
