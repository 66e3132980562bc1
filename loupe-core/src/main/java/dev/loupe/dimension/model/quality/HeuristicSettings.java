package dev.loupe.dimension.model.quality;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Which built-in evaluators run, and on what share of inferences: {@code sampleRate} for every
 * deployment unless {@code deploymentSampleRates} names its own.
 */
public record HeuristicSettings(
    Set<HeuristicCheck> checks, double sampleRate, Map<String, Double> deploymentSampleRates) {
  /** Every check, on every inference. */
  public static final HeuristicSettings DEFAULTS = new HeuristicSettings(null, 1.0, null);

  public HeuristicSettings {
    checks = checks == null ? Set.copyOf(EnumSet.allOf(HeuristicCheck.class)) : Set.copyOf(checks);
    rate("sample_rate", sampleRate);
    if (deploymentSampleRates != null) deploymentSampleRates.forEach((d, r) -> rate("deployment_sample_rates." + d, r));
    deploymentSampleRates = deploymentSampleRates == null ? Map.of() : Map.copyOf(deploymentSampleRates);
  }

  private static void rate(String key, Double r) {
    if (r == null || !(r >= 0 && r <= 1)) {
      throw new IllegalArgumentException(key + " must be between 0 and 1, got " + r);
    }
  }

  /** The share of a deployment's inferences that are evaluated. */
  public double sampleRateFor(String deployment) {
    return deploymentSampleRates.getOrDefault(deployment, sampleRate);
  }
}
