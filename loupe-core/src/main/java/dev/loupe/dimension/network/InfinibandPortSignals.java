package dev.loupe.dimension.network;

import java.util.Map;

/**
 * The latest of one port: state and physical state ids as node_exporter reports them, the link
 * rate, the raw counter values, the receive and transmit throughput over the last scrape interval,
 * and the last transmit wait ratio. Null where not (yet) known.
 */
public record InfinibandPortSignals(
    Integer stateId,
    Integer physicalStateId,
    Double rateBytesPerSecond,
    Double receiveBytesPerSecond,
    Double transmitBytesPerSecond,
    Double transmitWaitRatio,
    Map<InfinibandCounter, Double> counters,
    long lastSampleMillis) {
  public InfinibandPortSignals {
    counters = Map.copyOf(counters);
  }
}
