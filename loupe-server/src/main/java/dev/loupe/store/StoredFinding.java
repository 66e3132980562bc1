package dev.loupe.store;

import dev.loupe.model.Dimension;
import dev.loupe.model.Severity;
import java.util.Map;
import java.util.TreeMap;

/**
 * A detector's finding as kept: its id (the same finding found twice, from a re-sent inference,
 * has the same id and is kept once), when the thing it is about happened, what it concluded, whom
 * it is about, and its evidence, which quotes text only as the capture policy allows.
 */
public record StoredFinding(
    String id, long timeMillis, Dimension dimension, String kind, Severity severity, String reason, Subject subject,
    Map<String, String> evidence) {
  public StoredFinding {
    if (id == null || id.isBlank()) throw new IllegalArgumentException("id is required");
    if (dimension == null || kind == null || severity == null || reason == null || subject == null) {
      throw new IllegalArgumentException("dimension, kind, severity, reason and subject are required");
    }
    evidence = evidence == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(evidence));
  }

  /**
   * Whom a finding is about; any part may be null. An inference's finding names its service,
   * deployment, API key hash, tenant, user, trace, request and span; a consumption finding its
   * API key hash, user or tenant.
   */
  public record Subject(String service, String deployment, String keyHash, String tenant, String user, String traceId,
      String requestId, String spanId) {
    /** "API key sha256:…", "user u-7", "tenant acme" or "deployment chat-prod": the readable name. */
    public String describe() {
      if (deployment != null) return "deployment " + deployment;
      if (keyHash != null) return "API key " + keyHash;
      if (user != null) return "user " + user;
      if (tenant != null) return "tenant " + tenant;
      return service != null ? "service " + service : "unknown";
    }
  }
}
