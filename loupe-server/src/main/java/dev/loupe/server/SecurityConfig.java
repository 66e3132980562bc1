package dev.loupe.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.loupe.dimension.security.SecuritySettings;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * The {@code security:} section: the canary tokens planted in system prompts (by name; seeing one
 * in a completion means the prompt leaked), the domains completions may link to or embed images
 * from, and how many inferences may wait for the detectors ({@code scan_queue}; beyond it they are
 * counted as dropped, never held up). What is kept of the text is {@code ingest.capture}'s.
 */
public record SecurityConfig(
    Map<String, String> canaries,
    @JsonProperty("allowed_link_domains") List<String> allowedLinkDomains,
    @JsonProperty("scan_queue") Integer scanQueue) {
  public static final SecurityConfig DEFAULTS = new SecurityConfig(null, null, null);
  static final int DEFAULT_SCAN_QUEUE = 10_000;

  public SecurityConfig {
    canaries = canaries == null ? Map.of() : Map.copyOf(canaries);
    allowedLinkDomains = allowedLinkDomains == null ? List.of() : List.copyOf(allowedLinkDomains);
    scanQueue = scanQueue == null ? DEFAULT_SCAN_QUEUE : scanQueue;
    if (scanQueue < 1) throw new ConfigValueException("scan_queue", "must be at least 1, got " + scanQueue);
    try {
      new SecuritySettings(canaries, java.util.Set.of());
    } catch (IllegalArgumentException e) {
      throw new ConfigValueException("canaries", e.getMessage());
    }
    try {
      new SecuritySettings(Map.of(), new HashSet<>(allowedLinkDomains));
    } catch (IllegalArgumentException e) {
      throw new ConfigValueException("allowed_link_domains", e.getMessage());
    }
  }

  /** The detectors' settings. */
  public SecuritySettings settings() {
    return new SecuritySettings(canaries, new HashSet<>(allowedLinkDomains));
  }
}
