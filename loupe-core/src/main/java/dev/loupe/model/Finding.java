package dev.loupe.model;

import java.util.Map;

/**
 * What a detector concluded about one subject. {@code reason} is the sentence a person reads;
 * {@code sinceMillis} is when the condition began; {@code evidence} holds the numbers behind it.
 */
public record Finding(
    Dimension dimension,
    String kind,
    Severity severity,
    String subject,
    String reason,
    long sinceMillis,
    Map<String, String> evidence) {
  public Finding {
    Checks.required("dimension", dimension);
    Checks.name("kind", kind);
    Checks.required("severity", severity);
    Checks.name("subject", subject);
    Checks.name("reason", reason == null ? null : reason.substring(0, Math.min(reason.length(), 250)));
    evidence = Checks.copy(evidence);
  }
}
