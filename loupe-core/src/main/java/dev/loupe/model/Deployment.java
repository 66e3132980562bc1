package dev.loupe.model;

/** A model version going live on a deployment. {@code fromVersion} is null for a first rollout. */
public record Deployment(
    long timestampMillis,
    String service,
    String deployment,
    String model,
    String fromVersion,
    String toVersion) {
  public Deployment {
    Checks.timestamp("timestamp", timestampMillis);
    service = Checks.labelOrUnknown("service", service);
    deployment = Checks.labelOrUnknown("deployment", deployment);
    if (Checks.UNKNOWN.equals(service) && Checks.UNKNOWN.equals(deployment)) {
      throw new InvalidRecordException("deployment", "one of deployment or service is required");
    }
    model = Checks.labelOrUnknown("model", model);
    fromVersion = fromVersion == null || fromVersion.isBlank() ? null : fromVersion;
    toVersion = Checks.name("to_version", toVersion);
    if (toVersion.equals(fromVersion)) {
      throw new InvalidRecordException("to_version", "equals from_version (" + fromVersion + ")");
    }
  }
}
