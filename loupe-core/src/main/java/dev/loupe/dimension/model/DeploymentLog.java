package dev.loupe.dimension.model;

import dev.loupe.model.Deployment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The model versions that went live, as reported to {@code /api/v1/deployments}. Small (one entry
 * per rollout), kept whole in memory and reloaded from the store at start. Thread-safe.
 */
public final class DeploymentLog {
  private final List<Deployment> entries = new ArrayList<>();

  public synchronized void add(Deployment d) {
    entries.add(d);
    entries.sort(Comparator.comparingLong(Deployment::timestampMillis));
  }

  /** The most recent rollout on the deployment (matched by service and deployment name). */
  public synchronized Optional<Deployment> latest(String service, String deployment) {
    for (int i = entries.size() - 1; i >= 0; i--) {
      Deployment d = entries.get(i);
      if (d.deployment().equals(deployment) && (d.service().equals(service) || isUnknown(d.service()))) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  /** Rollouts with time in {@code [from, to)}, oldest first. */
  public synchronized List<Deployment> between(long fromMillis, long toMillis) {
    return entries.stream()
        .filter(d -> d.timestampMillis() >= fromMillis && d.timestampMillis() < toMillis)
        .toList();
  }

  private static boolean isUnknown(String s) {
    return dev.loupe.model.Checks.UNKNOWN.equals(s);
  }
}
