package dev.loupe.dimension.security;

import dev.loupe.model.Finding;
import java.util.List;

/**
 * What {@link SecurityScanner} found in one inference.
 *
 * @param injectionScore the highest injection score of the prompt, the system prompt and the
 *     retrieved chunks (0 when none was given); feed it to the deployment's {@link InjectionThreshold}
 * @param threshold the threshold the findings were judged against
 * @param findings worst first
 */
public record SecurityScan(double injectionScore, double threshold, List<SecurityFinding> findings) {
  public SecurityScan {
    findings = List.copyOf(findings);
  }

  public boolean clean() {
    return findings.isEmpty();
  }

  /** The findings as model {@link Finding}s about {@code subject} (a deployment, a trace id) at {@code timeMillis}. */
  public List<Finding> toFindings(String subject, long timeMillis) {
    return findings.stream().map(f -> f.toFinding(subject, timeMillis)).toList();
  }
}
