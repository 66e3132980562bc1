package dev.loupe.rule;

import java.util.Map;
import java.util.Optional;

/**
 * Which model version a group's version replaced, for rules that compare with the previous
 * version. The server answers from its deployment log.
 */
public interface VersionHistory {
  /** The version before the one a group runs, and when it was replaced. */
  record Previous(String version, long replacedAtMillis) {}

  /** {@code labels} are a group's labels, {@code model_version} among them. */
  Optional<Previous> previous(Map<String, String> labels);

  /** Knows no rollouts: previous-version rules never have a reference. */
  static VersionHistory none() {
    return labels -> Optional.empty();
  }
}
