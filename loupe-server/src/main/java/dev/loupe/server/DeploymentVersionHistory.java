package dev.loupe.server;

import dev.loupe.dimension.model.DeploymentLog;
import dev.loupe.model.Checks;
import dev.loupe.model.Deployment;
import dev.loupe.rule.VersionHistory;
import java.util.Map;
import java.util.Optional;

/**
 * A group's previous model version from the deployment log: the latest rollout on its
 * deployment (and service, when the group has one) that went live with the group's version.
 */
final class DeploymentVersionHistory implements VersionHistory {
  private final DeploymentLog log;

  DeploymentVersionHistory(DeploymentLog log) {
    this.log = log;
  }

  @Override
  public Optional<Previous> previous(Map<String, String> labels) {
    String version = labels.get("model_version");
    String deployment = labels.getOrDefault("deployment", Checks.UNKNOWN);
    String service = labels.getOrDefault("service", Checks.UNKNOWN);
    if (version == null) return Optional.empty();
    Optional<Deployment> latest = log.latest(service, deployment);
    return latest
        .filter(d -> d.toVersion().equals(version) && d.fromVersion() != null)
        .map(d -> new Previous(d.fromVersion(), d.timestampMillis()));
  }
}
