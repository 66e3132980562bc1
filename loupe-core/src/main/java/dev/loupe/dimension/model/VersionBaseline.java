package dev.loupe.dimension.model;

import java.util.OptionalDouble;

/**
 * The P95 latency a model version had when it last served, for versions whose traffic is older
 * than the hot windows. The server answers it from the stored rollups.
 */
public interface VersionBaseline {
  OptionalDouble latencyP95Ms(String service, String deployment, String modelVersion);

  static VersionBaseline none() {
    return (service, deployment, version) -> OptionalDouble.empty();
  }
}
