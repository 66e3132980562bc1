package dev.loupe.dimension.compute;

import dev.loupe.model.Checks;
import java.util.Map;

/**
 * Which GPU a sample is about and, when dcgm-exporter maps GPUs to pods, which workload uses it.
 * {@code host}, {@code gpu}, {@code uuid} and {@code modelName} are {@code unknown} when absent;
 * {@code migInstance}, {@code namespace}, {@code pod} and {@code container} are null when absent.
 */
public record GpuKey(
    String host,
    String gpu,
    String uuid,
    String modelName,
    String migInstance,
    String namespace,
    String pod,
    String container) {

  public GpuKey {
    host = Checks.labelOrUnknown("Hostname", host);
    gpu = Checks.labelOrUnknown("gpu", gpu);
    uuid = Checks.labelOrUnknown("UUID", uuid);
    modelName = Checks.labelOrUnknown("modelName", modelName);
    migInstance = blankToNull(migInstance);
    namespace = blankToNull(namespace);
    pod = blankToNull(pod);
    container = blankToNull(container);
  }

  /**
   * Reads the key from dcgm-exporter labels. The node is {@code Hostname}, or {@code hostname}
   * (the label was renamed between exporter versions), else {@code node}, else the scrape
   * {@code instance}. The UUID is {@code UUID} or the old {@code uuid}. The workload labels are
   * {@code exported_namespace}/{@code exported_pod}/{@code exported_container} first: Prometheus
   * renames the exporter's own labels so when they collide with the target's, and the plain ones
   * then name the exporter pod. Older exporters wrote {@code pod_namespace}, {@code pod_name} and
   * {@code container_name}.
   */
  public static GpuKey from(Map<String, String> labels) {
    return new GpuKey(
        first(labels, "Hostname", "hostname", "node", "instance"),
        labels.get("gpu"),
        first(labels, "UUID", "uuid"),
        labels.get("modelName"),
        labels.get("GPU_I_ID"),
        first(labels, "exported_namespace", "namespace", "pod_namespace"),
        first(labels, "exported_pod", "pod", "pod_name"),
        first(labels, "exported_container", "container", "container_name"));
  }

  /** The physical GPU (or MIG instance) regardless of the pod using it. */
  public String physicalId() {
    String device = Checks.UNKNOWN.equals(uuid) ? "gpu " + gpu : uuid;
    return migInstance == null ? host + "/" + device : host + "/" + device + "/mig " + migInstance;
  }

  /** "GPU 0 (NVIDIA L4, UUID GPU-…) on node n1, pod ns/p": the GPU as a reason names it. */
  public String describe() {
    StringBuilder b = new StringBuilder("GPU ").append(gpu);
    if (migInstance != null) b.append(" MIG instance ").append(migInstance);
    b.append(" (");
    if (!Checks.UNKNOWN.equals(modelName)) b.append(modelName).append(", ");
    b.append("UUID ").append(uuid).append(") on node ").append(host);
    if (pod != null) {
      b.append(", pod ").append(namespace == null ? "" : namespace + "/").append(pod);
    }
    return b.toString();
  }

  private static String first(Map<String, String> labels, String... names) {
    for (String n : names) {
      String v = labels.get(n);
      if (v != null && !v.isBlank()) return v;
    }
    return null;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
