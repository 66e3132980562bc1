package dev.loupe.dimension.compute;

import static dev.loupe.dimension.ReasonFormat.duration;
import static dev.loupe.dimension.ReasonFormat.instant;
import static dev.loupe.dimension.ReasonFormat.number;

import dev.loupe.dimension.HealthStatus;
import dev.loupe.dimension.SamplePairs;
import dev.loupe.dimension.SustainedCondition;
import dev.loupe.dimension.SustainedCondition.Breach;
import dev.loupe.model.Dimension;
import dev.loupe.model.Finding;
import dev.loupe.model.Severity;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything known about one physical GPU (or MIG instance). The pod using it may change; the
 * track follows the GPU and names the workload of its newest sample. When several pods share a GPU
 * at once, the GPU is named after whichever reported last. Thread-safe: every method locks the
 * track, which is cheap as only one GPU's samples meet here.
 */
final class GpuTrack {
  /** Framebuffer samples of one scrape carry one timestamp; allow for receivers that jitter. */
  private static final long FRAMEBUFFER_PAIR_TOLERANCE_MILLIS = 1_000;

  private final ComputeThresholds thresholds;
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
  private final SamplePairs usedAndFree = new SamplePairs(FRAMEBUFFER_PAIR_TOLERANCE_MILLIS);
  private final Map<String, Double> profiling = new TreeMap<>();

  private final Map<WorkloadClass, SustainedCondition> utilizationByClass = new EnumMap<>(WorkloadClass.class);
  private final SustainedCondition framebuffer;
  private final SustainedCondition temperatureCondition;
  private final EccEvents ecc;
  private final XidEvents xid;

  /** A track is born with the key and time of its first sample, so it is never seen half made. */
  GpuTrack(ComputeThresholds thresholds, GpuKey key, Map<String, String> labels, long firstMillis,
      WorkloadClassifier classifier) {
    this.thresholds = thresholds;
    this.key = key;
    this.workloadClass = classifier.classify(workloadLabels(key, labels));
    this.lastSeenMillis = firstMillis;
    for (WorkloadClass c : WorkloadClass.values()) {
      if (thresholds.utilization(c).enabled()) {
        utilizationByClass.put(c, new SustainedCondition(thresholds.utilization(c), thresholds.staleAfter()));
      }
    }
    framebuffer = new SustainedCondition(thresholds.framebuffer(), thresholds.staleAfter());
    temperatureCondition = new SustainedCondition(thresholds.temperature(), thresholds.staleAfter());
    ecc = new EccEvents(thresholds.eccReportedFor());
    xid = new XidEvents(thresholds.xidReportedFor());
  }

  synchronized void observe(DcgmField field, GpuKey sampleKey, String metricName, Map<String, String> labels,
      long t, double value, WorkloadClassifier classifier) {
    if (t >= lastSeenMillis && !sampleKey.equals(key)) {
      key = sampleKey;
      workloadClass = classifier.classify(workloadLabels(sampleKey, labels));
    }
    lastSeenMillis = Math.max(lastSeenMillis, t);
    if (DcgmBlankValues.isBlank(value)) {
      if (field == DcgmField.ECC_DBE_VOLATILE || field == DcgmField.ECC_DBE_AGGREGATE) ecc.observeBlank();
      return;
    }
    switch (field) {
      case GPU_UTIL -> {
        utilization = value;
        utilizationByClass.values().forEach(c -> c.observe(t, value));
      }
      case FB_USED -> {
        fbUsed = value;
        framebufferRatio(t, value, usedAndFree.left(t, value));
      }
      case FB_FREE -> {
        fbFree = value;
        framebufferRatio(t, usedAndFree.right(t, value), value);
      }
      case FB_RESERVED -> fbReserved = value;
      case GPU_TEMP -> {
        temperature = value;
        temperatureCondition.observe(t, value);
      }
      case POWER_USAGE -> power = value;
      case SM_CLOCK -> smClock = value;
      case ECC_DBE_VOLATILE, ECC_DBE_AGGREGATE -> ecc.observe(field, t, value);
      case XID_LAST -> xid.observeLastCode(t, value);
      case XID_WINDOW_COUNT, XID_TOTAL -> {
        Integer code = xidCode(labels);
        if (code == null) return;
        if (field == DcgmField.XID_TOTAL) xid.observeTotal(code, t, value);
        else xid.observeWindowCount(code, t, value);
      }
      case PROFILING -> profiling.put(metricName, value);
    }
  }

  /** Feeds the framebuffer ratio once used and free of the same scrape have both arrived. */
  private void framebufferRatio(long t, double used, double free) {
    double percent = framebufferPercent(used, free);
    if (!Double.isNaN(percent)) framebuffer.observe(t, percent);
  }

  /** Reserved framebuffer hardly changes, so its latest value serves every pair. */
  private double framebufferPercent(double used, double free) {
    if (Double.isNaN(used) || Double.isNaN(free)) return Double.NaN;
    double total = used + free + (Double.isNaN(fbReserved) ? 0 : fbReserved);
    return total <= 0 ? Double.NaN : 100 * used / total;
  }

  /** The rules see the workload's namespace, pod and container even where Prometheus renamed them. */
  private static Map<String, String> workloadLabels(GpuKey key, Map<String, String> labels) {
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

  /** dcgm-exporter names the code {@code xid}; {@code err_code} is accepted too. */
  private static Integer xidCode(Map<String, String> labels) {
    String s = labels.get("xid");
    if (s == null) s = labels.get("err_code");
    if (s == null) return null;
    try {
      int code = Integer.parseInt(s.trim());
      return code == 0 ? null : code;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  synchronized long lastSeenMillis() {
    return lastSeenMillis;
  }

  synchronized GpuKey key() {
    return key;
  }

  /** ECC was never exported for this GPU, not even as blanks. */
  synchronized boolean eccMissing() {
    return !ecc.exported() && !ecc.onlyBlank();
  }

  synchronized boolean eccOnlyBlank() {
    return ecc.onlyBlank();
  }

  synchronized GpuState state(long nowMillis) {
    GpuSignals signals = signals();
    if (nowMillis - lastSeenMillis > thresholds.staleAfter().toMillis()) {
      Finding stale = finding("gpu_stale", Severity.WARNING,
          "no samples from " + key.describe() + " since " + instant(lastSeenMillis), lastSeenMillis, Map.of());
      return new GpuState(key, workloadClass, signals, HealthStatus.WARNING, true,
          List.of(stale.reason()), List.of(), List.of(stale));
    }
    List<Finding> findings = new ArrayList<>();
    SustainedCondition util = utilizationByClass.get(workloadClass);
    if (util != null) {
      util.breach(nowMillis).ifPresent(b -> findings.add(sustained("gpu_low_utilization", b,
          "utilization " + number(b.value(), 1) + " %", " %", " (" + workloadClass.wireName() + " workload)",
          thresholds.utilization(workloadClass).direction().symbol())));
    }
    framebuffer.breach(nowMillis).ifPresent(b -> findings.add(sustained("gpu_framebuffer_full", b,
        "framebuffer " + number(b.value(), 1) + " % used (" + number(fbUsed, 0) + " of "
            + number(fbUsed + fbFree + (Double.isNaN(fbReserved) ? 0 : fbReserved), 0) + " MiB)",
        " %", "", thresholds.framebuffer().direction().symbol())));
    temperatureCondition.breach(nowMillis).ifPresent(b -> findings.add(sustained("gpu_temperature_high", b,
        "temperature " + number(b.value(), 1) + " °C", " °C", "", thresholds.temperature().direction().symbol())));
    if (ecc.reported(nowMillis)) {
      findings.add(eccFinding());
    }
    for (XidEvents.Episode e : xid.reported(nowMillis)) {
      findings.add(xidFinding(e));
    }
    HealthStatus status = HealthStatus.OK;
    for (Finding f : findings) status = status.worst(HealthStatus.of(f.severity()));
    findings.sort((a, b) -> b.severity().compareTo(a.severity()));
    return new GpuState(key, workloadClass, signals, status, false,
        findings.stream().map(Finding::reason).toList(), notes(), findings);
  }

  private List<String> notes() {
    if (ecc.onlyBlank()) {
      return List.of("ECC error counts are blank for " + key.describe()
          + ": ECC is disabled or not supported, so double-bit errors cannot be judged");
    }
    if (!ecc.exported()) {
      return List.of("ECC errors not exported by dcgm-exporter for " + key.describe()
          + ": use the counters file deploy/dcgm-exporter/counters.csv");
    }
    return List.of();
  }

  private Finding sustained(String kind, Breach b, String what, String unit, String suffix, String symbol) {
    String reason = key.describe() + ": " + what + " " + symbol + " " + number(b.level().bound(), 1) + unit
        + " for " + duration(b.level().holdsFor()) + suffix + " since " + instant(b.sinceMillis());
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("value", number(b.value(), 3));
    evidence.put("bound", number(b.level().bound(), 3));
    evidence.put("holds_for_seconds", Long.toString(b.level().holdsFor().toSeconds()));
    return finding(kind, b.severity(), reason, b.sinceMillis(), evidence);
  }

  private Finding eccFinding() {
    double n = ecc.increase();
    Double total = ecc.total();
    String reason = key.describe() + ": " + number(n, 0) + " new double-bit ECC error" + (n == 1 ? "" : "s")
        + " since " + instant(ecc.firstIncreaseMillis())
        + (total == null ? "" : " (" + (ecc.totalIsVolatile() ? "volatile" : "aggregate") + " total " + number(total, 0) + ")")
        + ", reported until " + duration(thresholds.eccReportedFor()) + " after the last";
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("increase", number(n, 0));
    if (total != null) evidence.put("total", number(total, 0));
    evidence.put("last_increase", instant(ecc.lastIncreaseMillis()));
    return finding("gpu_ecc_double_bit", Severity.CRITICAL, reason, ecc.firstIncreaseMillis(), evidence);
  }

  private Finding xidFinding(XidEvents.Episode e) {
    String when = e.occurrences() > 1
        ? " " + number(e.occurrences(), 0) + " times since " + instant(e.firstMillis()) + ", last at " + instant(e.lastMillis())
        : (e.firstMillis() == e.lastMillis() ? " at " + instant(e.firstMillis())
            : " since " + instant(e.firstMillis()) + ", last at " + instant(e.lastMillis()));
    String reason = key.describe() + ": " + XidDescriptions.name(e.code()) + when
        + ", reported until " + duration(thresholds.xidReportedFor()) + " after the last";
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("xid", Integer.toString(e.code()));
    if (e.occurrences() > 0) evidence.put("occurrences", number(e.occurrences(), 0));
    evidence.put("last_seen", instant(e.lastMillis()));
    return finding("gpu_xid", Severity.WARNING, reason, e.firstMillis(), evidence);
  }

  private Finding finding(String kind, Severity severity, String reason, long since, Map<String, String> extra) {
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
    evidence.putAll(extra);
    return new Finding(Dimension.COMPUTE, kind, severity, key.physicalId(), reason, since, evidence);
  }

  private GpuSignals signals() {
    double fbPercent = framebufferPercent(fbUsed, fbFree);
    return new GpuSignals(
        boxed(utilization), boxed(fbPercent), boxed(fbUsed), boxed(fbFree), boxed(fbReserved),
        boxed(temperature), boxed(power), boxed(smClock), ecc.total(), xid.lastCode(),
        profiling, lastSeenMillis);
  }

  private static Double boxed(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
