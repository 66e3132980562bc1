package dev.loupe.dimension.compute;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One matcher of the workload class rules: when the GPU's label {@code label} fully matches
 * {@code regex}, the GPU has class {@code workloadClass}. An absent label matches as the empty
 * string, as in Prometheus relabelling. Plain data, as read from configuration.
 */
public record WorkloadClassRule(String label, String regex, WorkloadClass workloadClass) {
  public WorkloadClassRule {
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException("workload class rule needs a label name");
    }
    if (regex == null) {
      throw new IllegalArgumentException("workload class rule on label " + label + " needs a regex");
    }
    try {
      Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "workload class rule on label " + label + ": invalid regex " + regex + ": " + e.getDescription(), e);
    }
    if (workloadClass == null) {
      throw new IllegalArgumentException("workload class rule on label " + label + " needs a class");
    }
  }

  /** A rule matching one exact label value. */
  public static WorkloadClassRule equalTo(String label, String value, WorkloadClass workloadClass) {
    return new WorkloadClassRule(label, Pattern.quote(value), workloadClass);
  }
}
