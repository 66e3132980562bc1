package dev.loupe.ingest.otlp;

/** The body is not an OTLP export of the expected signal; retrying it cannot help. */
public final class MalformedOtlp extends Exception {
  public MalformedOtlp(String message) {
    super(message);
  }
}
