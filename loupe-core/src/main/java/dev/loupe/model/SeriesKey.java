package dev.loupe.model;

/** The identity every AI signal is kept under: which service, deployment, model and version. */
public record SeriesKey(String service, String deployment, String model, String modelVersion)
    implements Comparable<SeriesKey> {
  public SeriesKey {
    service = Checks.labelOrUnknown("service", service);
    deployment = Checks.labelOrUnknown("deployment", deployment);
    model = Checks.labelOrUnknown("model", model);
    modelVersion = Checks.labelOrUnknown("model_version", modelVersion);
  }

  /** The wire/label value of the named dimension label, or null for another name. */
  public String label(String name) {
    switch (name) {
      case "service":
        return service;
      case "deployment":
        return deployment;
      case "model":
        return model;
      case "model_version":
        return modelVersion;
      default:
        return null;
    }
  }

  @Override
  public int compareTo(SeriesKey o) {
    int c = service.compareTo(o.service);
    if (c == 0) c = deployment.compareTo(o.deployment);
    if (c == 0) c = model.compareTo(o.model);
    if (c == 0) c = modelVersion.compareTo(o.modelVersion);
    return c;
  }
}
