package dev.loupe.dimension.compute;

import static dev.loupe.dimension.ReasonFormat.instant;

import dev.loupe.dimension.HealthStatus;
import dev.loupe.model.Dimension;
import dev.loupe.model.Finding;
import dev.loupe.model.Severity;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The latest of everything known about one physical GPU (or MIG instance), for the UI and
 * {@code /metrics}, and whether it still reports. It judges no threshold: those are the pack's
 * rules over {@link GpuRuleSignals}. The pod using the GPU may change; the track follows the GPU and
 * names the workload of its newest sample. When several pods share a GPU at once, the GPU is named
 * after whichever reported last. Thread-safe: every method locks the track, which is cheap as only
 * one GPU's samples meet here.
 */
final class GpuTrack {
  private final long staleAfterMillis;
  private GpuKey key;
  private WorkloadClass workloadClass;
  private long lastSeenMillis;

  private double utilization = Double.NaN;
  private double temperature = Double.NaN;
  private double power = Double.NaN;
  private double smClock = Double.NaN;
  private double fbUsed = Double.NaN;
  private double fbFree = Double.NaN;
  private double fbReserved = Double.NaN;
  private double eccVolatile = Double.NaN;
  private double eccAggregate = Double.NaN;
  private boolean eccBlankSeen;
  private Integer lastXid;
  private final Map<String, Double> profiling = new TreeMap<>();

  /** A track is born with the key and time of its first sample, so it is never seen half made. */
  GpuTrack(GpuFreshness freshness, GpuKey key, Map<String, String> labels, long firstMillis,
      WorkloadClassifier classifier) {
    this.staleAfterMillis = freshness.staleAfter().toMillis();
    this.key = key;
    this.workloadClass = classifier.classify(workloadLabels(key, labels));
    this.lastSeenMillis = firstMillis;
  }

  synchronized void observe(DcgmField field, GpuKey sampleKey, String metricName, Map<String, String> labels,
      long t, double value, WorkloadClassifier classifier) {
    if (t >= lastSeenMillis && !sampleKey.equals(key)) {
      key = sampleKey;
      workloadClass = classifier.classify(workloadLabels(sampleKey, labels));
    }
    lastSeenMillis = Math.max(lastSeenMillis, t);
    if (DcgmBlankValues.isBlank(value)) {
      if (field == DcgmField.ECC_DBE_VOLATILE || field == DcgmField.ECC_DBE_AGGREGATE) eccBlankSeen = true;
      return;
    }
    switch (field) {
      case GPU_UTIL -> utilization = value;
      case FB_USED -> fbUsed = value;
      case FB_FREE -> fbFree = value;
      case FB_RESERVED -> fbReserved = value;
      case GPU_TEMP -> temperature = value;
      case POWER_USAGE -> power = value;
      case SM_CLOCK -> smClock = value;
      case ECC_DBE_VOLATILE -> eccVolatile = value;
      case ECC_DBE_AGGREGATE -> eccAggregate = value;
      case XID_LAST -> lastXid = (int) value;
      case XID_WINDOW_COUNT, XID_TOTAL -> { } // counted by the XID rule, per code
      case PROFILING -> profiling.put(metricName, value);
    }
  }

  /** Reserved framebuffer hardly changes, so its latest value serves with the latest used and free. */
  private double framebufferPercent() {
    if (Double.isNaN(fbUsed) || Double.isNaN(fbFree)) return Double.NaN;
    double total = fbUsed + fbFree + (Double.isNaN(fbReserved) ? 0 : fbReserved);
    return total <= 0 ? Double.NaN : 100 * fbUsed / total;
  }

  /** The rules see the workload's namespace, pod and container even where Prometheus renamed them. */
  static Map<String, String> workloadLabels(GpuKey key, Map<String, String> labels) {
    Map<String, String> view = new HashMap<>(labels);
    putOrRemove(view, "namespace", key.namespace());
    putOrRemove(view, "pod", key.pod());
    putOrRemove(view, "container", key.container());
    return view;
  }

  private static void putOrRemove(Map<String, String> map, String name, String value) {
    if (value == null) map.remove(name);
    else map.put(name, value);
  }

  synchronized long lastSeenMillis() {
    return lastSeenMillis;
  }

  synchronized GpuKey key() {
    return key;
  }

  private boolean eccExported() {
    return !Double.isNaN(eccVolatile) || !Double.isNaN(eccAggregate);
  }

  /** ECC was never exported for this GPU, not even as blanks. */
  synchronized boolean eccMissing() {
    return !eccExported() && !eccBlankSeen;
  }

  /** ECC counters came, but only as DCGM blanks: ECC is off or unsupported on this GPU. */
  synchronized boolean eccOnlyBlank() {
    return eccBlankSeen && !eccExported();
  }

  /**
   * The GPU as shown: ok unless it is stale (no sample within the stale window), which is a
   * warning-looking row with its reason. The status of a fresh GPU is its firing alerts', which
   * {@link ComputeDimensionJudge#gpus(long, List)} puts in.
   */
  synchronized GpuState state(long nowMillis) {
    GpuSignals signals = signals();
    if (nowMillis - lastSeenMillis > staleAfterMillis) {
      Finding stale = stale();
      return new GpuState(key, workloadClass, signals, HealthStatus.WARNING, true,
          List.of(stale.reason()), List.of(), List.of(stale));
    }
    return new GpuState(key, workloadClass, signals, HealthStatus.OK, false, List.of(), notes(), List.of());
  }

  private List<String> notes() {
    if (eccOnlyBlank()) {
      return List.of("ECC error counts are blank for " + key.describe()
          + ": ECC is disabled or not supported, so double-bit errors cannot be judged");
    }
    if (!eccExported()) {
      return List.of("ECC errors not exported by dcgm-exporter for " + key.describe()
          + ": use the counters file " + ComputeDimensionJudge.COUNTERS_FILE);
    }
    return List.of();
  }

  private Finding stale() {
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("node", key.host());
    evidence.put("gpu", key.gpu());
    evidence.put("uuid", key.uuid());
    evidence.put("model_name", key.modelName());
    if (key.migInstance() != null) evidence.put("mig_instance", key.migInstance());
    if (key.namespace() != null) evidence.put("namespace", key.namespace());
    if (key.pod() != null) evidence.put("pod", key.pod());
    if (key.container() != null) evidence.put("container", key.container());
    evidence.put("workload_class", workloadClass.wireName());
    evidence.put("last_sample", instant(lastSeenMillis));
    return new Finding(Dimension.COMPUTE, "gpu_stale", Severity.WARNING, key.physicalId(),
        "no samples from " + key.describe() + " since " + instant(lastSeenMillis), lastSeenMillis, evidence);
  }

  /** The volatile ECC total when exported, else the aggregate one; null when neither. */
  private Double eccTotal() {
    if (!Double.isNaN(eccVolatile)) return eccVolatile;
    return Double.isNaN(eccAggregate) ? null : eccAggregate;
  }

  private GpuSignals signals() {
    return new GpuSignals(
        boxed(utilization), boxed(framebufferPercent()), boxed(fbUsed), boxed(fbFree), boxed(fbReserved),
        boxed(temperature), boxed(power), boxed(smClock), eccTotal(), lastXid, profiling, lastSeenMillis);
  }

  private static Double boxed(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
