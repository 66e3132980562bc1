package dev.loupe.dimension.network;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The InfiniBand port counters of node_exporter's infiniband collector, each under every name it
 * has carried. Names are matched without the {@code node_infiniband_} prefix and without a
 * {@code _total} suffix, which node_exporter 0.16 lacked on the data counters
 * ({@code port_data_received_bytes}) and later added; the aliases cover names used by other
 * exporters and older collectors ({@code port_transmit_discards} vs
 * {@code port_discards_transmitted}). {@code saturatesAt} is the largest value the counter's
 * field in the IBA PortCounters attribute can hold: those counters stop there instead of wrapping,
 * so a counter at that value hides every later error (0 when the field is 64-bit or unknown).
 */
public enum InfinibandCounter {
  LINK_DOWNED("link downs", 255, "link_downed"),
  LINK_ERROR_RECOVERY("link error recoveries", 255, "link_error_recovery"),
  SYMBOL_ERRORS("symbol errors", 65_535, "symbol_error", "symbol_errors"),
  LOCAL_LINK_INTEGRITY_ERRORS("local link integrity errors", 15, "local_link_integrity_errors"),
  EXCESSIVE_BUFFER_OVERRUN_ERRORS("excessive buffer overrun errors", 15, "excessive_buffer_overrun_errors"),
  RECEIVE_ERRORS("receive errors", 65_535, "port_errors_received", "port_receive_errors"),
  RECEIVE_REMOTE_PHYSICAL_ERRORS("remote physical receive errors", 65_535,
      "port_receive_remote_physical_errors", "port_remote_physical_errors_received"),
  RECEIVE_SWITCH_RELAY_ERRORS("switch relay receive errors", 65_535,
      "port_receive_switch_relay_errors", "port_switch_relay_errors_received"),
  TRANSMIT_DISCARDS("transmit discards", 65_535, "port_discards_transmitted", "port_transmit_discards"),
  RECEIVE_DISCARDS("receive discards", 0, "port_discards_received", "port_receive_discards"),
  RECEIVE_CONSTRAINT_ERRORS("receive constraint errors", 255,
      "port_constraint_errors_received", "port_receive_constraint_errors"),
  TRANSMIT_CONSTRAINT_ERRORS("transmit constraint errors", 255,
      "port_constraint_errors_transmitted", "port_transmit_constraint_errors"),
  /** Ticks the port had data to send but could not: congestion or missing credits. */
  TRANSMIT_WAIT("transmit wait ticks", 4_294_967_295L, "port_transmit_wait"),
  DATA_RECEIVED_BYTES("bytes received", 0, "port_data_received_bytes", "port_receive_data_bytes"),
  DATA_TRANSMITTED_BYTES("bytes transmitted", 0, "port_data_transmitted_bytes", "port_transmit_data_bytes");

  static final String PREFIX = "node_infiniband_";
  static final String SIGNAL_PREFIX = "loupe_infiniband_port_";
  private static final Map<String, InfinibandCounter> BY_NAME = new HashMap<>();
  private static final Map<String, InfinibandCounter> BY_SIGNAL = new HashMap<>();

  static {
    for (InfinibandCounter c : values()) {
      for (String n : c.names) BY_NAME.put(n, c);
      BY_SIGNAL.put(c.signalName(), c);
    }
  }

  private final String noun;
  private final long saturatesAt;
  private final List<String> names;

  InfinibandCounter(String noun, long saturatesAt, String... names) {
    this.noun = noun;
    this.saturatesAt = saturatesAt;
    this.names = List.of(names);
  }

  /** What one unit of the counter is, plural: "symbol errors". */
  public String noun() {
    return noun;
  }

  public long saturatesAt() {
    return saturatesAt;
  }

  /** The current node_exporter metric name. */
  public String metricName() {
    String base = names.get(0);
    return PREFIX + base + "_total";
  }

  /**
   * The name of the counter as a rule signal ({@link NetworkRuleSignals}):
   * {@code loupe_infiniband_port_symbol_errors_total}.
   */
  public String signalName() {
    return SIGNAL_PREFIX + name().toLowerCase(Locale.ROOT) + "_total";
  }

  /** Every metric name the counter has been exported under, with and without {@code _total}. */
  public List<String> metricNames() {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      out.add(PREFIX + n + "_total");
      out.add(PREFIX + n);
    }
    return out;
  }

  /** The counter whose {@link #signalName()} this is, or null. */
  public static InfinibandCounter ofSignal(String signalName) {
    return BY_SIGNAL.get(signalName);
  }

  /** The counter a metric name is, or null; {@code name} is the full metric name. */
  public static InfinibandCounter of(String name) {
    if (!name.startsWith(PREFIX)) return null;
    String base = name.substring(PREFIX.length());
    if (base.endsWith("_total")) base = base.substring(0, base.length() - "_total".length());
    return BY_NAME.get(base);
  }
}
