package dev.loupe.api;

import dev.loupe.dimension.compute.ComputeDimensionJudge;
import dev.loupe.dimension.compute.GpuState;
import dev.loupe.dimension.network.InfinibandPortState;
import dev.loupe.dimension.network.NetworkDimensionJudge;
import dev.loupe.dimension.network.ProbeState;
import dev.loupe.model.Alert;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/gpus} and {@code GET /api/v1/network}: every GPU, InfiniBand port and probed
 * node pair with its own status, reasons and latest signals — the detail behind the compute and
 * network tiles.
 */
final class InfrastructureHandler {
  private final ComputeDimensionJudge compute;
  private final NetworkDimensionJudge network;
  private final Clock clock;
  private final Supplier<List<Alert>> alerts;

  /** {@code alerts}: the rule engine's current alerts, whose firing ones give each GPU, port and probe its status. */
  InfrastructureHandler(ComputeDimensionJudge compute, NetworkDimensionJudge network, Clock clock,
      Supplier<List<Alert>> alerts) {
    this.compute = compute;
    this.network = network;
    this.clock = clock;
    this.alerts = alerts;
  }

  void gpus(Context ctx) {
    List<Map<String, Object>> data =
        compute.gpus(clock.millis(), alerts.get()).stream().map(InfrastructureHandler::gpu).toList();
    ApiJson.write(ctx, 200, Map.of("data", data));
  }

  void network(Context ctx) {
    long now = clock.millis();
    List<Alert> current = alerts.get();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("ports", network.ports(now, current).stream().map(InfrastructureHandler::port).toList());
    body.put("probes", network.probes(now, current).stream().map(InfrastructureHandler::probe).toList());
    ApiJson.write(ctx, 200, Map.of("data", body));
  }

  private static Map<String, Object> gpu(GpuState g) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("host", g.key().host());
    m.put("gpu", g.key().gpu());
    m.put("uuid", g.key().uuid());
    m.put("model_name", g.key().modelName());
    m.put("namespace", g.key().namespace());
    m.put("pod", g.key().pod());
    m.put("container", g.key().container());
    m.put("workload", g.workloadClass().wireName());
    m.put("status", g.status().wireName());
    m.put("stale", g.stale());
    m.put("reasons", g.reasons());
    m.put("notes", g.notes());
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("utilization_percent", g.signals().utilizationPercent());
    s.put("framebuffer_used_percent", g.signals().framebufferUsedPercent());
    s.put("temperature_celsius", g.signals().temperatureCelsius());
    s.put("power_watts", g.signals().powerWatts());
    s.put("sm_clock_mhz", g.signals().smClockMhz());
    s.put("ecc_double_bit_total", g.signals().eccDoubleBitTotal());
    s.put("last_xid", g.signals().lastXid());
    s.put("profiling", g.signals().profiling());
    s.put("last_sample", g.signals().lastSampleMillis() == 0 ? null : ApiJson.time(g.signals().lastSampleMillis()));
    m.put("signals", s);
    return m;
  }

  private static Map<String, Object> port(InfinibandPortState p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("host", p.key().host());
    m.put("device", p.key().device());
    m.put("port", p.key().port());
    m.put("status", p.status().wireName());
    m.put("stale", p.stale());
    m.put("reasons", p.reasons());
    m.put("notes", p.notes());
    m.put("state_id", p.signals().stateId());
    m.put("physical_state_id", p.signals().physicalStateId());
    m.put("rate_bytes_per_second", p.signals().rateBytesPerSecond());
    m.put("receive_bytes_per_second", p.signals().receiveBytesPerSecond());
    m.put("transmit_bytes_per_second", p.signals().transmitBytesPerSecond());
    return m;
  }

  private static Map<String, Object> probe(ProbeState p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("source", p.key().source());
    m.put("target", p.key().target());
    m.put("status", p.status().wireName());
    m.put("stale", p.stale());
    m.put("reasons", p.reasons());
    m.put("success", p.signals().success());
    m.put("duration_seconds", p.signals().durationSeconds());
    return m;
  }
}
