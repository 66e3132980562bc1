package dev.loupe.api;

import dev.loupe.dimension.compute.ComputeDimensionJudge;
import dev.loupe.dimension.compute.GpuKey;
import dev.loupe.dimension.compute.GpuState;
import dev.loupe.dimension.network.InfinibandPortState;
import dev.loupe.dimension.network.NetworkDimensionJudge;
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
 * derived values the exporters do not give directly (framebuffer ratio, port throughput).
 */
public final class InfrastructureSignalFamilies {
  public static final List<String> NAMES = List.of(
      "loupe_gpu_status", "loupe_gpu_utilization_ratio", "loupe_gpu_framebuffer_used_ratio",
      "loupe_gpu_temperature_celsius", "loupe_infiniband_port_status",
      "loupe_infiniband_port_receive_bytes_per_second", "loupe_infiniband_port_transmit_bytes_per_second",
      "loupe_probe_status");

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

  public static List<GaugeFamily> network(NetworkDimensionJudge judge, long nowMillis) {
    List<InfinibandPortState> ports = judge.ports(nowMillis);
    List<GaugeFamily> out = new ArrayList<>();
    out.add(portFamily("loupe_infiniband_port_status", "Health of each InfiniBand port: 0 ok, 1 warning, 2 critical.",
        ports, p -> ModelSignalFamilies.code(p.status())));
    out.add(portFamily("loupe_infiniband_port_receive_bytes_per_second", "Port receive throughput.", ports,
        p -> orNaN(p.signals().receiveBytesPerSecond())));
    out.add(portFamily("loupe_infiniband_port_transmit_bytes_per_second", "Port transmit throughput.", ports,
        p -> orNaN(p.signals().transmitBytesPerSecond())));
    List<GaugeFamily.Point> probes = new ArrayList<>();
    for (ProbeState p : judge.probes(nowMillis)) {
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("source", p.key().source());
      labels.put("target", p.key().target());
      probes.add(new GaugeFamily.Point(labels, ModelSignalFamilies.code(p.status())));
    }
    out.add(new GaugeFamily("loupe_probe_status",
        "Health of each probed node pair: 0 ok, 1 warning, 2 critical.", probes));
    return out;
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
