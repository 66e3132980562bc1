package dev.loupe.dimension.compute;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Decides a GPU's {@link WorkloadClass} from its labels: the rules in order, the first match wins,
 * else the default class. Immutable and thread-safe.
 */
public final class WorkloadClassifier {
  /**
   * Without configuration, GPUs whose namespace or pod name says train, fine-tune or pretrain are
   * training GPUs and all others inference GPUs: an unconfigured Loupe then stays quiet about idle
   * serving GPUs rather than calling every one of them wasted.
   */
  public static final List<WorkloadClassRule> DEFAULT_RULES =
      List.of(
          new WorkloadClassRule("namespace", "(?i).*(train|fine-?tun|pretrain).*", WorkloadClass.TRAINING),
          new WorkloadClassRule("pod", "(?i).*(train|fine-?tun|pretrain).*", WorkloadClass.TRAINING));

  public static final WorkloadClass DEFAULT_CLASS = WorkloadClass.INFERENCE;

  private final List<WorkloadClassRule> rules;
  private final List<Pattern> patterns;
  private final WorkloadClass defaultClass;

  public WorkloadClassifier(List<WorkloadClassRule> rules, WorkloadClass defaultClass) {
    if (defaultClass == null) throw new IllegalArgumentException("default workload class is required");
    this.rules = List.copyOf(rules);
    this.patterns = this.rules.stream().map(r -> Pattern.compile(r.regex())).toList();
    this.defaultClass = defaultClass;
  }

  public static WorkloadClassifier defaults() {
    return new WorkloadClassifier(DEFAULT_RULES, DEFAULT_CLASS);
  }

  public WorkloadClass classify(Map<String, String> labels) {
    for (int i = 0; i < rules.size(); i++) {
      String value = labels.get(rules.get(i).label());
      if (patterns.get(i).matcher(value == null ? "" : value).matches()) {
        return rules.get(i).workloadClass();
      }
    }
    return defaultClass;
  }

  public List<WorkloadClassRule> rules() {
    return rules;
  }

  public WorkloadClass defaultClass() {
    return defaultClass;
  }
}
