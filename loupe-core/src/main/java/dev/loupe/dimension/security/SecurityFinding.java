package dev.loupe.dimension.security;

import dev.loupe.model.Dimension;
import dev.loupe.model.Finding;
import dev.loupe.model.Severity;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One security finding before it is tied to a subject and a time. {@code kind} is one of
 * {@code prompt_injection}, {@code secret_in_completion}, {@code pii_in_completion}, {@code
 * canary_leak}, {@code exfiltration_link}, {@code long_completion} (from {@link CompletionLengthBaseline}),
 * {@code consumption_spike}, {@code new_key_heavy_use},
 * {@code unusual_hour}, {@code repeated_throttling}, {@code cost_concentration}. The reason and the
 * evidence quote text only as the capture policy allows (see {@link CapturePolicy}).
 */
public record SecurityFinding(String kind, Severity severity, String reason, Map<String, String> evidence) {
  public SecurityFinding {
    if (kind == null || kind.isBlank()) throw new IllegalArgumentException("kind is required");
    if (severity == null) throw new IllegalArgumentException("severity is required");
    if (reason == null || reason.isBlank()) throw new IllegalArgumentException("reason is required");
    evidence = Map.copyOf(evidence == null ? Map.of() : evidence);
  }

  /** The model's {@link Finding}, in the security dimension, about {@code subject} since {@code sinceMillis}. */
  public Finding toFinding(String subject, long sinceMillis) {
    return new Finding(Dimension.SECURITY, kind, severity, subject, reason, sinceMillis, new LinkedHashMap<>(evidence));
  }
}
