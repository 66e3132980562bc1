package dev.loupe.api;

import dev.loupe.dimension.compute.ComputeDimensionJudge;
import dev.loupe.dimension.compute.GpuKey;
import dev.loupe.dimension.compute.GpuState;
import dev.loupe.dimension.network.InfinibandCounter;
import dev.loupe.dimension.network.InfinibandPortSignals;
import dev.loupe.dimension.network.InfinibandPortState;
import dev.loupe.dimension.network.NetworkDimensionJudge;
import dev.loupe.dimension.network.NetworkRuleSignals;
import dev.loupe.dimension.network.ProbeState;
import dev.loupe.model.Alert;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The compute and network dimensions' judged state as gauge families for {@code /metrics}: a
 * status per GPU, port and probe path (same encoding as {@code loupe_dimension_status}) and the
 * derived values the exporters do not give directly (framebuffer ratio, port throughput), under
 * the names and labels the pack's rules read, so that those rules exported as Prometheus rules
 * read the same series: for ports the error counters the pack judges, the transmit wait share of
 * the last scrape interval and whether the link is up (ports seen ACTIVE only, as the rules judge
 * them), for probe paths the last result and the duration of the last probe if it succeeded.
 */
public final class InfrastructureSignalFamilies {
  public static final List<String> NAMES = List.of(
      "loupe_gpu_status", "loupe_gpu_utilization_ratio", "loupe_gpu_framebuffer_used_ratio",
      "loupe_gpu_temperature_celsius", "loupe_infiniband_port_status",
      "loupe_infiniband_port_receive_bytes_per_second", "loupe_infiniband_port_transmit_bytes_per_second",
      NetworkRuleSignals.LINK_UP, NetworkRuleSignals.TRANSMIT_WAIT_RATIO,
      InfinibandCounter.LINK_DOWNED.signalName(), InfinibandCounter.LINK_ERROR_RECOVERY.signalName(),
      InfinibandCounter.SYMBOL_ERRORS.signalName(), InfinibandCounter.LOCAL_LINK_INTEGRITY_ERRORS.signalName(),
      InfinibandCounter.EXCESSIVE_BUFFER_OVERRUN_ERRORS.signalName(), InfinibandCounter.RECEIVE_ERRORS.signalName(),
      InfinibandCounter.RECEIVE_REMOTE_PHYSICAL_ERRORS.signalName(), InfinibandCounter.TRANSMIT_DISCARDS.signalName(),
      "loupe_probe_status", NetworkRuleSignals.PROBE_SUCCESS, NetworkRuleSignals.PROBE_DURATION);

  /** The port counters on {@code /metrics}: those the built-in pack judges. */
  private static final List<InfinibandCounter> COUNTERS = List.of(InfinibandCounter.LINK_DOWNED,
      InfinibandCounter.LINK_ERROR_RECOVERY, InfinibandCounter.SYMBOL_ERRORS,
      InfinibandCounter.LOCAL_LINK_INTEGRITY_ERRORS, InfinibandCounter.EXCESSIVE_BUFFER_OVERRUN_ERRORS,
      InfinibandCounter.RECEIVE_ERRORS, InfinibandCounter.RECEIVE_REMOTE_PHYSICAL_ERRORS,
      InfinibandCounter.TRANSMIT_DISCARDS);

  private InfrastructureSignalFamilies() {}

  /** The GPU families; each GPU's status is that of the firing alerts about it. */
  public static List<GaugeFamily> compute(ComputeDimensionJudge judge, List<Alert> alerts, long nowMillis) {
    List<GpuState> gpus = judge.gpus(nowMillis, alerts);
    List<GaugeFamily> out = new ArrayList<>();
    out.add(gpuFamily("loupe_gpu_status", "Health of each GPU: 0 ok, 1 warning, 2 critical.", gpus,
        g -> ModelSignalFamilies.code(g.status())));
    out.add(gpuFamily("loupe_gpu_utilization_ratio", "GPU utilization, 0 to 1.", gpus,
        g -> ratio(g.signals().utilizationPercent())));
    out.add(gpuFamily("loupe_gpu_framebuffer_used_ratio",
        "Framebuffer used / (used + free + reserved), 0 to 1.", gpus,
        g -> ratio(g.signals().framebufferUsedPercent())));
    out.add(gpuFamily("loupe_gpu_temperature_celsius", "GPU temperature.", gpus,
        g -> orNaN(g.signals().temperatureCelsius())));
    return out;
  }

  /** The port and probe families; each port's and path's status is that of the firing alerts about it. */
  public static List<GaugeFamily> network(NetworkDimensionJudge judge, List<Alert> alerts, long nowMillis) {
    List<InfinibandPortState> ports = judge.ports(nowMillis, alerts);
    List<GaugeFamily> out = new ArrayList<>();
    out.add(portFamily("loupe_infiniband_port_status", "Health of each InfiniBand port: 0 ok, 1 warning, 2 critical.",
        ports, p -> ModelSignalFamilies.code(p.status())));
    out.add(portFamily("loupe_infiniband_port_receive_bytes_per_second", "Port receive throughput.", ports,
        p -> orNaN(p.signals().receiveBytesPerSecond())));
    out.add(portFamily("loupe_infiniband_port_transmit_bytes_per_second", "Port transmit throughput.", ports,
        p -> orNaN(p.signals().transmitBytesPerSecond())));
    out.add(portFamily(NetworkRuleSignals.LINK_UP,
        "1 when the port is ACTIVE and LinkUp, else 0; ports never seen ACTIVE (unused) are left out.", ports,
        p -> judge.firstActiveMillis(p.key()) == Long.MAX_VALUE ? Double.NaN : linkUp(p.signals())));
    out.add(portFamily(NetworkRuleSignals.TRANSMIT_WAIT_RATIO,
        "Share of transmit opportunities spent waiting over the last scrape interval (congestion), 0 to 1.", ports,
        p -> orNaN(p.signals().transmitWaitRatio())));
    for (InfinibandCounter c : COUNTERS) {
      out.add(portFamily(c.signalName(), "The port's " + c.noun() + ", as node_exporter reports them.", ports,
          p -> {
            Double v = p.signals().counters().get(c);
            return v == null || v < 0 ? Double.NaN : v;
          }));
    }
    List<ProbeState> probes = judge.probes(nowMillis, alerts);
    out.add(probeFamily("loupe_probe_status", "Health of each probed node pair: 0 ok, 1 warning, 2 critical.", probes,
        p -> ModelSignalFamilies.code(p.status()), false));
    out.add(probeFamily(NetworkRuleSignals.PROBE_SUCCESS, "The last probe's result: 1 succeeded, 0 failed.", probes,
        p -> orNaN(p.signals().success()), true));
    out.add(probeFamily(NetworkRuleSignals.PROBE_DURATION,
        "How long the last probe took, if it succeeded (a failed one lasts its timeout).", probes,
        p -> p.signals().success() == null || p.signals().success() < 0.5 ? Double.NaN
            : orNaN(p.signals().durationSeconds()), true));
    return out;
  }

  private static double linkUp(InfinibandPortSignals s) {
    boolean up = (s.stateId() == null || s.stateId() == 4) && (s.physicalStateId() == null || s.physicalStateId() == 5);
    return up ? 1 : 0;
  }

  /** Probe paths by source (when known) and target; the rules' signals name the module too. */
  private static GaugeFamily probeFamily(String name, String help, List<ProbeState> probes,
      Function<ProbeState, Double> value, boolean withModule) {
    List<GaugeFamily.Point> points = new ArrayList<>();
    for (ProbeState p : probes) {
      double v = value.apply(p);
      if (Double.isNaN(v)) continue;
      Map<String, String> labels = new LinkedHashMap<>();
      if (p.key().source() != null) labels.put("source", p.key().source());
      labels.put("target", p.key().target());
      if (withModule && p.key().module() != null) labels.put("module", p.key().module());
      points.add(new GaugeFamily.Point(labels, v));
    }
    return new GaugeFamily(name, help, points);
  }

  private static GaugeFamily gpuFamily(String name, String help, List<GpuState> gpus, Function<GpuState, Double> value) {
    List<GaugeFamily.Point> points = new ArrayList<>();
    for (GpuState g : gpus) {
      double v = value.apply(g);
      if (Double.isNaN(v)) continue;
      GpuKey k = g.key();
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("Hostname", k.host());
      labels.put("gpu", k.gpu());
      labels.put("UUID", k.uuid());
      labels.put("modelName", k.modelName());
      labels.put("workload", g.workloadClass().wireName());
      if (k.namespace() != null) labels.put("namespace", k.namespace());
      if (k.pod() != null) labels.put("pod", k.pod());
      points.add(new GaugeFamily.Point(labels, v));
    }
    return new GaugeFamily(name, help, points);
  }

  private static GaugeFamily portFamily(
      String name, String help, List<InfinibandPortState> ports, Function<InfinibandPortState, Double> value) {
    List<GaugeFamily.Point> points = new ArrayList<>();
    for (InfinibandPortState p : ports) {
      double v = value.apply(p);
      if (Double.isNaN(v)) continue;
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("host", p.key().host());
      labels.put("device", p.key().device());
      labels.put("port", p.key().port());
      points.add(new GaugeFamily.Point(labels, v));
    }
    return new GaugeFamily(name, help, points);
  }

  private static double ratio(Double percent) {
    return percent == null ? Double.NaN : percent / 100.0;
  }

  private static double orNaN(Double v) {
    return v == null ? Double.NaN : v;
  }

}
