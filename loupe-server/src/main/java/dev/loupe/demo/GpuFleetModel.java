package dev.loupe.demo;

import dev.loupe.ingest.prometheus.remote.proto.Label;
import dev.loupe.ingest.prometheus.remote.proto.Sample;
import dev.loupe.ingest.prometheus.remote.proto.TimeSeries;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The GPUs behind the demo's deployments, as a Prometheus agent would remote-write what
 * dcgm-exporter and node_exporter expose: two nodes of four H100s serving inference, each with
 * an InfiniBand port. Healthy and busy, with values that wander a little; counters only grow.
 * One GPU ({@link #HOT_NODE} GPU {@link #HOT_GPU}) runs hot from {@code heatFromMillis}: its
 * cooling fails and it climbs {@value #HEAT_RISE} °C within a minute, past the 78 and 83 °C of
 * the temperature rules.
 */
final class GpuFleetModel {
  static final String[] NODES = {"gpu-node-1", "gpu-node-2"};
  static final int GPUS_PER_NODE = 4;
  static final long STEP_MILLIS = 15_000;
  /** An HDR InfiniBand port: 200 Gb/s. */
  private static final double IB_RATE_BYTES = 25e9;

  static final String HOT_NODE = "gpu-node-2";
  static final int HOT_GPU = 3;
  static final double HEAT_RISE = 22;
  static final long HEAT_UP_MILLIS = 60_000;

  private final long originMillis;
  private final long heatFromMillis;

  GpuFleetModel(long originMillis, long heatFromMillis) {
    this.originMillis = originMillis;
    this.heatFromMillis = heatFromMillis;
  }

  /** How much warmer than its load makes it a GPU is at {@code t}: only the hot one, once heating. */
  double excessHeat(String node, int gpu, long t) {
    if (!node.equals(HOT_NODE) || gpu != HOT_GPU || t <= heatFromMillis) return 0;
    return HEAT_RISE * Math.min(1, (t - heatFromMillis) / (double) HEAT_UP_MILLIS);
  }

  /** Every series of the fleet at time {@code t}. */
  List<TimeSeries> at(long t) {
    Random noise = new Random(t);
    List<TimeSeries> out = new ArrayList<>();
    double seconds = (t - originMillis) / 1000.0;
    for (int n = 0; n < NODES.length; n++) {
      String node = NODES[n];
      for (int g = 0; g < GPUS_PER_NODE; g++) {
        Map<String, String> gpu = new LinkedHashMap<>();
        gpu.put("Hostname", node);
        gpu.put("gpu", Integer.toString(g));
        gpu.put("UUID", String.format(Locale.ROOT, "GPU-5e1d%04x-7953-256e-8f33-1343419b1a1c", n * 16 + g));
        gpu.put("modelName", "NVIDIA H100 80GB HBM3");
        gpu.put("namespace", "llm-serving");
        gpu.put("pod", "vllm-chat-" + (n * GPUS_PER_NODE + g));
        double util = 58 + 14 * Math.sin(seconds / 600 + g) + noise.nextGaussian() * 3;
        double used = 61_000 + 2_000 * noise.nextDouble();
        out.add(series("DCGM_FI_DEV_GPU_UTIL", gpu, t, Math.max(0, Math.min(100, Math.round(util)))));
        out.add(series("DCGM_FI_DEV_FB_USED", gpu, t, Math.round(used)));
        out.add(series("DCGM_FI_DEV_FB_FREE", gpu, t, Math.round(81_559 - used - 512)));
        out.add(series("DCGM_FI_DEV_FB_RESERVED", gpu, t, 512));
        out.add(series("DCGM_FI_DEV_GPU_TEMP", gpu, t, Math.round(61 + util / 10 + excessHeat(node, g, t) + noise.nextGaussian())));
        out.add(series("DCGM_FI_DEV_POWER_USAGE", gpu, t, 180 + util * 4 + noise.nextGaussian() * 10));
        out.add(series("DCGM_FI_DEV_SM_CLOCK", gpu, t, 1_755));
        out.add(series("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", gpu, t, 0));
        out.add(series("DCGM_FI_DEV_XID_ERRORS", gpu, t, 0));
        out.add(series("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", gpu, t, util / 130));
      }
      Map<String, String> port = new LinkedHashMap<>();
      port.put("instance", node + ":9100");
      port.put("job", "node");
      port.put("device", "mlx5_0");
      port.put("port", "1");
      double load = 0.35 + 0.1 * Math.sin(seconds / 900 + n);
      out.add(series("node_infiniband_state_id", port, t, 4));
      out.add(series("node_infiniband_physical_state_id", port, t, 5));
      out.add(series("node_infiniband_rate_bytes_per_second", port, t, IB_RATE_BYTES));
      out.add(series("node_infiniband_port_data_received_bytes_total", port, t, Math.floor(seconds * IB_RATE_BYTES * load)));
      out.add(series("node_infiniband_port_data_transmitted_bytes_total", port, t, Math.floor(seconds * IB_RATE_BYTES * load * 0.9)));
      out.add(series("node_infiniband_port_transmit_wait_total", port, t, Math.floor(seconds * 1_000)));
      out.add(series("node_infiniband_symbol_error_total", port, t, 0));
      out.add(series("node_infiniband_link_downed_total", port, t, 0));
      out.add(series("node_infiniband_port_errors_received_total", port, t, 0));
    }
    return out;
  }

  private static TimeSeries series(String name, Map<String, String> labels, long t, double value) {
    TimeSeries.Builder b = TimeSeries.newBuilder().addLabels(Label.newBuilder().setName("__name__").setValue(name));
    labels.forEach((k, v) -> b.addLabels(Label.newBuilder().setName(k).setValue(v)));
    return b.addSamples(Sample.newBuilder().setTimestamp(t).setValue(value)).build();
  }
}
