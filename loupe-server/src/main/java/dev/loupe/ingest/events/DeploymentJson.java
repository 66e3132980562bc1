package dev.loupe.ingest.events;

import dev.loupe.model.Deployment;

/** The wire shape of {@code POST /api/v1/deployments} to {@link Deployment}. */
public final class DeploymentJson {
  private DeploymentJson() {}

  public static Deployment read(FieldReader f) {
    return new Deployment(
        f.requiredTimestamp("timestamp"),
        f.string("service"),
        f.string("deployment"),
        f.string("model"),
        f.string("from_version"),
        f.string("to_version"));
  }
}
